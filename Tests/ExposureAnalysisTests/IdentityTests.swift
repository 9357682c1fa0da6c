import XCTest
import ExposureModel
@testable import ExposureAnalysis

final class NeighbourGraphTests: XCTestCase {
    /// The blocked SIMD kernel equals the naive reference, pair for pair, on data with many
    /// distances near the 0.6 threshold and sizes that exercise every tile remainder.
    func testFastEdgesEqualReference() {
        var rng = SplitMix64(seed: 7)
        for n in [1, 2, 5, 130, 301] {
            // Points of norm ~0.4 in a small space: pair distances spread around 0.6.
            let points = (0..<n).map { _ in (0..<128).map { _ in Float(SyntheticFaces.gaussian(&rng) * 0.038) } }
            let reference = NeighbourGraph.referenceEdges(points)
            XCTAssertEqual(NeighbourGraph.edges(points, threads: 1), reference, "n = \(n)")
            XCTAssertEqual(NeighbourGraph.edges(points, threads: 2), reference, "n = \(n)")
            if n == 301 {
                // The data really straddles the threshold.
                XCTAssertGreaterThan(reference.count, 301 * 300 / 2 / 10)
                XCTAssertLessThan(reference.count, 301 * 300 / 2 * 9 / 10)
            }
        }
    }

    func testRejectsWrongDescriptorLengthInReferenceOnlyByContract() {
        XCTAssertEqual(NeighbourGraph.edges([]), [])
        XCTAssertEqual(NeighbourGraph.edges([[Float](repeating: 0, count: 128)]), [])
    }
}

final class ClusteringTests: XCTestCase {
    /// 40 identities x 1...12 faces, shuffled: the clusters are exactly the true identities.
    func testRecoversTrueIdentitiesExactly() {
        var synth = SyntheticFaces(identities: 40, seed: 42)
        var truth: [Int] = []
        var faces: [[Float]] = []
        for id in 0..<40 { for _ in 0..<(1 + id % 12) { truth.append(id); faces.append(synth.face(of: id)) } }
        var rng = SplitMix64(seed: 3)
        let order = Array(faces.indices).shuffled(using: &rng)
        faces = order.map { faces[$0] }; truth = order.map { truth[$0] }

        let clusters = FaceClusters.cluster(faces)
        XCTAssertEqual(clusters.members.count, 40)
        // Same cluster <=> same true identity, for every pair.
        for i in faces.indices { for j in faces.indices where j > i {
            XCTAssertEqual(clusters.identityOfFace[i] == clusters.identityOfFace[j], truth[i] == truth[j])
        } }
        // Ids: size descending, then smallest face index.
        let sizes = clusters.members.map(\.count)
        XCTAssertEqual(sizes, sizes.sorted(by: >))
        for k in 1..<clusters.members.count where sizes[k] == sizes[k - 1] {
            XCTAssertLessThan(clusters.members[k - 1][0], clusters.members[k][0])
        }
        XCTAssertEqual(sizes.first, 12)
        // Deterministic, whatever the thread count.
        XCTAssertEqual(FaceClusters.cluster(faces, threads: 1), clusters)
    }

    /// Chinese whispers on two cliques joined by one edge keeps them apart (the bridge is
    /// outvoted inside each clique); an isolated node stays alone.
    func testChineseWhispersOnSmallGraphs() {
        var edges: [FaceEdge] = []
        for a in 0..<5 { for b in (a + 1)..<5 { edges.append(FaceEdge(a: Int32(a), b: Int32(b))) } }
        for a in 5..<10 { for b in (a + 1)..<10 { edges.append(FaceEdge(a: Int32(a), b: Int32(b))) } }
        edges.append(FaceEdge(a: 4, b: 5))
        let two = FaceClusters(labels: ChineseWhispers.labels(nodeCount: 11, edges: edges))
        XCTAssertEqual(two.members, [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10]])
        XCTAssertEqual(ChineseWhispers.labels(nodeCount: 11, edges: edges), ChineseWhispers.labels(nodeCount: 11, edges: edges))
    }
}

/// A small export whose truth is known by construction:
/// identity A (6 faces), B (4), C (2), items 1...9.
struct Scenario {
    var synth = SyntheticFaces(identities: 3, seed: 99)
    var faces: [FaceInput] = []
    var items: [ItemInput] = []
    static let A = 0, B = 1, C = 2

    mutating func add(_ item: ItemInput, _ who: [Int]) {
        items.append(item)
        for (k, id) in who.enumerated() {
            faces.append(FaceInput(itemID: item.id, faceIndex: k, descriptor: synth.face(of: id),
                                   box: DetectedFace.Box(left: 100 * k, top: 0, right: 100 * k + 79, bottom: 79)))
        }
    }

    static func standard(profilePicture: Bool = true) -> Scenario {
        var s = Scenario()
        func year(_ y: Int) -> LocalDateTime { LocalDateTime(year: y, month: 6, day: 1, hour: 12) }
        s.add(ItemInput(id: 1, isProfilePicture: profilePicture, captureTime: year(2015)), [A])
        s.add(ItemInput(id: 2, captureTime: year(2016), platformPeople: ["Alice Example"]), [A])
        s.add(ItemInput(id: 3, captureTime: year(2018), platformPeople: ["Alice Example", "Bob"]), [A, B])
        s.add(ItemInput(id: 4, captureTime: year(2018), platformPeople: ["Bob"]), [B])
        s.add(ItemInput(id: 5, captureTime: year(2020)), [A])
        s.add(ItemInput(id: 6, takenTime: Date(timeIntervalSince1970: 1_590_000_000), // 2020-05-20 UTC
                        personInImage: ["  alice   EXAMPLE "]), [A])
        s.add(ItemInput(id: 7), [B, C])
        s.add(ItemInput(id: 8), [A, C])
        s.add(ItemInput(id: 9), [B])
        return s
    }

    var input: AnalysisInput { AnalysisInput(faces: faces, items: items) }
    func centre(_ id: Int) -> [Float] { synth.centres[id] }
}

final class OwnerAndNamesTests: XCTestCase {
    func testStandardScenarioMetrics() throws {
        let s = Scenario.standard()
        let r = Analysis.run(s.input)
        XCTAssertEqual(r.identities.map(\.faces.count), [6, 4, 2])
        XCTAssertEqual(r.identities.map(\.items), [[1, 2, 3, 5, 6, 8], [3, 4, 7, 9], [7, 8]])
        XCTAssertEqual(r.identities.map(\.name), ["Alice Example", "Bob", nil])
        XCTAssertEqual(r.owner, 0)
        XCTAssertEqual(r.ownerReason, .profilePicture)
        // Labelled: A on items 2, 3, 6 (6 via the normalized PersonInImage name); B on 3, 4.
        let labelledItems = r.faceLabelled.indices.filter { r.faceLabelled[$0] }.map { s.faces[$0].itemID }
        XCTAssertEqual(labelledItems, [2, 3, 3, 4, 6])
        let o = r.faces.owner
        XCTAssertEqual(o.faces, 6); XCTAssertEqual(o.labelled, 3)
        XCTAssertEqual(o.years, 4); XCTAssertEqual(o.firstYear, 2015); XCTAssertEqual(o.lastYear, 2020)
        XCTAssertEqual(o.matchableFromProfile, 5)   // items 2, 3, 5, 6, 8
        XCTAssertEqual(r.faces.others.identities, 2); XCTAssertEqual(r.faces.others.faces, 6)
        XCTAssertEqual(r.faces.others.labelled, 2)
        XCTAssertEqual(r.faces.detected, 12); XCTAssertEqual(r.faces.itemsWithFaces, 9); XCTAssertEqual(r.faces.identities, 3)
        // The same numbers as metric paths, with item counts.
        XCTAssertEqual(r.metrics["faces.owner.labelled"], 3)
        XCTAssertEqual(r.itemCounts["faces.owner.labelled"], 3)
        XCTAssertEqual(r.metrics["faces.owner.matchable_from_profile"], 5)
        XCTAssertEqual(r.itemCounts["faces.others.faces"], 5)   // items 3, 4, 7, 8, 9
        XCTAssertEqual(Set(r.metrics.keys), Set(MetricTable.paths))
    }

    func testOwnerByNameThenMostFrequent() {
        var s = Scenario.standard(profilePicture: false)
        var input = s.input
        input.ownerName = "BOB"
        var r = Analysis.run(input)
        XCTAssertEqual(r.owner, 1); XCTAssertEqual(r.ownerReason, .ownerName)
        XCTAssertNil(r.faces.owner.matchableFromProfile)       // no profile picture at all
        XCTAssertEqual(r.faces.owner.labelled, 2)

        input.ownerName = "Nobody Here"
        r = Analysis.run(input)
        XCTAssertEqual(r.owner, 0); XCTAssertEqual(r.ownerReason, .mostFrequent)
        input.ownerName = nil
        r = Analysis.run(input)
        XCTAssertEqual(r.owner, 0); XCTAssertEqual(r.ownerReason, .mostFrequent)
        XCTAssertEqual(r.metrics["faces.owner.matchable_from_profile"], .some(nil))

        // A profile picture that shows C makes C the owner.
        s = Scenario.standard(profilePicture: false)
        s.items[6].isProfilePicture = true   // item 7: B and C
        s.items[7].isProfilePicture = true   // item 8: A and C -> C has 2 profile faces
        r = Analysis.run(s.input)
        XCTAssertEqual(r.owner, 2); XCTAssertEqual(r.ownerReason, .profilePicture)
        XCTAssertEqual(r.faces.owner.matchableFromProfile, 0)  // C appears in no other item
    }

    func testMeOverride() {
        let s = Scenario.standard()
        var input = s.input
        input.me = s.centre(Scenario.B)
        var r = Analysis.run(input)
        XCTAssertEqual(r.owner, 1); XCTAssertEqual(r.ownerReason, .userSupplied)
        // The profile picture shows A, not the owner B: not computable.
        XCTAssertNil(r.faces.owner.matchableFromProfile)
        XCTAssertEqual(r.faces.owner.faces, 4)
        XCTAssertEqual(r.faces.owner.years, 1)                // items 3 and 4, both 2018
        input.me = s.centre(Scenario.B).map { $0 + 1 }         // ~11 away from everyone
        r = Analysis.run(input)
        XCTAssertNil(r.owner); XCTAssertEqual(r.ownerReason, .userSupplied)
        XCTAssertEqual(r.faces.owner.faces, 0); XCTAssertEqual(r.faces.others.identities, 3)
    }

    /// An XMP region over B's face names B directly; its name does not spill onto A.
    func testXMPRegionNamesTheFaceItCovers() {
        var s = Scenario()
        // Faces at x 0...79 (A) and 100...179 (B) in a 200 x 100 image.
        let region = FaceRegion(name: "Carol Region", centerX: 0.7, centerY: 0.4, width: 0.4, height: 0.8)
        s.add(ItemInput(id: 1, faceRegions: [region], width: 200, height: 100), [Scenario.A, Scenario.B])
        s.add(ItemInput(id: 2), [Scenario.A])
        let r = Analysis.run(s.input)
        let b = r.identityOfFace[1]
        XCTAssertEqual(r.identities[b].name, "Carol Region")
        XCTAssertNil(r.identities[r.identityOfFace[0]].name)
        XCTAssertEqual(r.faceLabelled, [false, true, false])
        XCTAssertEqual(r.metrics["people.xmp_region_names"], 1)
    }

    /// A friend who always stands next to the tagged owner does not take the owner's name.
    func testNamesGoToOneIdentityEach() {
        var s = Scenario()
        for id in 1...3 { s.add(ItemInput(id: Int64(id), platformPeople: ["Alice"]), [Scenario.A, Scenario.B]) }
        s.add(ItemInput(id: 4, platformPeople: ["alice"]), [Scenario.A])
        let r = Analysis.run(s.input)
        XCTAssertEqual(r.identities[r.identityOfFace[0]].name, "Alice")
        XCTAssertNil(r.identities[r.identityOfFace[1]].name)
    }

    func testFaceMetricsJSONShape() throws {
        var input = Scenario.standard(profilePicture: false).input
        input.items = input.items.map { var i = $0; i.captureTime = nil; i.takenTime = nil; return i }
        let r = Analysis.run(input)
        let json = String(decoding: try JSONEncoder().encode(r.faces.owner), as: UTF8.self)
        for key in ["\"first_year\":null", "\"last_year\":null", "\"matchable_from_profile\":null", "\"years\":0"] {
            XCTAssertTrue(json.contains(key), json)
        }
        let all = String(decoding: try JSONEncoder().encode(r.faces), as: UTF8.self)
        XCTAssertTrue(all.contains("\"items_with_faces\":9"), all)
    }
}
