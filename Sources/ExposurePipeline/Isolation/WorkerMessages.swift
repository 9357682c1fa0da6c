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
