import ExposureModel
import Foundation

/// What a worker is asked to do with the bytes that follow the header.
struct WorkRequest: Codable, Sendable {
    enum Operation: String, Codable, Sendable {
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
struct WorkResponse: Codable, Sendable {
    var analysis: FileAnalysis?
    /// For `.faces`: the photo could not be decoded.
    var error: String?
}

/// Everything the scan learns from one file's bytes: the result of untrusted parsing and
/// decoding, which is why it is computed in a worker process.
struct FileAnalysis: Codable, Sendable, Equatable {
    struct Face: Codable, Sendable, Equatable {
        var face: DetectedFace
        /// A small JPEG of the face (base64 in the JSON).
        var thumbnail: Data?
    }
    var kind: MediaKind
    var embedded: EmbeddedMetadata?
    var unreadableReason: String?
    /// nil when faces were not analysed (`--no-faces`, videos, unreadable images).
    var faces: [Face]?
}

extension JSONEncoder {
    /// Descriptors are floats; keep NaN/inf encodable so one odd value cannot fail a file.
    static var workerEncoder: JSONEncoder {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }
}

extension JSONDecoder {
    static var workerDecoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}
