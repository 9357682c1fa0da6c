import ExposureModel
@testable import ExposureAnalysis
import XCTest

/// FaceTracker on hand-made sightings: linking by overlap and by descriptor, gaps ending a
/// track, followed faces continuing but never starting one, the best faces and the views kept.
final class FaceTrackerTests: XCTestCase {
    static func face(x: Int, size: Int = 100, descriptor: [Float], confidence: Float = 1, noseShift: Int = 0) -> DetectedFace {
        let box = DetectedFace.Box(left: x, top: 50, right: x + size - 1, bottom: 50 + size - 1)
        // Eye corners level, the nose between them shifted by `noseShift` (a head turn).
        let landmarks = [DetectedFace.Point(x: x + 70, y: 90), DetectedFace.Point(x: x + 60, y: 90),
                         DetectedFace.Point(x: x + 30, y: 90), DetectedFace.Point(x: x + 40, y: 90),
                         DetectedFace.Point(x: x + 50 + noseShift, y: 120)]
        return DetectedFace(box: box, confidence: confidence, landmarks: landmarks, descriptor: descriptor)
    }

    static func descriptor(_ first: Float, _ second: Float = 0) -> [Float] {
        var d = [Float](repeating: 0, count: 128)
        d[0] = first; d[1] = second
        return d
    }

    func testOverlapAndDescriptorLinkAndAGapEndsATrack() {
        var tracker = FaceTracker<Int>()
        let a = Self.descriptor(0), b = Self.descriptor(1)   // 1.0 apart: two people
        tracker.add(time: 0, faces: [(Self.face(x: 0, descriptor: a), 0), (Self.face(x: 400, descriptor: b), 1)])
        // A moved 30 px (overlapping) with a descriptor 0.5 away: linked by the overlap.
        tracker.add(time: 1, faces: [(Self.face(x: 30, descriptor: Self.descriptor(0.5)), 2)])
        XCTAssertEqual(tracker.lastSightings.map(\.box.left), [30], "only the track seen in the last frame")
        // B jumped across the frame (no overlap) but its descriptor is close (0.2): linked.
        tracker.add(time: 2, faces: [(Self.face(x: 40, descriptor: Self.descriptor(0.5)), 3), (Self.face(x: 800, descriptor: Self.descriptor(1.2)), 4)])
        // Far from any track's descriptor (0.7 from A's last): a new person.
        tracker.add(time: 3, faces: [(Self.face(x: 40, descriptor: Self.descriptor(0.5, 0.7)), 5)])
        // A's track was last seen at 2 s; at 5.6 s the gap (3.6 s > 2.5) has ended it: a new track.
        tracker.add(time: 5.6, faces: [(Self.face(x: 40, descriptor: Self.descriptor(0.5)), 6)])
        let tracks = tracker.finish()
        XCTAssertEqual(tracks.map(\.start), [0, 0, 3, 5.6])
        XCTAssertEqual(tracks.map(\.end), [2, 2, 3, 5.6])
        XCTAssertEqual(tracks.map(\.framesSeen), [3, 2, 1, 1])
        XCTAssertEqual(tracks[1].best.map(\.payload).sorted(), [1, 4])
    }

    func testFollowedFacesContinueButNeverStartATrack() {
        var tracker = FaceTracker<String>()
        let a = Self.descriptor(0)
        tracker.add(time: 0, faces: [(Self.face(x: 0, descriptor: a), "dlib")])
        // Index 0 continues A; index 1 (followed, but nobody's track) is dropped.
        tracker.add(time: 1, faces: [(Self.face(x: 10, descriptor: a), "followed"), (Self.face(x: 500, descriptor: Self.descriptor(3)), "stray")],
                    followOnly: [0, 1])
        let tracks = tracker.finish()
        XCTAssertEqual(tracks.count, 1)
        XCTAssertEqual(tracks[0].framesSeen, 2)
        XCTAssertEqual(tracks[0].end, 1)
        XCTAssertFalse(tracks[0].best.map(\.payload).contains("stray"))
    }

    func testBestFacesAreTheLargestAndViewsCountHeadTurns() {
        var tracker = FaceTracker<Int>()
        let a = Self.descriptor(0)
        for (i, size) in [80, 120, 100, 140, 90].enumerated() {
            // Frames 0-2 look straight on, 3-4 turned (nose shifted half the eye span).
            tracker.add(time: Double(i), faces: [(Self.face(x: 0, size: size, descriptor: a, noseShift: i >= 3 ? 15 : 0), i)])
        }
        let track = tracker.finish()[0]
        XCTAssertEqual(track.best.map(\.payload), [3, 1, 2], "three largest, largest first")
        XCTAssertEqual(track.distinctViews, 2, "one straight view, one turned")
    }
}
