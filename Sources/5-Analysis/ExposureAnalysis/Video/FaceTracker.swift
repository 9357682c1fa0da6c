import ExposureModel
import Foundation

/// Links the faces of consecutive sampled video frames into tracks: one track is one person
/// continuously (or nearly) on screen. Pure and deterministic; the worker feeds it frame by
/// frame and keeps a payload (the face's thumbnail) for each track's best faces.
///
/// Linking: a face continues a track last seen at most `maxGap` seconds earlier when their
/// descriptors are within `sameFaceDistance` (0.6, dlib's threshold) and either the boxes
/// overlap (IoU >= `minIoU`) or the descriptors are close (< `closeDistance`: the person moved
/// far between samples). Pairs are taken greedily by descriptor distance, each face and
/// track at most once per frame. Any other face starts a new track.
public struct FaceTracker<Payload> {
    public struct Options: Sendable {
        public var minIoU = 0.2
        public var sameFaceDistance: Float = 0.6
        public var closeDistance: Float = 0.45
        /// Seconds without a sighting after which a track ends (2.5 samples at one per second).
        public var maxGap = 2.5
        /// Best faces kept per track (their descriptors are stored).
        public var bestKept = 3
        /// A frame is a new view when its descriptor is this far from every earlier view's...
        public var newViewDistance: Float = 0.25
        /// ...or its head turn (nose offset from the eyes' centre, in eye distances) falls in a
        /// bucket of this width not seen before.
        public var yawBucket = 0.15
        public init() {}
    }

    public struct Sighting {
        public var face: DetectedFace
        public var time: Double
        public var payload: Payload
    }

    public struct Track {
        public var start: Double
        public var end: Double
        public var framesSeen: Int
        /// Best first (largest, most confident).
        public var best: [Sighting]
        var viewDescriptors: [[Float]]
        var viewYaws: Set<Int>
        public var distinctViews: Int { viewDescriptors.count }
        var last: DetectedFace
    }

    public let options: Options
    private var open: [Track] = []
    private var closed: [Track] = []
    private var lastTime: Double?

    public init(options: Options = Options()) { self.options = options }

    /// The faces seen in the last frame added, one per track: where the next frame's search can
    /// expect them (`KnownFace`s of the fast search).
    public var lastSightings: [DetectedFace] {
        guard let last = lastTime else { return [] }
        return open.filter { $0.end == last }.map(\.last)
    }

    /// Adds one sampled frame's faces (frames in time order). Faces whose indices are in
    /// `followOnly` (found only because a track was expected there, not confirmed by the
    /// detector) may continue a track but never start one.
    public mutating func add(time: Double, faces: [(face: DetectedFace, payload: Payload)], followOnly: Set<Int> = []) {
        lastTime = time
        // Tracks unseen for too long end before this frame is matched.
        let (stale, live) = open.reduce(into: ([Track](), [Track]())) { acc, t in
            if time - t.end > options.maxGap { acc.0.append(t) } else { acc.1.append(t) }
        }
        closed += stale
        open = live
        var pairs: [(distance: Float, track: Int, face: Int)] = []
        for (t, track) in open.enumerated() {
            for (f, candidate) in faces.enumerated() {
                let distance = Self.distance(track.last.descriptor, candidate.face.descriptor)
                guard distance < options.sameFaceDistance else { continue }
                if Self.iou(track.last.box, candidate.face.box) >= options.minIoU || distance < options.closeDistance {
                    pairs.append((distance, t, f))
                }
            }
        }
        pairs.sort { ($0.distance, $0.track, $0.face) < ($1.distance, $1.track, $1.face) }
        var usedTracks = Set<Int>(), usedFaces = Set<Int>()
        for pair in pairs where !usedTracks.contains(pair.track) && !usedFaces.contains(pair.face) {
            usedTracks.insert(pair.track); usedFaces.insert(pair.face)
            extend(&open[pair.track], with: Sighting(face: faces[pair.face].face, time: time, payload: faces[pair.face].payload))
        }
        for (f, candidate) in faces.enumerated() where !usedFaces.contains(f) && !followOnly.contains(f) {
            let sighting = Sighting(face: candidate.face, time: time, payload: candidate.payload)
            var track = Track(start: time, end: time, framesSeen: 0, best: [], viewDescriptors: [], viewYaws: [], last: candidate.face)
            extend(&track, with: sighting)
            open.append(track)
        }
    }

    /// Every track, in order of first sighting (then of position in that frame).
    public mutating func finish() -> [Track] {
        closed += open
        open = []
        return closed.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
    }

    private func extend(_ track: inout Track, with s: Sighting) {
        track.end = s.time
        track.framesSeen += 1
        track.last = s.face
        let yaw = Self.yaw(s.face).map { Int(($0 / options.yawBucket).rounded(.down)) }
        let novelDescriptor = track.viewDescriptors.allSatisfy { Self.distance($0, s.face.descriptor) >= options.newViewDistance }
        let novelPose = yaw.map { !track.viewYaws.contains($0) } ?? false
        if novelDescriptor || novelPose {
            track.viewDescriptors.append(s.face.descriptor)
        }
        if let yaw { track.viewYaws.insert(yaw) }
        track.best.append(s)
        track.best.sort { Self.quality($0.face) > Self.quality($1.face) }
        if track.best.count > options.bestKept { track.best.removeLast() }
    }

    /// Bigger and more confident faces give better descriptors; faces below dlib's range count half.
    static func quality(_ f: DetectedFace) -> Double {
        Double(f.box.width * f.box.height) * Double(max(0.01, 1 + f.confidence)) * (f.belowDetectorRange ? 0.5 : 1)
    }

    /// Head turn from dlib's 5 landmarks (4 eye corners, then the nose): the nose's horizontal
    /// offset from the eyes' centre, in units of the distance between the eyes.
    static func yaw(_ f: DetectedFace) -> Double? {
        guard f.landmarks.count == 5 else { return nil }
        let p = f.landmarks.map { (Double($0.x), Double($0.y)) }
        let eyeA = ((p[0].0 + p[1].0) / 2, (p[0].1 + p[1].1) / 2), eyeB = ((p[2].0 + p[3].0) / 2, (p[2].1 + p[3].1) / 2)
        let span = ((eyeA.0 - eyeB.0) * (eyeA.0 - eyeB.0) + (eyeA.1 - eyeB.1) * (eyeA.1 - eyeB.1)).squareRoot()
        guard span > 0 else { return nil }
        return (p[4].0 - (eyeA.0 + eyeB.0) / 2) / span
    }

    static func distance(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return .infinity }
        var sum: Float = 0
        for i in a.indices { let d = a[i] - b[i]; sum += d * d }
        return sum.squareRoot()
    }

    /// Intersection over union of two inclusive boxes.
    static func iou(_ a: DetectedFace.Box, _ b: DetectedFace.Box) -> Double { DetectedFace.Box.iou(a, b) }
}
