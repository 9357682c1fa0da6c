// The fast face search: a proposal network (MTCNN) says where faces are, dlib's MMOD detector
// decides, in windows around the proposals, exactly as its full search would there.
//
//   1. MTCNN on the photo at native resolution, from `proposals.minFaceSize` (20 px) up, with
//      thresholds below its defaults (recall matters more than precision here: a false proposal
//      costs one window, a missed face is lost).
//   2. Each proposal becomes a `SearchRegion`: its centre, and the width dlib's box is expected to
//      have (`boxRatio` x the proposal's width, measured on faces both find). dlib's detector
//      runs at upsample 1 (faces from 40 px, `DetectionPolicy.fullResolutionUpsample1`'s search)
//      on every pyramid level near that width, in windows around the centre (WindowedSearch.swift).
//      Its boxes and scores are what the full search reports for those faces.
//   3. Proposals smaller than dlib's range (expected box under 40 px) that no dlib box covers are
//      kept as faces of their own when their O-Net probability reaches `smallFaceMinimumScore`:
//      box = the proposal mapped to dlib's box convention, landmarks and descriptor computed the
//      usual way (the face chip is upsampled to 150x150), flagged `belowDetectorRange`.
//   4. Landmarks and descriptors for every face on the full-resolution image, as always.
//
// Video frames may pass `known` faces: where dlib's detector found a face in the previous
// sampled frame (a track's last sighting). A proposal whose expected dlib box overlaps one of
// them (IoU >= `knownOverlap`) is taken as that face again without running dlib's windows: its
// box is the expected box, its confidence the known face's. dlib's windows cost four times the
// proposal network on a 960 px frame with a large face, and a track is one face the detector has
// already confirmed; a proposal anywhere else still goes to dlib.
import ExposureModel
import Foundation
import NeuralNet

public struct CascadeOptions: Sendable, Hashable {
    public var proposals: ProposalNetwork.Options
    public var windows: WindowOptions
    /// dlib's box width / the proposal's box width, and dlib's box centre minus the proposal's
    /// centre in proposal widths (`exposure-bench policy-recall` prints the measured values).
    public var boxRatio: Double
    public var centerOffsetX: Double
    public var centerOffsetY: Double
    /// dlib's detector at upsample 1 sees faces whose box is at least this wide.
    public var detectorMinimum: Double
    /// Faces below dlib's range are kept when the proposal's probability is at least this (0 or
    /// more than 1 turns them off).
    public var smallFaceMinimumScore: Float

    public init(proposals: ProposalNetwork.Options = CascadeOptions.defaultProposals, windows: WindowOptions = WindowOptions(),
                boxRatio: Double = 1.10, centerOffsetX: Double = -0.055, centerOffsetY: Double = -0.016,
                detectorMinimum: Double = 40, smallFaceMinimumScore: Float = 0.9) {
        self.proposals = proposals; self.windows = windows
        self.boxRatio = boxRatio; self.centerOffsetX = centerOffsetX; self.centerOffsetY = centerOffsetY
        self.detectorMinimum = detectorMinimum; self.smallFaceMinimumScore = smallFaceMinimumScore
    }

    /// MTCNN from 20 px, thresholds 0.7 / 0.6 / 0.6 (mtcnn's defaults are 0.6 / 0.7 / 0.7: a
    /// stricter P-Net sends R-Net fewer candidates, 21% less proposal time; laxer R- and O-Nets keep
    /// the recall) and a coarser scale pyramid (0.6 instead of 0.709 between levels, 13% less time).
    /// Both: the same recall on the policy-recall canvases.
    public static let defaultProposals = ProposalNetwork.Options(minFaceSize: 20, thresholds: [0.7, 0.6, 0.6], scaleFactor: 0.6)

    /// The scan's fast search: box mapping and windows as measured by `exposure-bench policy-recall`
    /// (README "Detection defaults").
    public static let measured = CascadeOptions()

    /// The proposal's expected dlib box (square, as dlib's are).
    public func dlibBox(for p: FaceProposal) -> (centerX: Double, centerY: Double, width: Double) {
        let w = p.right - p.left
        return ((p.left + p.right) / 2 + centerOffsetX * w, (p.top + p.bottom) / 2 + centerOffsetY * w, w * boxRatio)
    }
}

/// What the fast search found: dlib's faces (boxes and scores as its full search gives them) and
/// the faces below its range (confidence = the proposal network's probability, `belowDetectorRange` set).
public struct CascadeResult: Sendable {
    public var faces: [DetectedFace]
    public var smallFaces: [DetectedFace]
    /// The proposals the network made, and the detector input pixels the windows covered.
    public var proposals: [FaceProposal]
    public var windowPixels: Int
    /// Proposals taken as a `known` face again, without dlib's windows (boxes = the expected dlib
    /// box, confidence = the known face's), with landmarks and descriptors.
    public var followed: [DetectedFace] = []
    /// Seconds in the proposal network and in the windowed detector.
    public var proposalSeconds: Double
    public var windowSeconds: Double
    /// Of `windowSeconds`, building the pyramid rows the windows read.
    public var pyramidSeconds: Double
}

extension FaceEngine {
    /// The fast search on `image` (full resolution). Needs the proposal network's model files.
    /// `detectionSeconds` gets the proposal network and the windowed detector, `descriptorSeconds`
    /// landmarks and descriptors.
    public func cascadeFaces(in image: RGBImage, options: CascadeOptions, known: [KnownFace] = [], knownOverlap: Double = 0.5,
                             detectionSeconds: inout Double, descriptorSeconds: inout Double) -> CascadeResult {
        guard let proposalNetwork else { preconditionFailure("FaceEngine: the fast search needs the proposal network (exposure models fetch)") }
        let start = Date()
        let proposals = proposalNetwork.proposals(in: image, options: options.proposals)
        let proposalSeconds = Date().timeIntervalSince(start)
        let expected = proposals.map(options.dlibBox(for:))
        // Proposals at a known face (each known face at most once, best overlap first) skip dlib.
        var followed: [(box: DetectedFace.Box, confidence: Float)] = []
        var followedProposals = Set<Int>()
        if !known.isEmpty {
            var pairs: [(overlap: Double, proposal: Int, known: Int)] = []
            for (i, e) in expected.enumerated() where e.width >= options.detectorMinimum {
                let box = Self.squareBox(e)
                for (k, face) in known.enumerated() {
                    let overlap = DetectedFace.Box.iou(box, face.box)
                    if overlap >= knownOverlap { pairs.append((overlap, i, k)) }
                }
            }
            var usedKnown = Set<Int>()
            for pair in pairs.sorted(by: { ($0.overlap, -$0.proposal) > ($1.overlap, -$1.proposal) })
            where !followedProposals.contains(pair.proposal) && !usedKnown.contains(pair.known) {
                followedProposals.insert(pair.proposal); usedKnown.insert(pair.known)
                followed.append((Self.squareBox(expected[pair.proposal]), known[pair.known].confidence))
            }
        }
        // Regions dlib can see at upsample 1: windows need a box within scaleRange of 40 px or more.
        let regions = expected.enumerated()
            .filter { !followedProposals.contains($0.offset) && $0.element.width * options.windows.scaleRange >= options.detectorMinimum }
            .map { SearchRegion(centerX: $0.element.centerX, centerY: $0.element.centerY, boxWidth: $0.element.width) }
        let (detections, pixels, pyramidSeconds) = regions.isEmpty
            ? ([], 0, 0) : detector.detector.detect(image, upsample: 1, regions: regions, windows: options.windows)
        let windowSeconds = Date().timeIntervalSince(start) - proposalSeconds
        // A face dlib found (from another proposal's windows) is dlib's, not followed.
        followed.removeAll { f in detections.contains { DetectedFace.Box.iou($0.box, f.box) >= knownOverlap } }
        var small: [(box: DetectedFace.Box, score: Float)] = []
        if options.smallFaceMinimumScore > 0 && options.smallFaceMinimumScore <= 1 {
            for (p, e) in zip(proposals, expected) where e.width < options.detectorMinimum && p.score >= options.smallFaceMinimumScore {
                let covered = (detections.map(\.box) + followed.map(\.box)).contains { b -> Bool in
                    let inX = Double(b.left) <= e.centerX && e.centerX <= Double(b.right)
                    let inY = Double(b.top) <= e.centerY && e.centerY <= Double(b.bottom)
                    return inX && inY
                }
                if covered { continue }
                small.append((Self.squareBox(e), p.score))
            }
        }
        detectionSeconds += Date().timeIntervalSince(start)
        let describeStart = Date()
        let described = descriptors(for: image, boxes: detections.map { $0.box } + small.map { $0.box } + followed.map(\.box))
        descriptorSeconds += Date().timeIntervalSince(describeStart)
        let faces = zip(detections, described).map { d, r in
            DetectedFace(box: d.box, confidence: d.confidence, landmarks: r.landmarks, descriptor: r.descriptor)
        }
        let smallFaces = zip(small, described.dropFirst(detections.count)).map { s, r in
            var face = DetectedFace(box: s.box, confidence: s.score, landmarks: r.landmarks, descriptor: r.descriptor)
            face.belowDetectorRange = true
            return face
        }
        let followedFaces = zip(followed, described.dropFirst(detections.count + small.count)).map { f, r in
            DetectedFace(box: f.box, confidence: f.confidence, landmarks: r.landmarks, descriptor: r.descriptor)
        }
        return CascadeResult(faces: faces, smallFaces: smallFaces, proposals: proposals, windowPixels: pixels,
                             followed: followedFaces,
                             proposalSeconds: proposalSeconds, windowSeconds: windowSeconds, pyramidSeconds: pyramidSeconds)
    }

    /// The square box (inclusive pixels) of an expected dlib box.
    static func squareBox(_ e: (centerX: Double, centerY: Double, width: Double)) -> DetectedFace.Box {
        let half = e.width / 2
        return DetectedFace.Box(left: Int((e.centerX - half).rounded()), top: Int((e.centerY - half).rounded()),
                                right: Int((e.centerX + half).rounded()) - 1, bottom: Int((e.centerY + half).rounded()) - 1)
    }
}

/// A face dlib's detector found nearby, for `cascadeFaces(known:)`: a video track's last sighting.
public struct KnownFace: Sendable, Hashable {
    public var box: DetectedFace.Box
    public var confidence: Float
    public init(box: DetectedFace.Box, confidence: Float) { self.box = box; self.confidence = confidence }
}
