import ExposureModel
import ExposurePipeline
import ExposureStore
import Foundation
import XCTest

final class DiffAndPlanTests: XCTestCase {
    func testDiffMatchesItemsByHashAndPlatformID() throws {
        let before = try InventoryFixture.build()
        let after = try InventoryDatabase()
        let fb = try after.source(name: "fb.zip", platform: .facebook, ownerName: "Ann Example")
        // b kept byte for byte; c re-encoded by the platform (new hash, same post id p2); x is new.
        try after.write(ItemWrite(sha256: "b", kind: .photo, byteSize: 10, sourceID: fb, path: "posts/b.jpg",
                                  reference: MediaReference(path: "posts/b.jpg"), embedded: nil, unreadableReason: nil, faces: nil))
        try after.write(ItemWrite(sha256: "c2", kind: .photo, byteSize: 10, sourceID: fb, path: "posts/c.jpg",
                                  reference: MediaReference(path: "posts/c.jpg", appearances: [Appearance(kind: .post, platformID: "p2")]),
                                  embedded: nil, unreadableReason: nil, faces: nil))
        try after.write(ItemWrite(sha256: "x", kind: .photo, byteSize: 10, sourceID: fb, path: "posts/x.jpg",
                                  reference: MediaReference(path: "posts/x.jpg"), embedded: nil, unreadableReason: nil, faces: nil))
        var bs = Summary(); bs.items.total = 5
        bs.findings = [.init(rule: "r1", severity: .high, items: 3, value: 3), .init(rule: "r2", severity: .low, items: 1, value: 1)]
        var asum = Summary(); asum.items.total = 3
        asum.findings = [.init(rule: "r2", severity: .low, items: 1, value: 1), .init(rule: "r3", severity: .low, items: 1, value: 1)]
        let d = DiffBuilder.diff(before: try before.snapshot(), beforeSummary: bs, after: try after.snapshot(), afterSummary: asum)
        XCTAssertEqual(d.items.kept, 2, "b by hash, c by post id")
        XCTAssertEqual(d.items.removed, 3, "a, d, e")
        XCTAssertEqual(d.items.added, 1, "x")
        XCTAssertEqual(d.metrics["items.total"], .init(before: 5, after: 3))
        XCTAssertEqual(d.metrics["faces.owner.matchable_from_profile"], .init(before: nil, after: nil))
        XCTAssertEqual(d.findings.resolved, ["r1"])
        XCTAssertEqual(d.findings.remaining, ["r2"])
        XCTAssertEqual(d.findings.new, ["r3"])
    }

    func testPlanRemovesLabelledFacesGreedily() throws {
        let s = try InventoryFixture.build().snapshot()
        let plan = DeletionPlanner.plan(s, goal: .labelledFaces, limit: 10)
        // Owner labelled faces sit in a (profile picture) and b (post p1): one each.
        XCTAssertEqual(plan.steps.count, 2)
        XCTAssertEqual(Set(plan.steps.map(\.kind)), ["profile_picture", "post"])
        XCTAssertEqual(plan.steps.map(\.gain), [1, 1])
        XCTAssertEqual(plan.steps.first { $0.kind == "post" }?.platformID, "p1")
        XCTAssertEqual(plan.steps.first { $0.kind == "post" }?.caption, "Berlin!")
        XCTAssertEqual(plan.milestones.first?.deletions, 2)
        XCTAssertEqual(plan.milestones.first?.removed["faces.owner.labelled"], 2)
        XCTAssertEqual(plan.milestones.first?.remaining["faces.owner.labelled"], 0)
        XCTAssertEqual(plan.milestones.first?.removed["faces.others.labelled"], 1, "Bob's labelled face leaves with post p1")
    }

    func testAnItemInTwoPlacesIsGoneOnlyWhenBothAreDeleted() throws {
        let s = try InventoryFixture.build().snapshot()
        let plan = DeletionPlanner.plan(s, goal: .all, limit: 100)
        // c sits in post p2 and in the folder: its other-person face is removed only by the second of the two.
        let p2 = plan.steps.firstIndex { $0.platformID == "p2" }!
        let folder = plan.steps.firstIndex { $0.platform == "folder" }!
        XCTAssertEqual(plan.steps[min(p2, folder)].gain, 0)
        XCTAssertEqual(plan.steps[max(p2, folder)].gain, 1)
        XCTAssertEqual(plan.milestones.last?.remaining["faces.others.faces"], 0)
        XCTAssertEqual(plan.milestones.last?.removed["faces.owner.faces"], 2)
        XCTAssertEqual(plan.milestones.last?.removed["faces.owner.years"], 2, "2012 and 2015")
    }

    /// `--goal public`: only public items count; post p1 (item b: the owner's labelled face, Bob's,
    /// a platform location) is public, the profile picture's audience unknown.
    func testPlanForThePublicGoalTakesPublicItemsOnly() throws {
        var s = try InventoryFixture.build().snapshot()
        let b = s.items.first { $0.sha256 == "b" }!.id
        for i in s.files.indices where s.files[i].itemID == b {
            s.files[i].appearances = s.files[i].appearances.map { var a = $0; a.audience = Audience(.public, evidence: "test"); return a }
        }
        let plan = DeletionPlanner.plan(s, goal: .public, limit: 10)
        XCTAssertEqual(plan.steps.map(\.platformID), ["p1"])
        XCTAssertEqual(plan.steps.first?.gain, 1 + 3 + 2 + 1 + 1 + 1, "public, owner labelled, owner face, Bob labelled, Bob's face, located")
        XCTAssertEqual(plan.milestones.first?.removed["audience.public_items"], 1)
        XCTAssertEqual(plan.milestones.first?.removed["audience.public_owner_photos"], 1)
        XCTAssertEqual(plan.milestones.first?.remaining["audience.public_items"], 0)
        XCTAssertEqual(DeletionPlanner.plan(try InventoryFixture.build().snapshot(), goal: .public, limit: 10).steps, [],
                       "nothing known to be public: nothing to plan")
    }
}
