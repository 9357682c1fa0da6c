import Foundation

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

    public static func += (a: inout StageSeconds, b: StageSeconds) {
        a.metadata += b.metadata; a.decode += b.decode; a.detection += b.detection
        a.descriptors += b.descriptors; a.thumbnails += b.thumbnails; a.fingerprint += b.fingerprint
        a.videoDecode += b.videoDecode
    }

    public var total: Double { metadata + decode + detection + descriptors + thumbnails + fingerprint + videoDecode }

    /// Runs `body`, adding its wall-clock seconds to `stage`.
    public static func time<R>(_ stage: inout Double, _ body: () throws -> R) rethrows -> R {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { stage += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        return try body()
    }
}
