import ExposureModel
import Foundation

/// One analysed video, as the analysis sees it: its coverage and its face tracks. Each
/// track's best face is also in `AnalysisInput.faces` (same item, `track.faceIndex`), which
/// is how a track gets its identity.
public struct VideoInput: Codable, Hashable, Sendable {
    public var itemID: Int64
    public var duration: Double?
    public var sampleInterval: Double
    public var analysedSeconds: Double
    public var tracks: [VideoFaceTrack]
    public init(itemID: Int64, duration: Double?, sampleInterval: Double, analysedSeconds: Double, tracks: [VideoFaceTrack]) {
        self.itemID = itemID; self.duration = duration; self.sampleInterval = sampleInterval
        self.analysedSeconds = analysedSeconds; self.tracks = tracks
    }
}

/// Measuring the summary's `videos` object (ExposureModel's `VideoFaceMetrics`).
extension VideoFaceMetrics {
    // `PerVideo`, the per-video facts, is ExposureModel's (the store keeps it).

    /// Measures `videos`; `identityOfTrack(video, track)` is the track's identity (nil when its
    /// face is not among the analysed faces), `owner` the owner's identity.
    public static func measure(_ videos: [VideoInput], owner: Int?,
                               identityOfTrack: (VideoInput, Int) -> Int?) -> (VideoFaceMetrics, [PerVideo]) {
        var m = VideoFaceMetrics()
        var perVideo: [PerVideo] = []
        for video in videos {
            m.analysed += 1
            m.secondsAnalysed += video.analysedSeconds
            m.tracks += video.tracks.count
            var ownerSpans: [(Double, Double)] = [], otherSpans: [(Double, Double)] = []
            var views = 0
            var identities = Set<Int>()
            for (index, track) in video.tracks.enumerated() {
                let span = (track.startSeconds, track.startSeconds + track.seconds(interval: video.sampleInterval, duration: video.duration))
                let identity = identityOfTrack(video, index)
                if let identity { identities.insert(identity) }
                if identity != nil && identity == owner {
                    ownerSpans.append(span); views += track.distinctViews
                } else {
                    otherSpans.append(span)
                }
            }
            let ownerSeconds = unionLength(ownerSpans), othersSeconds = unionLength(otherSpans)
            if !ownerSpans.isEmpty { m.withOwner += 1 }
            if !otherSpans.isEmpty { m.withOthers += 1 }
            m.ownerSeconds += ownerSeconds; m.othersSeconds += othersSeconds; m.ownerViews += views
            perVideo.append(PerVideo(itemID: video.itemID, ownerSeconds: rounded(ownerSeconds), ownerViews: views,
                                     othersSeconds: rounded(othersSeconds), identities: identities.sorted()))
        }
        m.secondsAnalysed = rounded(m.secondsAnalysed); m.ownerSeconds = rounded(m.ownerSeconds)
        m.othersSeconds = rounded(m.othersSeconds)
        return (m, perVideo)
    }

    /// Seconds to one decimal: the sampling is no finer than that, and the summary stays stable.
    static func rounded(_ s: Double) -> Double { (s * 10).rounded() / 10 }

    /// Total length of the union of [start, end) spans.
    static func unionLength(_ spans: [(Double, Double)]) -> Double {
        var total = 0.0, reach = -Double.infinity
        for (start, end) in spans.sorted(by: { $0.0 < $1.0 }) where end > start {
            if start >= reach { total += end - start; reach = end }
            else if end > reach { total += end - reach; reach = end }
        }
        return total
    }
}

/// The videos.* metrics (`VideoFaceMetrics.measure` measures them).
extension MetricTable {
    static let videoRows: [Row] = [
        same("videos.analysed", "videos whose sampled frames were searched for faces (about one frame per second plus keyframes)") {
            $0.r.videos.analysed
        },
        same("videos.with_owner", "videos with a face track of the owner") { $0.r.videos.withOwner },
        Row("videos.owner_seconds",
            "seconds of video with the owner's face on screen: each track from its first sighting to one sample after its last, tracks of a video merged",
            items: "videos with the owner") { c in (c.r.videos.ownerSeconds, c.r.perVideo.filter { $0.ownerSeconds > 0 }.count) },
        Row("videos.owner_views",
            "distinct views of the owner's face in videos: frames at a head pose or with a descriptor (L2 >= 0.25) not seen before in the track",
            items: "videos with the owner") { c in (Double(c.r.videos.ownerViews), c.r.videos.withOwner) },
        same("videos.with_others", "videos with a face track of someone other than the owner") { $0.r.videos.withOthers },
        Row("videos.others_seconds", "seconds of video with someone else's face on screen", items: "those videos") { c in
            (c.r.videos.othersSeconds, c.r.perVideo.filter { $0.othersSeconds > 0 }.count)
        },
    ]
}
