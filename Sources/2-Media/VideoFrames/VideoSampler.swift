import ExposureModel
import Foundation

/// Which frames of a video the face search sees: about one per second, plus keyframes
/// (encoders put them at scene cuts, and a keyframe costs no extra decoding), within caps
/// so that a two-hour file cannot dominate a scan. Recorded in the inventory
/// (`settingValue`): faces sampled one way are not mixed with another's.
public struct VideoSampling: Sendable, Hashable {
    /// Seconds between regular samples.
    public var interval: Double = 1
    /// Keyframes count as samples too when at least this far (seconds) after the last sample; nil: regular samples only.
    public var keyframeGap: Double? = 0.5
    /// Frames handed to the face search per video. A longer video is sampled more sparsely
    /// (duration / maxFrames apart), seeking between samples.
    public var maxFrames = 300
    /// Wall-clock seconds of decoding and face search per video; what is left is not analysed
    /// (the coverage is recorded). Below the scan's per-file timeout (120 s).
    public var maxWallSeconds: Double = 60
    /// Frames decoded per video, sampled or not (an endless stream stops here).
    public var maxDecodedFrames = 40_000
    /// Frames are scaled so their longer side is at most this many pixels before the face
    /// search: a 1080p frame becomes 960x540 (faces from about 20 px of that size).
    public var maxSide = 960
    /// The smallest face looked for in a scaled frame, in its pixels (80 px of a 1080p original at
    /// the default size). Faces on video are mostly large (selfies, reels), and the proposal
    /// network's cost falls with the square of this: 20 px cost three times as much per frame.
    /// Faces below dlib's 40 px window are then never kept from video.
    public var smallestFace = 40
    /// Faces that continue a track: dlib's detector confirms a track's first face; on later
    /// frames a proposal where the track was last seen is taken as the same face without dlib's
    /// windows (FaceAnalysis/FaceSearchCascade.swift, `known`), which costs four times the
    /// proposal network per large face. Proposals anywhere else still go to dlib. The fast
    /// search only; false: every frame searched as a photo is.
    public var followTracks = true

    public init() {}

    public static let settingKey = "video_sampling"

    public var settingValue: String {
        let keyframes = keyframeGap.map { String(format: ", keyframes %g s after a sample", $0) } ?? ""
        let follow = followTracks ? ", tracked faces followed by the proposal network" : ""
        return String(format: "every %g s%@, at most %d frames and %g s per video, longer side %d px, faces from %d px%@",
                      interval, keyframes, maxFrames, maxWallSeconds, maxSide, smallestFace, follow)
    }

    /// The interval for a video of `duration` seconds: the regular one, or wider so that the
    /// samples cover the whole video within `maxFrames`.
    public func interval(forDuration duration: Double?) -> Double {
        guard let duration, duration.isFinite, duration > 0 else { return interval }
        return max(interval, duration / Double(max(1, maxFrames)))
    }
}

/// What sampling one video did.
public struct SamplingReport: Sendable, Equatable {
    public var info: VideoInfo
    public var sampledFrames = 0
    public var decodedFrames = 0
    /// Time of the last frame sampled (seconds).
    public var lastSampleTime: Double = 0
    /// The interval used (wider than the setting for long videos).
    public var interval: Double
    /// Why sampling stopped before the end of the video: the frame cap, the time budget, or a
    /// decoding error after some frames were read (a truncated file); nil when it reached the end.
    public var stoppedEarly: String?
}

public enum VideoSampler {
    /// Decodes `bytes` and calls `body` with each sampled frame, in time order. Throws
    /// `VideoDecodeError` when the bytes are no decodable video or not one frame decodes;
    /// a failure after some frames ends sampling and is reported in `stoppedEarly`.
    public static func sample(_ bytes: Data, sampling: VideoSampling, threads: Int = 1,
                              maxPixels: Int = VideoDecoder.defaultMaxPixels,
                              body: (VideoFrame) throws -> Void) throws -> SamplingReport {
        try VideoDecoder.open(bytes, maxPixels: maxPixels, threads: threads) { decoder in
            let interval = sampling.interval(forDuration: decoder.info.duration)
            // Seeking pays only when samples are further apart than a typical keyframe interval.
            let seekBeyond = interval >= 4 ? 2.0 : 0
            var report = SamplingReport(info: decoder.info, interval: interval)
            decoder.setBudget(decodedFrames: sampling.maxDecodedFrames, wallSeconds: sampling.maxWallSeconds)
            var next = 0.0
            while report.sampledFrames < sampling.maxFrames {
                let frame: VideoFrame?
                do {
                    frame = try decoder.nextFrame(notBefore: next, keyframeGap: sampling.keyframeGap,
                                                  seekBeyond: seekBeyond, maxSide: sampling.maxSide)
                } catch let error as VideoDecodeError where report.sampledFrames > 0 {
                    report.stoppedEarly = error.kind == .budgetSpent ? "time or frame budget spent" : error.message
                    break
                }
                guard let frame else { break }
                try body(frame)
                report.sampledFrames += 1
                report.lastSampleTime = frame.time
                if frame.time >= next { next = frame.time + interval }
            }
            if report.sampledFrames == sampling.maxFrames && report.stoppedEarly == nil,
               let duration = decoder.info.duration, report.lastSampleTime + interval < duration {
                report.stoppedEarly = "frame cap (\(sampling.maxFrames))"
            }
            report.decodedFrames = decoder.decodedFrames
            guard report.sampledFrames > 0 else {
                throw VideoDecodeError(kind: .corrupt, message: "no frame could be decoded")
            }
            return report
        }
    }
}
