import ExposureModel
import ExposureStore
import FaceAnalysis
import Foundation
import MediaMetadata

/// The per-file work of a scan: kind and embedded metadata (always), then faces with
/// their descriptors and thumbnails (unless `--no-faces`). Items already analysed in a
/// reused inventory (same SHA-256) are copied from it instead. Thread-safe: the scan's
/// workers share one analyzer.
final class MediaAnalyzer: @unchecked Sendable {
    let engine: FaceEngine?
    let upsample: Int
    let reuse: InventoryDatabase?

    struct Result {
        var item: ItemWrite
        var reused: Bool
    }

    init(analyzeFaces: Bool, modelDirectory: URL?, upsample: Int, jobs: Int, reuse: InventoryDatabase?) throws {
        engine = analyzeFaces ? try FaceEngine(modelDirectory: modelDirectory ?? ModelStore().directory) : nil
        self.upsample = upsample
        self.reuse = reuse
    }

    func analyze(bytes: Data, sha256: String, path: String, sourceID: Int64, reference: MediaReference) throws -> Result {
        let filename = (path as NSString).lastPathComponent
        if let reuse, let known = try reuse.item(sha256: sha256), known.record.facesAnalysed || engine == nil {
            let faces = known.record.facesAnalysed ? known.faces.map { FaceWrite(face: $0.face, thumbnail: $0.thumbnail) } : nil
            return Result(item: ItemWrite(sha256: sha256, kind: known.record.kind, byteSize: Int64(bytes.count),
                                          sourceID: sourceID, path: path, reference: reference, embedded: known.record.embedded,
                                          unreadableReason: known.record.unreadableReason, faces: engine == nil ? nil : faces),
                          reused: true)
        }
        let inspection = MediaInspector.inspect(bytes, filename: filename)
        let kind = inspection.kind ?? .photo
        var unreadable = inspection.unreadableReason
        var faces: [FaceWrite]? = nil
        if let engine, kind == .photo, unreadable == nil, inspection.canDecodePixels {
            do {
                let image = try ImageDecoder.decode(bytes)
                faces = engine.faces(in: image, upsample: upsample).map { face in
                    FaceWrite(face: face, thumbnail: FaceThumbnail.jpeg(of: face.box, in: image))
                }
            } catch {
                unreadable = "\(error)"
            }
        }
        return Result(item: ItemWrite(sha256: sha256, kind: kind, byteSize: Int64(bytes.count), sourceID: sourceID,
                                      path: path, reference: reference, embedded: inspection.metadata,
                                      unreadableReason: unreadable, faces: faces),
                      reused: false)
    }

    /// The descriptor of the largest face in a photo the user supplies (`scan --me`).
    func meDescriptor(_ url: URL) throws -> [Float] {
        guard let engine else { throw ScanError.meNeedsFaces }
        let image = try ImageDecoder.decode(try Data(contentsOf: url))
        guard let face = engine.faces(in: image, upsample: upsample).max(by: { $0.box.width * $0.box.height < $1.box.width * $1.box.height }) else {
            throw ScanError.noFaceInMe(url.lastPathComponent)
        }
        return face.descriptor
    }
}

enum ScanError: Error, CustomStringConvertible {
    case meNeedsFaces
    case noFaceInMe(String)
    var description: String {
        switch self {
        case .meNeedsFaces: return "--me needs face analysis (drop --no-faces)"
        case .noFaceInMe(let name): return "--me \(name): no face found in that photo"
        }
    }
}

/// Small face crops for the report: the detector's box, clamped to the image, scaled to
/// at most 96 pixels a side, as a JPEG.
enum FaceThumbnail {
    static let side = 96

    static func jpeg(of box: DetectedFace.Box, in image: RGBImage) -> Data? {
        let left = max(0, box.left), top = max(0, box.top)
        let right = min(image.width - 1, box.right), bottom = min(image.height - 1, box.bottom)
        guard right > left, bottom > top else { return nil }
        let w = right - left + 1, h = bottom - top + 1
        let scale = max(1, Double(max(w, h)) / Double(side))
        let ow = max(1, Int(Double(w) / scale)), oh = max(1, Int(Double(h) / scale))
        var pixels = [UInt8](repeating: 0, count: ow * oh * 3)
        for y in 0..<oh {
            let sy = top + min(h - 1, Int(Double(y) * scale))
            for x in 0..<ow {
                let sx = left + min(w - 1, Int(Double(x) * scale))
                let s = 3 * (sy * image.width + sx), d = 3 * (y * ow + x)
                pixels[d] = image.pixels[s]; pixels[d + 1] = image.pixels[s + 1]; pixels[d + 2] = image.pixels[s + 2]
            }
        }
        return try? ImageEncoder.jpeg(RGBImage(width: ow, height: oh, pixels: pixels), quality: 80)
    }
}
