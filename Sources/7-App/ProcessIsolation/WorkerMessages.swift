import ExposureModel
import Foundation

// The messages of the scan-worker protocol (Frames.swift); per-file messages travel in
// the binary layout of WireCoding.swift, the hello as JSON.

/// What a worker is asked to do with the bytes that follow the header.
public struct WorkRequest: Sendable {
    public enum Operation: String, Sendable {
        /// Kind, embedded metadata and (unless `--no-faces`) faces of one media file.
        case analyze
        /// The faces of the user's own photo (`scan --me`): decoded, never stored.
        case faces
    }
    public var operation: Operation
    /// The entry's path inside its export; only its last component is used (format sniffing, test hooks).
    public var path: String
    public init(operation: Operation, path: String) { self.operation = operation; self.path = path }
}

/// The worker's first frame: ready, or why it cannot work (models missing, ...).
struct WorkerHello: Codable, Sendable {
    var ready: Bool
    var error: String?
}

/// The worker's answer to one request.
public struct WorkResponse: Sendable {
    public var analysis: FileAnalysis?
    /// For `.faces`: the photo could not be decoded.
    public var error: String?
    public init(analysis: FileAnalysis? = nil, error: String? = nil) { self.analysis = analysis; self.error = error }
}

/// Everything the scan learns from one file's bytes: the result of untrusted parsing and
/// decoding, which is why it is computed in a worker process.
public struct FileAnalysis: Sendable, Equatable {
    public struct Face: Sendable, Equatable {
        public var face: DetectedFace
        /// A small JPEG of the face.
        public var thumbnail: Data?
        public init(face: DetectedFace, thumbnail: Data?) { self.face = face; self.thumbnail = thumbnail }
    }
    public var kind: MediaKind
    public var embedded: EmbeddedMetadata?
    public var unreadableReason: String?
    /// nil when faces were not analysed (`--no-faces`, unreadable images and videos). For a
    /// video: one face per track, its best (`video.tracks[i].faceIndex`).
    public var faces: [Face]?
    /// The photo's perceptual fingerprint, for linkage (nil for videos, unreadable and featureless pictures).
    public var fingerprint: PerceptualFingerprint?
    /// A video's sampling, poster frame and face tracks (when its faces were analysed).
    public var video: VideoAnalysis? = nil
    /// Where the worker's time on this file went.
    public var stageSeconds = StageSeconds()

    public init(kind: MediaKind, embedded: EmbeddedMetadata?, unreadableReason: String?, faces: [Face]?,
                fingerprint: PerceptualFingerprint? = nil, video: VideoAnalysis? = nil, stageSeconds: StageSeconds = StageSeconds()) {
        self.kind = kind; self.embedded = embedded; self.unreadableReason = unreadableReason; self.faces = faces
        self.fingerprint = fingerprint; self.video = video; self.stageSeconds = stageSeconds
    }
}
