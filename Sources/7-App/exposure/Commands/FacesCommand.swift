import ArgumentParser
import Foundation
import ExposurePipeline

/// `exposure faces IMAGE...`: dlib's CNN face detector, 5 landmarks and 128-D descriptor per face.
struct FacesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faces",
        abstract: "Find faces in images: box, confidence, 5 landmarks and a 128-D descriptor (dlib's models).",
        discussion: """
        Boxes are dlib's inclusive rectangles in pixels of the image after EXIF orientation and may \
        extend past its edges. Descriptors of one person lie within 0.6 of each other (Euclidean).
        """)

    @Argument(help: "JPEG or PNG files.")
    var images: [String]

    @Option(help: "fast (default): the scan's search, MTCNN proposals then dlib's detector in windows around them, faces from 20 px (those under 40 px flagged). dlib: dlib's own detector over the whole image (face_recognition's results).")
    var search: String = FaceSearchMethod.fast.rawValue

    @Option(help: "With --search dlib: double the image this many times before detecting (finds smaller faces, ~4x slower each).")
    var upsample: Int = 1

    @Flag(help: "Print JSON (schema exposure.faces/2).")
    var json = false

    @Option(help: "Folder with the six model files, dlib's three and MTCNN's three (default: $XDG_CACHE_HOME/exposure/models or ~/.cache/exposure/models).")
    var models: String?

    func validate() throws {
        for image in images {
            var folder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: image, isDirectory: &folder) else { throw ValidationError("no such file: \(image)") }
            if folder.boolValue { throw ValidationError("\(image) is a folder: name image files (for a folder of photos, use `exposure scan FOLDER --db me.sqlite`)") }
        }
        guard (0...3).contains(upsample) else { throw ValidationError("--upsample must be 0...3") }
        guard let method = FaceSearchMethod(rawValue: search) else { throw ValidationError("--search must be fast or dlib") }
        if method == .fast && upsample != 1 { throw ValidationError("--upsample applies to --search dlib only") }
    }

    func run() throws {
        var entries: [String] = []
        var failures = 0
        try Workflows.faces(images: images, method: FaceSearchMethod(rawValue: search) ?? .fast, upsample: upsample,
                            modelDirectory: models.map { URL(fileURLWithPath: $0) }) { shownPath, result in
            switch result {
            case .failure(let error):
                failures += 1
                FileHandle.standardError.write(Data("exposure faces: \(shownPath): \(FileProblem.message(error))\n".utf8))
            case .success(let image):
                if json {
                    entries.append(FacesJSON.image(path: shownPath, width: image.width, height: image.height, faces: image.faces))
                } else {
                    print("\(shownPath): \(image.width)x\(image.height), \(image.faces.count) face\(image.faces.count == 1 ? "" : "s")")
                    for (i, f) in image.faces.enumerated() {
                        let b = f.box
                        let marks = f.landmarks.map { "(\($0.x),\($0.y))" }.joined(separator: " ")
                        let small = f.belowDetectorRange ? " (below dlib's 40 px range: found by the proposal network; confidence is its probability)" : ""
                        print("  face \(i + 1): box left \(b.left) top \(b.top) right \(b.right) bottom \(b.bottom), confidence \(String(format: "%.3f", f.confidence)), landmarks \(marks)\(small)")
                    }
                }
            }
        }
        if json { print(FacesJSON.document(images: entries)) }
        if failures > 0 { throw ExitCode(1) }
    }
}

/// Hand-written so the keys keep the documented order.
enum FacesJSON {
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    static func number(_ f: Float) -> String { f.isFinite ? "\(f)" : "null" }

    static func image(path: String, width: Int, height: Int, faces: [DetectedFace]) -> String {
        let list = faces.map { f in
            "{\"box\":{\"left\":\(f.box.left),\"top\":\(f.box.top),\"right\":\(f.box.right),\"bottom\":\(f.box.bottom)},"
                + "\"confidence\":\(number(f.confidence)),"
                + "\"below_detector_range\":\(f.belowDetectorRange),"
                + "\"landmarks\":[\(f.landmarks.map { "[\($0.x),\($0.y)]" }.joined(separator: ","))],"
                + "\"descriptor\":[\(f.descriptor.map(number).joined(separator: ","))]}"
        }
        return "{\"path\":\(string(path)),\"width\":\(width),\"height\":\(height),\"faces\":[\(list.joined(separator: ","))]}"
    }

    static func document(images: [String]) -> String {
        "{\"schema\":\"exposure.faces/2\",\"images\":[\(images.joined(separator: ","))]}"
    }
}
