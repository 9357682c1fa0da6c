import ExposureModel
import ExposureStore
import Foundation
import ProcessIsolation
import MediaMetadata

/// The per-file work of a scan: kind and embedded metadata (always), then faces with
/// their descriptors and thumbnails (unless `--no-faces`). Items already analysed in a
/// reused inventory (same SHA-256) are copied from it instead.
///
/// The analysis of the bytes runs in worker processes (`exposure worker`: Worker/ and the
/// ProcessIsolation module): this process never parses or decodes an untrusted file, so a crash or
/// hang there costs one file, reported with its reason. Thread-safe: the scan's tasks
/// share one analyzer.
final class MediaAnalyzer: @unchecked Sendable {
    let analyzeFaces: Bool
    let reuse: InventoryDatabase?
    let workers: WorkerPool

    struct Result {
        var item: ItemWrite
        var reused: Bool
        var stageSeconds = StageSeconds()
    }

    enum Outcome {
        case analysed(Result)
        /// The worker crashed or timed out on this file.
        case failed(reason: String)
    }

    init(analyzeFaces: Bool, reuse: InventoryDatabase?, workers: WorkerPool) {
        self.analyzeFaces = analyzeFaces
        self.reuse = reuse
        self.workers = workers
    }

    func analyze(bytes: Data, sha256: String, path: String, sourceID: Int64, reference: MediaReference) throws -> Outcome {
        // A reused item is copied when it holds all this scan needs: faces (unless --no-faces) and,
        // for a readable photo, its fingerprint (inventories made before fingerprints lack it).
        if let reuse, let known = try reuse.item(sha256: sha256), known.record.facesAnalysed || !analyzeFaces,
           known.record.fingerprint != nil || known.record.kind != .photo || known.record.unreadableReason != nil {
            let faces = known.record.facesAnalysed ? known.faces.map { FaceWrite(face: $0.face, thumbnail: $0.thumbnail) } : nil
            let video = analyzeFaces && known.record.kind == .video ? try reuse.video(itemID: known.record.id) : nil
            return .analysed(Result(item: ItemWrite(sha256: sha256, kind: known.record.kind, byteSize: Int64(bytes.count),
                                                    sourceID: sourceID, path: path, reference: reference, embedded: known.record.embedded,
                                                    unreadableReason: known.record.unreadableReason, faces: analyzeFaces ? faces : nil,
                                                    fingerprint: known.record.fingerprint, video: video),
                                    reused: true))
        }
        switch try workers.run(WorkRequest(operation: .analyze, path: path), bytes: bytes) {
        case .failure(let failure):
            return .failed(reason: failure.description)
        case .success(let response):
            guard let a = response.analysis else { return .failed(reason: response.error ?? "worker gave no analysis") }
            return .analysed(Result(item: ItemWrite(sha256: sha256, kind: a.kind, byteSize: Int64(bytes.count), sourceID: sourceID,
                                                    path: path, reference: reference, embedded: a.embedded,
                                                    unreadableReason: a.unreadableReason,
                                                    faces: a.faces?.map { FaceWrite(face: $0.face, thumbnail: $0.thumbnail) },
                                                    fingerprint: a.fingerprint, video: a.video),
                                    reused: false, stageSeconds: a.stageSeconds))
        }
    }

    /// The descriptor of the largest face in a photo the user supplies (`scan --me`).
    func meDescriptor(_ url: URL) throws -> [Float] {
        guard analyzeFaces else { throw ScanError.meNeedsFaces }
        let bytes = try Data(contentsOf: url)
        switch try workers.run(WorkRequest(operation: .faces, path: url.lastPathComponent), bytes: bytes) {
        case .failure(let failure):
            throw ScanError.meUnreadable(url.lastPathComponent, failure.description)
        case .success(let response):
            if let error = response.error { throw ScanError.meUnreadable(url.lastPathComponent, error) }
            // The faces in dlib's range: a photo of you shows one face, yours.
            let faces = (response.analysis?.faces ?? []).map(\.face).filter { !$0.belowDetectorRange }
            guard faces.count == 1, let face = faces.first else {
                throw faces.isEmpty ? ScanError.noFaceInMe(url.lastPathComponent) : ScanError.severalFacesInMe(url.lastPathComponent, faces.count)
            }
            return face.descriptor
        }
    }
}

enum ScanError: UserFacingError {
    case meNeedsFaces
    case noFaceInMe(String)
    case severalFacesInMe(String, Int)
    case meUnreadable(String, String)
    case noWorkerBinary(String)
    case faceSearchDiffers(what: String, recorded: String, asked: String)
    /// All but a missing worker binary are the command line's fault.
    var isUsageError: Bool {
        if case .noWorkerBinary = self { return false }
        return true
    }
    var description: String {
        switch self {
        case .meNeedsFaces: return "--me needs face analysis (drop --no-faces)"
        case .noFaceInMe(let name): return "--me \(name): no face found in that photo; give a photo that shows your face (40 px or larger)"
        case .severalFacesInMe(let name, let count):
            return "--me \(name): \(count) faces in that photo; give a photo that shows only your face"
        case .meUnreadable(let name, let why): return "--me \(name): \(why)"
        case .noWorkerBinary(let path): return "cannot find the exposure binary to run analysis workers (looked for \(path))"
        case .faceSearchDiffers(let what, let recorded, let asked):
            return "\(what) was scanned looking for \(recorded); this scan looks for \(asked). "
                + "Use the same --search, --smallest-face and --upsample as that scan, or a new --db."
        }
    }
}
