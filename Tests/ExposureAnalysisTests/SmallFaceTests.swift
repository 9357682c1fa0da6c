import XCTest
import ExposureModel
@testable import ExposureAnalysis

/// Faces the proposal network found below dlib's 40 px range: clustered like any face, counted
/// only in `faces.small.*`; every other face metric keeps counting faces in dlib's range.
final class SmallFaceTests: XCTestCase {
    static let D = 3

    /// The standard scenario (A the owner by profile picture: 6 faces; B 4; C 2), plus faces
    /// below dlib's range: item 10 (2022, tagged Alice) with A and B, item 11 with D, a fourth
    /// person seen only that small.
    static func scenario() -> Scenario {
        var s = Scenario.standard()
        s.synth = SyntheticFaces(identities: 4, seed: 99)
        func year(_ y: Int) -> LocalDateTime { LocalDateTime(year: y, month: 6, day: 1, hour: 12) }
        s.addSmall(ItemInput(id: 10, captureTime: year(2022), platformPeople: ["Alice Example"]), [Scenario.A, Scenario.B])
        s.addSmall(ItemInput(id: 11), [D])
        return s
    }

    func testSmallFacesAreClusteredButCountedApart() {
        let s = Self.scenario()
        let r = Analysis.run(s.input)
        // Clustered like any face: A's small face joins A (and is labelled there), D is an identity.
        XCTAssertEqual(r.identities.map(\.faces.count), [7, 5, 2, 1])
        XCTAssertEqual(r.identities.map(\.items), [[1, 2, 3, 5, 6, 8, 10], [3, 4, 7, 9, 10], [7, 8], [11]])
        XCTAssertEqual(r.owner, 0); XCTAssertEqual(r.ownerReason, .profilePicture)
        XCTAssertTrue(r.faceLabelled[12], "A's small face on item 10, which carries A's name")

        // Every existing count is the standard scenario's: faces in dlib's range only.
        let o = r.faces.owner
        XCTAssertEqual(o.faces, 6); XCTAssertEqual(o.labelled, 3)
        XCTAssertEqual(o.years, 4); XCTAssertEqual(o.firstYear, 2015); XCTAssertEqual(o.lastYear, 2020)
        XCTAssertEqual(o.matchableFromProfile, 5)
        XCTAssertEqual(r.faces.others.identities, 2); XCTAssertEqual(r.faces.others.faces, 6)
        XCTAssertEqual(r.faces.others.labelled, 2)
        XCTAssertEqual(r.faces.detected, 12); XCTAssertEqual(r.faces.itemsWithFaces, 9); XCTAssertEqual(r.faces.identities, 3)

        // The small ones, apart.
        XCTAssertEqual(r.faces.small, SmallFaceMetrics(detected: 3, owner: 1, others: 2))
        XCTAssertEqual(r.metrics["faces.small.detected"], 3); XCTAssertEqual(r.itemCounts["faces.small.detected"], 2)
        XCTAssertEqual(r.metrics["faces.small.owner"], 1); XCTAssertEqual(r.itemCounts["faces.small.owner"], 1)
        XCTAssertEqual(r.metrics["faces.small.others"], 2); XCTAssertEqual(r.itemCounts["faces.small.others"], 2)
        XCTAssertEqual(r.metrics["faces.detected"], 12); XCTAssertEqual(r.itemCounts["faces.detected"], 9)
        XCTAssertEqual(r.itemCounts["faces.owner.faces"], 6)
        XCTAssertEqual(r.itemCounts["faces.others.faces"], 5)
        XCTAssertEqual(Set(r.metrics.keys), Set(MetricTable.paths))
    }

    /// An owner seen only below dlib's range (`--me` matched D): no owner faces in range, every
    /// identity in range is someone else's.
    func testOwnerSeenOnlyBelowTheRange() {
        let r = Analysis.run(Self.scenario().input(me: Self.D))
        XCTAssertEqual(r.owner, 3); XCTAssertEqual(r.ownerReason, .userSupplied)
        XCTAssertEqual(r.faces.owner.faces, 0)
        XCTAssertNil(r.faces.owner.matchableFromProfile)
        XCTAssertEqual(r.faces.identities, 3); XCTAssertEqual(r.faces.others.identities, 3)
        XCTAssertEqual(r.faces.others.faces, 12)
        XCTAssertEqual(r.faces.small, SmallFaceMetrics(detected: 3, owner: 1, others: 2))
    }

    func testNoSmallFacesCountZero() {
        let r = Analysis.run(Scenario.standard().input)
        XCTAssertEqual(r.faces.small, SmallFaceMetrics())
        for path in ["faces.small.detected", "faces.small.owner", "faces.small.others"] {
            XCTAssertEqual(r.metrics[path], 0, path); XCTAssertEqual(r.itemCounts[path], 0, path)
        }
    }

    /// An analysis stored before `small` existed decodes with none.
    func testStoredFaceMetricsWithoutSmallDecode() throws {
        let r = Analysis.run(Scenario.standard().input)
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(r.faces)) as! [String: Any]
        XCTAssertNotNil(json.removeValue(forKey: "small"))
        let old = try JSONDecoder().decode(FaceMetrics.self, from: JSONSerialization.data(withJSONObject: json))
        XCTAssertEqual(old.small, SmallFaceMetrics())
        XCTAssertEqual(old.owner, r.faces.owner)
        XCTAssertEqual(try JSONDecoder().decode(FaceMetrics.self, from: JSONEncoder().encode(r.faces)), r.faces)
    }
}

extension Scenario {
    /// The input with `--me` set to the centre of identity `id`.
    func input(me id: Int) -> AnalysisInput {
        var input = self.input
        input.me = centre(id)
        return input
    }

    /// Adds an item whose faces are all below dlib's range.
    mutating func addSmall(_ item: ItemInput, _ who: [Int]) {
        let first = faces.count
        add(item, who)
        for f in first..<faces.count {
            faces[f].belowDetectorRange = true
            faces[f].box = DetectedFace.Box(left: 30 * (f - first), top: 0, right: 30 * (f - first) + 24, bottom: 24)
        }
    }
}
