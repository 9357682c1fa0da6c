import XCTest
import ExposureModel
@testable import ExposureReport

/// Faces below dlib's 40 px range are one sentence of their own in the faces section, shown
/// only when there are some, and rows of their own in the comparison.
final class SmallFaceReportTests: XCTestCase {
    func report(small: Int, owner: Int) -> String {
        var data = Fixtures.demo()
        data.summary.faces.small.detected = small
        data.summary.faces.small.owner = owner
        data.summary.faces.small.others = small - owner
        return ReportRenderer.render(data, includeThumbnails: false)
    }

    func testFacesSectionCountsSmallFacesOnlyWhenThereAreSome() throws {
        let html = report(small: 1234, owner: 17)
        let faces = try XCTUnwrap(html.range(of: #"<section id="faces"[\s\S]*?</section>"#, options: .regularExpression).map { String(html[$0]) })
        XCTAssertTrue(faces.contains("<p class=\"note\" id=\"small-faces\">1,234 more faces smaller than 40 px (17 of them yours) were found by the proposal network. Their descriptors are less reliable, so they are counted apart and not in the other face figures of this report.</p>"), faces)
        XCTAssertTrue(report(small: 3, owner: 0).contains(">3 more faces smaller than 40 px were found by the proposal network."))
        XCTAssertTrue(report(small: 1, owner: 1).contains(">1 more face smaller than 40 px (yours) was found by the proposal network."))
        let none = report(small: 0, owner: 0)
        XCTAssertFalse(none.contains("small-faces"))
        XCTAssertFalse(none.contains("smaller than 40 px"))
    }

    func testComparisonHasSmallFaceRows() {
        var data = Fixtures.diff()
        data.metrics["faces.small.detected"] = .init(before: 9, after: 4)
        data.metrics["faces.small.owner"] = .init(before: 5, after: 1)
        data.metrics["faces.small.others"] = .init(before: 4, after: 3)
        let html = ReportRenderer.renderDiff(data)
        XCTAssertTrue(html.contains("<tr><td>Faces smaller than 40 px (counted apart)</td><td class=\"n\">9</td><td class=\"n\">4</td><td class=\"n delta-down\">−5</td></tr>"))
        XCTAssertTrue(html.contains("<tr><td>Your faces smaller than 40 px</td><td class=\"n\">5</td><td class=\"n\">1</td>"))
        XCTAssertTrue(html.contains("<tr><td>Other people’s faces smaller than 40 px</td><td class=\"n\">4</td><td class=\"n\">3</td>"))
        XCTAssertTrue(html.contains("4 more faces smaller than 40 px"), "the remaining sentence")
        // Without any, the sentence leaves them out (the rows still show the zeros).
        XCTAssertFalse(ReportRenderer.renderDiff(Fixtures.diff()).contains("more faces smaller than 40 px"))
    }

    /// The summary's metric map (what `diff` compares) carries the three counts.
    func testSummaryMetricMapAndJSON() throws {
        var s = Fixtures.summary()
        s.faces.small.detected = 6; s.faces.small.owner = 2; s.faces.small.others = 4
        XCTAssertEqual(s.metrics["faces.small.detected"], 6)
        XCTAssertEqual(s.metrics["faces.small.owner"], 2)
        XCTAssertEqual(s.metrics["faces.small.others"], 4)
        XCTAssertEqual(s.schema, "exposure.summary/5")
        let json = String(decoding: try JSONEncoder().encode(s), as: UTF8.self)
        XCTAssertTrue(json.contains(#""small":{"#), json)
        XCTAssertEqual(try JSONDecoder().decode(Summary.self, from: Data(json.utf8)), s)
        // A version 1 summary (no faces.small) still decodes, with none.
        var old = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        var faces = old["faces"] as! [String: Any]
        faces.removeValue(forKey: "small"); old["faces"] = faces
        let v1 = try JSONDecoder().decode(Summary.self, from: JSONSerialization.data(withJSONObject: old))
        XCTAssertEqual(v1.faces.small, Summary.SmallFaces())
        XCTAssertEqual(v1.faces.owner, s.faces.owner)
    }
}
