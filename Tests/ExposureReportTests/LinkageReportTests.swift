import XCTest
import ExposureModel
@testable import ExposureReport

/// "What was public" and "What ties your accounts together", and labels for every measure of
/// the comparison.
final class LinkageReportTests: XCTestCase {
    func section(_ id: String, _ html: String) throws -> String {
        try XCTUnwrap(html.range(of: #"<section id="\#(id)"[\s\S]*?</section>"#, options: .regularExpression).map { String(html[$0]) })
    }

    func testPublicSectionShowsTheAudienceCounts() throws {
        var data = Fixtures.demo()
        data.summary.audience.publicItems = 1200; data.summary.audience.publicOwnerPhotos = 37
        data.summary.audience.publicLabelledFaces = 12; data.summary.audience.publicItemsWithGPS = 5
        data.summary.audience.sharedItems = 4; data.summary.audience.privateItems = 3; data.summary.audience.unknownItems = 9
        let html = try section("public", ReportRenderer.render(data, includeThumbnails: false))
        XCTAssertTrue(html.contains("<span class=\"num\">1,200</span><span class=\"label\">public items</span>"), html)
        XCTAssertTrue(html.contains("<span class=\"num\">37</span><span class=\"label\">public photos of your face</span>"))
        XCTAssertTrue(html.contains("Also: 4 shared with friends, followers or a shared album; 3 private; 9 whose export does not say"))
    }

    func testLinksTableEscapesAndSaysWhenThereAreNone() throws {
        var data = Fixtures.demo()
        data.links = [ReportData.Link(what: "Camera serial number", value: "<b>SN</b>", accounts: ["Facebook (a.zip)", "X (b.zip)"],
                                      examples: ["IMG_1.jpg"], items: 2)]
        let html = try section("links", ReportRenderer.render(data, includeThumbnails: false))
        XCTAssertTrue(html.contains("<td>Camera serial number</td><td class=\"mono\">&lt;b&gt;SN&lt;/b&gt;</td><td>Facebook (a.zip), X (b.zip)</td><td class=\"n\">2</td><td class=\"mono\">IMG_1.jpg</td>"), html)
        data.links = []
        XCTAssertTrue(try section("links", ReportRenderer.render(data, includeThumbnails: false)).contains("Nothing found in more than one account"))
    }

    /// The comparison labels every measure of the summary (none appears under its raw dotted key).
    func testEveryMeasureOfTheComparisonHasALabel() throws {
        let labelled = Set(ReportRenderer.metricNames.map(\.0))
        let keys = Set(Summary().metrics.keys)
        XCTAssertEqual(keys.subtracting(labelled), [], "summary metrics without a label")
        XCTAssertEqual(labelled.subtracting(keys), [], "labels for metrics the summary does not have")
        var data = Fixtures.diff()
        for key in keys { data.metrics[key] = .init(before: 3, after: 1) }
        let table = try section("metrics", ReportRenderer.renderDiff(data))
        for key in keys { XCTAssertFalse(table.contains("<td>\(key)</td>"), "\(key) shown raw") }
    }
}
