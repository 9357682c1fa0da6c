import ExposureModel
@testable import ExposurePipeline
import ExposureReport
import ExposureStore
import ExposureTestSupport
import Foundation
import XCTest

/// Faces below dlib's 40 px range from the inventory to the summary, plan, diff and report.
final class SmallFacePipelineTests: XCTestCase {
    /// The fixture (owner Ann in a and b, Bob in b, Cy in c), plus item s with two faces below
    /// dlib's range: Ann's (her descriptor) and a stranger's. Analysed as a scan analyses.
    static func inventory(path: String? = nil) throws -> InventoryDatabase {
        let db = try InventoryFixture.build(path: path)
        let fb = try XCTUnwrap(try db.snapshot().sources.first { $0.name == "fb.zip" }).id
        func small(_ x: Float) -> FaceWrite {
            FaceWrite(face: DetectedFace(box: .init(left: 0, top: 0, right: 24, bottom: 24), confidence: 0.9, landmarks: [],
                                         descriptor: [Float](repeating: x, count: 128), belowDetectorRange: true), thumbnail: nil)
        }
        try db.write(ItemWrite(sha256: "s", kind: .photo, byteSize: 10, sourceID: fb, path: "posts/s.jpg",
                               reference: MediaReference(path: "posts/s.jpg", appearances: [Appearance(kind: .post, platformID: "p9")]),
                               embedded: EmbeddedMetadata(captureTime: LocalDateTime(year: 2023, month: 2, day: 3)),
                               unreadableReason: nil, faces: [small(0), small(5)]))
        try AnalysisStep.run(database: db, me: nil)
        return db
    }

    func testSummaryPlanAndReportCountSmallFacesApart() throws {
        let snapshot = try Self.inventory().snapshot()
        let summary = Workflows.summary(snapshot, rules: try RuleBook.load(extra: nil)).summary
        let f = summary.faces
        XCTAssertEqual(f.small, { var s = Summary.SmallFaces(); s.detected = 2; s.owner = 1; s.others = 1; return s }())
        XCTAssertEqual(f.detected, 4); XCTAssertEqual(f.itemsWithFaces, 3); XCTAssertEqual(f.identities, 3)
        XCTAssertEqual(f.owner.faces, 2); XCTAssertEqual(f.owner.years, 2, "2012 and 2015, not the small face's 2023")
        XCTAssertEqual(f.others.faces, 2); XCTAssertEqual(f.others.identities, 2)
        XCTAssertEqual(summary.metrics["faces.small.detected"], 2)
        // The terminal's summary (the command line renders it).
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("small.sqlite").path
        _ = try Self.inventory(path: file)
        let text = try ScanProcess.run(["summary", file])
        XCTAssertEqual(text.status, 0, text.err)
        XCTAssertTrue(text.out.contains("Smaller than 40 px (proposal network, counted apart): 2 faces, 1 yours, 1 of others"), text.out)

        // The plan counts them in its milestones; its goals (dlib-range faces) do not take item s.
        let plan = DeletionPlanner.plan(snapshot, goal: .all, limit: 100)
        XCTAssertFalse(plan.steps.contains { $0.platformID == "p9" })
        let last = try XCTUnwrap(plan.milestones.last)
        XCTAssertEqual(last.remaining["faces.small.detected"], 2)
        XCTAssertEqual(last.remaining["faces.small.owner"], 1)
        XCTAssertEqual(last.remaining["faces.small.others"], 1)
        XCTAssertEqual(last.removed["faces.owner.faces"], 2)
        XCTAssertEqual(last.removed["faces.small.detected"], 0)

        // The report: the owner's timeline holds her two faces in range, the sentence the rest.
        let data = ReportBuilder.data(snapshot, summary: summary, fired: [], generatedAt: "now")
        XCTAssertEqual(data.owner.timeline.map(\.faces).reduce(0, +), 2)
        XCTAssertEqual(data.otherIdentities.map(\.faces), [1, 1], "Bob and Cy; the stranger is only small")
        XCTAssertTrue(ReportRenderer.render(data, includeThumbnails: false)
            .contains("2 more faces smaller than 40 px (1 of them yours) were found by the proposal network."))
    }

    func testDiffComparesSmallFaces() throws {
        let before = try Self.inventory(), after = try InventoryFixture.build()
        try AnalysisStep.run(database: after, me: nil)
        let rules = try RuleBook.load(extra: nil)
        let b = try before.snapshot(), a = try after.snapshot()
        let d = DiffBuilder.diff(before: b, beforeSummary: Workflows.summary(b, rules: rules).summary,
                                 after: a, afterSummary: Workflows.summary(a, rules: rules).summary)
        XCTAssertEqual(d.metrics["faces.small.detected"], .init(before: 2, after: 0))
        XCTAssertEqual(d.metrics["faces.small.owner"], .init(before: 1, after: 0))
        XCTAssertEqual(d.metrics["faces.small.others"], .init(before: 1, after: 0))
        XCTAssertEqual(d.metrics["faces.owner.faces"], .init(before: 2, after: 2))
        XCTAssertEqual(d.items.removed, 1)
    }
}
