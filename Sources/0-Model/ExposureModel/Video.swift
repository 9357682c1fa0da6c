import Foundation

/// What the face search saw in one video: how it was sampled, how much of it was covered,
/// a poster frame, and the tracks of faces across sampled frames.
public struct VideoAnalysis: Codable, Hashable, Sendable {
    /// Seconds, when the container says.
    public var duration: Double?
    /// Seconds between regular samples (wider than the setting for long videos).
    public var sampleInterval: Double
    /// Frames the face search ran on (regular samples and keyframes).
    public var sampledFrames: Int
    /// Frames decoded (sampled or not).
    public var decodedFrames: Int
    /// Seconds of the video the samples cover, from its start.
    public var analysedSeconds: Double
    /// Why sampling stopped before the end (a cap, a truncated file); nil when it reached the end.
    public var stoppedEarly: String?
    /// FFmpeg's decoder name (h264, hevc, vp9, libdav1d, ...).
    public var codec: String
    /// Frame size as displayed (rotation applied), before scaling for the face search.
    public var width: Int
    public var height: Int
    public var rotation: Int
    /// A small JPEG of the sampled frame with the largest face (else the first), for the report.
    public var poster: Data?
    public var tracks: [VideoFaceTrack]

    public init(duration: Double?, sampleInterval: Double, sampledFrames: Int, decodedFrames: Int, analysedSeconds: Double,
                stoppedEarly: String?, codec: String, width: Int, height: Int, rotation: Int, poster: Data?,
                tracks: [VideoFaceTrack]) {
        self.duration = duration; self.sampleInterval = sampleInterval; self.sampledFrames = sampledFrames
        self.decodedFrames = decodedFrames; self.analysedSeconds = analysedSeconds; self.stoppedEarly = stoppedEarly
        self.codec = codec; self.width = width; self.height = height; self.rotation = rotation; self.poster = poster
        self.tracks = tracks
    }
}

/// One face followed across consecutive sampled frames of a video.
public struct VideoFaceTrack: Codable, Hashable, Sendable {
    /// The item's face (its index among the item's faces) that stands for the track: the best
    /// face seen, whose descriptor joins identity clustering beside photo faces.
    public var faceIndex: Int
    /// First and last sighting, seconds from the video's start.
    public var startSeconds: Double
    public var endSeconds: Double
    /// Sampled frames the face was found in.
    public var framesSeen: Int
    /// Frames showing the face at a head pose or with a descriptor not seen before in the
    /// track: distinct training views, not near-copies.
    public var distinctViews: Int
    /// Descriptors of the track's best few faces, best first (the first is `faceIndex`'s).
    public var descriptors: [[Float]]

    public init(faceIndex: Int, startSeconds: Double, endSeconds: Double, framesSeen: Int, distinctViews: Int,
                descriptors: [[Float]]) {
        self.faceIndex = faceIndex; self.startSeconds = startSeconds; self.endSeconds = endSeconds
        self.framesSeen = framesSeen; self.distinctViews = distinctViews; self.descriptors = descriptors
    }

    /// Seconds of video the track stands for: from its first sighting to one sample interval
    /// after its last (each sample stands for the interval after it), within the video.
    public func seconds(interval: Double, duration: Double?) -> Double {
        let end = endSeconds + interval
        return max(0, min(end, duration.map { max($0, endSeconds) } ?? end) - startSeconds)
    }
}
