import ExposureModel
import Foundation

// The messages of the scan-worker protocol (Frames.swift); per-file messages travel in
// the binary layout of WireCoding.swift, the hello as JSON.

/// What a worker is asked to do with the bytes that follow the header.
struct WorkRequest: Sendable {
    enum Operation: String, Sendable {
        /// Kind, embedded metadata and (unless `--no-faces`) faces of one media file.
        case analyze
        /// The faces of the user's own photo (`scan --me`): decoded, never stored.
        case faces
    }
    var operation: Operation
    /// The entry's path inside its export; only its last component is used (format sniffing, test hooks).
    var path: String
}

/// The worker's first frame: ready, or why it cannot work (models missing, ...).
struct WorkerHello: Codable, Sendable {
    var ready: Bool
    var error: String?
}

/// The worker's answer to one request.
struct WorkResponse: Sendable {
    var analysis: FileAnalysis?
    /// For `.faces`: the photo could not be decoded.
    var error: String?
}

/// Everything the scan learns from one file's bytes: the result of untrusted parsing and
/// decoding, which is why it is computed in a worker process.
struct FileAnalysis: Sendable, Equatable {
    struct Face: Sendable, Equatable {
        var face: DetectedFace
        /// A small JPEG of the face.
        var thumbnail: Data?
    }
    var kind: MediaKind
    var embedded: EmbeddedMetadata?
    var unreadableReason: String?
    /// nil when faces were not analysed (`--no-faces`, unreadable images and videos). For a
    /// video: one face per track, its best (`video.tracks[i].faceIndex`).
    var faces: [Face]?
    /// The photo's perceptual fingerprint, for linkage (nil for videos, unreadable and featureless pictures).
    var fingerprint: PerceptualFingerprint?
    /// A video's sampling, poster frame and face tracks (when its faces were analysed).
    var video: VideoAnalysis? = nil
    /// Where the worker's time on this file went.
    var stageSeconds = StageSeconds()
}

/// Seconds a worker spent per stage of the per-file work (wall clock inside the worker; with
/// one kernel thread per worker, as a scan runs them, that is its CPU time). Summed over a
/// scan, they say where its time goes (`exposure scan` prints them; scripts/bench-e2e too).
public struct StageSeconds: Sendable, Equatable {
    /// Format sniffing, EXIF/XMP, the stale-thumbnail check.
    public var metadata: Double = 0
    /// Decoding the photo to pixels (EXIF orientation applied).
    public var decode: Double = 0
    /// The CNN face detector, incl. resizing to the detection policy's scale.
    public var detection: Double = 0
    /// 5-point landmarks, face chips and 128-D descriptors.
    public var descriptors: Double = 0
    /// The faces' small JPEG crops for the report (and videos' poster frames).
    public var thumbnails: Double = 0
    /// The perceptual fingerprint for linkage (its own reduced decode and 19 hashes).
    public var fingerprint: Double = 0
    /// Demuxing, decoding and scaling video frames (the face search on them is in detection/descriptors).
    public var videoDecode: Double = 0

    public init() {}

    static func += (a: inout StageSeconds, b: StageSeconds) {
        a.metadata += b.metadata; a.decode += b.decode; a.detection += b.detection
        a.descriptors += b.descriptors; a.thumbnails += b.thumbnails; a.fingerprint += b.fingerprint
        a.videoDecode += b.videoDecode
    }

    public var total: Double { metadata + decode + detection + descriptors + thumbnails + fingerprint + videoDecode }

    /// Runs `body`, adding its wall-clock seconds to `stage`.
    static func time<R>(_ stage: inout Double, _ body: () throws -> R) rethrows -> R {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { stage += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        return try body()
    }
}
