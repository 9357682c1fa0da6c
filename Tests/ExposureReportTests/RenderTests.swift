import XCTest
import ExposureModel
@testable import ExposureReport

final class RenderTests: XCTestCase {
    // MARK: - Headline wording

    func headline(faces: Int, labelled: Int, years: Int, first: Int? = nil, photos: Int = 0) -> String {
        var s = Summary()
        s.items.photos = photos
        s.faces.owner.faces = faces; s.faces.owner.labelled = labelled; s.faces.owner.years = years; s.faces.owner.firstYear = first
        return ReportRenderer.headline(s)
    }

    func testHeadlineWording() {
        XCTAssertEqual(headline(faces: 214, labelled: 61, years: 11),
                       "214 photos of you, 61 labelled with your name, across 11 years: more than 30 times the average identity in MegaFace")
        XCTAssertEqual(headline(faces: 10, labelled: 10, years: 3),
                       "10 photos of you, all labelled with your name, across 3 years: more than the average identity in MegaFace")
        XCTAssertEqual(headline(faces: 1, labelled: 0, years: 1, first: 2019),
                       "1 photo of you, none labelled with your name, all from 2019: one clear, named photo is already enough for a face search to find you")
        XCTAssertEqual(headline(faces: 1, labelled: 1, years: 0),
                       "1 photo of you, 1 labelled with your name: one clear, named photo is already enough for a face search to find you")
        XCTAssertEqual(headline(faces: 1000, labelled: 400, years: 15),
                       "1,000 photos of you, 400 labelled with your name, across 15 years: more than twice the average identity in VGGFace2, a face-recognition training set")
        XCTAssertEqual(headline(faces: 5000, labelled: 1234, years: 20),
                       "5,000 photos of you, 1,234 labelled with your name, across 20 years: more than 13 times the average identity in VGGFace2, a face-recognition training set")
        XCTAssertEqual(headline(faces: 707, labelled: 7, years: 2),
                       "707 photos of you, 7 labelled with your name, across 2 years: more than the average identity in VGGFace2, a face-recognition training set")
        XCTAssertEqual(headline(faces: 15, labelled: 2, years: 4),
                       "15 photos of you, 2 labelled with your name, across 4 years: more than twice the average identity in MegaFace")
        XCTAssertEqual(headline(faces: 0, labelled: 0, years: 0, photos: 120), "No photos of your face found among 120 photos in this export")
        XCTAssertEqual(headline(faces: 0, labelled: 0, years: 0), "No photos of your face found in this export")
    }

    func testDiffHeadline() {
        XCTAssertEqual(ReportRenderer.diffHeadline(Fixtures.diff()), "Deleting 40 items removed 12 labelled photos of you; 49 remain, across 10 years")
        var d = Fixtures.diff()
        d.metrics["faces.owner.labelled"] = .init(before: 3, after: 0)
        XCTAssertEqual(ReportRenderer.diffHeadline(d), "Deleting 40 items removed 3 labelled photos of you; none remain")
        d.metrics["faces.owner.labelled"] = .init(before: 5, after: 5)
        d.items = .init(removed: 0, added: 0, kept: 10)
        XCTAssertEqual(ReportRenderer.diffHeadline(d), "No items changed; that removed no labelled photos of you; 5 remain, across 10 years")
    }

    // MARK: - The page

    func testReportIsSelfContainedWithStrictCSP() throws {
        let html = ReportRenderer.render(Fixtures.demo(), includeThumbnails: true)
        XCTAssertTrue(html.contains("214 photos of you, 61 labelled with your name, across 11 years: more than 30 times the average identity in MegaFace."))
        // One CSP, first thing in <head> after the charset, with hashes that match the inline style and script exactly.
        let csp = try XCTUnwrap(firstMatch(#"<meta http-equiv="Content-Security-Policy" content="([^"]*)">"#, in: html))
        XCTAssertTrue(csp.hasPrefix("default-src &#39;none&#39;; img-src data:; style-src &#39;sha256-"))
        let style = try XCTUnwrap(firstMatch(#"<style>([\s\S]*?)</style>"#, in: html))
        let script = try XCTUnwrap(firstMatch(#"<script>([\s\S]*?)</script>"#, in: html))
        XCTAssertTrue(csp.contains("style-src " + HTML.escapeAttribute(CSPHash.source(style))))
        XCTAssertTrue(csp.contains("script-src " + HTML.escapeAttribute(CSPHash.source(script))))
        XCTAssertFalse(csp.contains("unsafe-inline"))
        // The policy must come before anything it governs.
        let head = try XCTUnwrap(html.range(of: "<head>")), policy = try XCTUnwrap(html.range(of: "Content-Security-Policy"))
        XCTAssertLessThan(html.distance(from: head.upperBound, to: policy.lowerBound), 60)
        XCTAssertLessThan(policy.lowerBound, try XCTUnwrap(html.range(of: "<style>")).lowerBound)
        XCTAssertLessThan(policy.lowerBound, try XCTUnwrap(html.range(of: "<img")).lowerBound)
        // Nothing that could make a browser fetch: no remote URL in src/href except plain help links, no url(), no @import.
        XCTAssertNil(firstMatch(#"(src|srcset|poster|data)\s*=\s*"(?!data:)[^"]*""#, in: html))
        XCTAssertFalse(html.contains("url("))
        XCTAssertFalse(html.contains("@import"))
        for href in allMatches(#"href="([^"]*)""#, in: html) {
            XCTAssertTrue(href.hasPrefix("#") || href.hasPrefix("https://") || href == "data:,", href)
        }
        XCTAssertEqual(html.components(separatedBy: "<script").count - 1, 2, "exactly the data block and our script")
    }

    func testNoThumbnailsLeavesOutEveryFaceImage() {
        let data = Fixtures.demo()
        let with = ReportRenderer.render(data, includeThumbnails: true)
        let without = ReportRenderer.render(data, includeThumbnails: false)
        let expected = data.owner.timeline.reduce(0) { $0 + min(12, $1.thumbnails.count) } + data.otherIdentities.filter { $0.thumbnail != nil }.count
            + data.owner.timeline.filter { $0.year != nil && !$0.thumbnails.isEmpty }.count   // the header's face strip
        XCTAssertEqual(with.components(separatedBy: "data:image/png;base64,").count - 1, expected)
        XCTAssertFalse(without.contains("data:image"))
        XCTAssertFalse(without.contains("<img"))
        XCTAssertTrue(without.contains("--no-thumbnails"))
        XCTAssertTrue(without.contains("This copy leaves out every face image, so it can be shared."))
        XCTAssertFalse(with.contains("This copy leaves out every face image"))
        XCTAssertFalse(without.contains("id=\"toggle-faces\""))
    }

    func testNonImageThumbnailBytesAreDropped() {
        XCTAssertNil(Page.imageDataURI(Data("<script>alert(1)</script>".utf8)))
        XCTAssertNil(Page.imageDataURI(Data()))
        XCTAssertEqual(Page.imageDataURI(Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2])), "data:image/jpeg;base64," + Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2]).base64EncodedString())
    }

    func testEveryArchiveStringIsEscaped() {
        let data = Fixtures.hostile()
        for includeThumbnails in [true, false] {
            let html = ReportRenderer.render(data, includeThumbnails: includeThumbnails)
            XCTAssertEqual(html.components(separatedBy: "<script").count - 1, 2)
            XCTAssertEqual(html.lowercased().components(separatedBy: "</script").count - 1, 2)
            XCTAssertFalse(html.contains("<!--"))
            XCTAssertFalse(html.contains("<img src=x"))
            XCTAssertFalse(html.contains("<svg onload"))
            XCTAssertFalse(html.contains("<style>body"))
            XCTAssertFalse(html.contains("<link rel=stylesheet"))
            XCTAssertEqual(eventHandlerAttributes(html), [], "attribute injected into a tag")
            XCTAssertFalse(html.unicodeScalars.contains("\u{202E}"))
            XCTAssertFalse(html.contains("href=\"javascript"))
            // Each payload's distinct marker shows up as text somewhere (nothing silently dropped).
            for k in [0, 1, 2, 3, 8, 20, 40] {
                XCTAssertTrue(html.contains(" #\(k)"), "payload #\(k) missing")
            }
            XCTAssertTrue(html.contains("&lt;img src=x onerror=\"document.title='PWNED'\"&gt;"))
            XCTAssertTrue(html.contains("{{SCRIPT}}"), "a placeholder inside data stays text")
        }
        let diff = ReportRenderer.renderDiff({
            var d = Fixtures.diff()
            d.beforeLabel = Fixtures.payloads[0]; d.afterLabel = Fixtures.payloads[2]
            d.findings.remaining = [.init(id: Fixtures.payloads[3], title: Fixtures.payloads[1], severity: Fixtures.payloads[5])]
            d.metrics[Fixtures.payloads[4]] = .init(before: 1, after: 2)
            return d
        }())
        XCTAssertEqual(diff.components(separatedBy: "<script").count - 1, 2)
        XCTAssertFalse(diff.contains("<img src=x"))
        XCTAssertFalse(diff.contains("<svg onload"))
        XCTAssertFalse(diff.contains("<!--"))
    }

    func testDiffPageSideBySide() {
        let html = ReportRenderer.renderDiff(Fixtures.diff())
        XCTAssertTrue(html.contains("Deleting 40 items removed 12 labelled photos of you; 49 remain, across 10 years."))
        XCTAssertTrue(html.contains("<tr><td>Photos of your face</td><td class=\"n\">214</td><td class=\"n\">150</td><td class=\"n delta-down\">−64</td></tr>"))
        XCTAssertTrue(html.contains("Still in the new export: 150 photos of your face (49 labelled with your name) across 10 years"))
        XCTAssertTrue(html.contains("Export of 2026-11-01") && html.contains("After deleting 40 posts"))
        XCTAssertTrue(html.contains("Resolved (1)"))
    }

    func testRenderingIsDeterministic() {
        XCTAssertEqual(ReportRenderer.render(Fixtures.demo(), includeThumbnails: true), ReportRenderer.render(Fixtures.demo(), includeThumbnails: true))
        XCTAssertEqual(ReportRenderer.renderDiff(Fixtures.diff()), ReportRenderer.renderDiff(Fixtures.diff()))
    }

    func testMapMarksHomeAndFitsPointsInside() throws {
        let figure = Charts.placesMap(Fixtures.demo().places, attribution: "GeoNames")
        XCTAssertEqual(allMatches("<svg class=\"(chart-wide|chart-narrow)\"", in: figure), ["chart-wide", "chart-narrow"], "a drawing for wide screens and one for phones")
        XCTAssertEqual(allMatches("aria-labelledby=\"map-cap\"", in: figure, group: 0).count, 2)
        XCTAssertEqual(allMatches("<figcaption id=\"map-cap\">", in: figure, group: 0).count, 1)
        for layout in [Charts.Layout.wide, .phone] { try checkMap(Charts.placesSVG(Fixtures.demo().places, layout: layout), layout.width) }
    }

    func checkMap(_ svg: String, _ width: Double) throws {
        XCTAssertTrue(svg.contains(">Home · Lyon</text>"))
        XCTAssertTrue(svg.contains("viewBox=\"0 0 \(Int(width)) "))
        let size = try XCTUnwrap(firstMatch(#"viewBox="0 0 (\d+ \d+)""#, in: svg)).split(separator: " ").compactMap { Double($0) }
        let centres = allMatches(#"<circle cx="([\d.\-]+)" cy="([\d.\-]+)""#, in: svg, group: 0)
        XCTAssertEqual(centres.count, 7 + 1, "seven places plus the home ring")
        for c in centres {
            let xy = allMatches(#""([\d.\-]+)""#, in: c).compactMap(Double.init)
            XCTAssertTrue(xy[0] > 0 && xy[0] < size[0] && xy[1] > 0 && xy[1] < size[1], c)
        }
        // North is up and east is right: Paris is above Lyon, Barcelona left of and below Lyon.
        func centre(_ city: String) throws -> (Double, Double) {
            let pattern = ">\(city), [A-Z]{2}: [^<]*</title><circle cx=\"([\\d.]+)\" cy=\"([\\d.]+)\""
            let x = try XCTUnwrap(firstMatch(pattern, in: svg, group: 1)), y = try XCTUnwrap(firstMatch(pattern, in: svg, group: 2))
            return (Double(x)!, Double(y)!)
        }
        let lyon = try centre("Lyon"), paris = try centre("Paris"), barcelona = try centre("Barcelona")
        XCTAssertLessThan(paris.1, lyon.1)
        XCTAssertLessThan(barcelona.0, lyon.0)
        XCTAssertGreaterThan(barcelona.1, lyon.1)
    }

    func testPeopleGraphIsCircularAndIgnoresUnknownNames() {
        var graph = Fixtures.demo().peopleGraph
        graph.edges.append(.init(a: "Nobody", b: "Alex Rivera", weight: 99))
        let figure = Charts.peopleGraph(graph, ownerName: "Alex Rivera")
        XCTAssertEqual(allMatches("<line ", in: figure, group: 0).count, 2 * Fixtures.demo().peopleGraph.edges.count, "in both drawings")
        XCTAssertFalse(figure.contains("Nobody"))
        let svg = Charts.peopleGraphSVG(graph, ownerName: "Alex Rivera", layout: .wide)
        // The owner sits in the centre; the most tagged other person at the top of the circle (radius 181).
        XCTAssertTrue(svg.contains("<title>Alex Rivera: 90 tags</title><circle cx=\"380.0\" cy=\"226.0\""))
        XCTAssertTrue(svg.contains("<title>Sam Okafor: 83 tags</title><circle cx=\"380.0\" cy=\"45.0\""))
        XCTAssertTrue(svg.contains("fill=\"#b42318\""))
        // Phone: the owner above a tall ellipse (11 others: 6 down its right side, 5 up its left), labels outwards.
        let phone = Charts.peopleGraphSVG(graph, ownerName: "Alex Rivera", layout: .phone)
        XCTAssertTrue(phone.contains("<title>Alex Rivera: 90 tags</title><circle cx=\"160.0\" cy=\"30.0\""), phone)
        let nodes = allMatches(##"<circle cx="[\d.]+" cy="[\d.]+" r="[\d.]+" fill="#1d2330"/><text x="[\d.]+" y="[\d.]+" text-anchor="(start|end)""##, in: phone, group: 0)
            .map { node in (allMatches(#""([\d.]+)""#, in: node).compactMap(Double.init), node.hasSuffix("\"start\"")) }
        XCTAssertEqual(nodes.count, 11)
        for (right, count) in [(true, 6), (false, 5)] {
            let side = nodes.filter { $0.1 == right }.map(\.0)
            XCTAssertEqual(side.count, count)
            XCTAssertTrue(side.allSatisfy { right ? $0[0] > 160 : $0[0] < 160 }, "labels point away from the middle")
            let ys = side.map { $0[4] }.sorted()
            XCTAssertTrue(zip(ys, ys.dropFirst()).allSatisfy { $1 - $0 >= 16 }, "labels on one side at least 16 px apart: \(ys)")
        }
    }

    func testReportDataRoundTripsThroughJSON() throws {
        let data = Fixtures.demo()
        let json = try JSONEncoder().encode(data)
        XCTAssertEqual(try JSONDecoder().decode(ReportData.self, from: json), data)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains("\"reason\":\"profile_picture\""))
        let diff = Fixtures.diff()
        XCTAssertEqual(try JSONDecoder().decode(DiffData.self, from: JSONEncoder().encode(diff)), diff)
        XCTAssertEqual(diff.metrics["faces.owner.labelled"], .init(before: 61, after: 49))
        XCTAssertEqual(diff.metrics.count, Fixtures.summary().metrics.count)
        // A metric that is null on one side (absent from Summary.metrics) is nil there, not dropped.
        var before = Fixtures.summary()
        before.faces.owner.matchableFromProfile = nil
        let partial = DiffData(before: before, after: Fixtures.summary(), items: .init(removed: 0, added: 0, kept: 1), generatedAt: "now")
        XCTAssertEqual(partial.metrics["faces.owner.matchable_from_profile"], .init(before: nil, after: 198))
    }

    func testLongTablesAreCapped() {
        var data = Fixtures.demo()
        data.places = (0..<250).map { .init(latitude: 45 + Double($0) / 1000, longitude: 4.8, city: "Town \($0)", country: "FR", items: 300 - $0) }
        data.devices.uploadIPs = (0..<230).map { .init("192.0.2.\($0)", items: 1) }
        let html = ReportRenderer.render(data, includeThumbnails: false)
        XCTAssertTrue(html.contains(">Town 199</td>"))
        XCTAssertFalse(html.contains(">Town 200</td>"))
        XCTAssertTrue(html.contains("And 50 more places with fewer items."))
        XCTAssertTrue(html.contains("And 30 more."))
        let map = Charts.placesMap(data.places, attribution: data.geocoderAttribution)
        for layout in [Charts.Layout.wide, .phone] {
            XCTAssertEqual(Charts.placesSVG(data.places, layout: layout).components(separatedBy: "<circle").count - 1, 250, "the map still shows every place")
        }
        XCTAssertTrue(html.contains(map))
    }

    func testSourcePathsAreCutToTheirNames() {
        var data = Fixtures.demo()
        data.summary.sources = [.init(name: "/home/alex/Downloads/facebook-alex.zip", platform: "facebook"),
                                .init(name: "C:\\Users\\alex\\takeout-001.zip", platform: "google-takeout")]
        let html = ReportRenderer.render(data, includeThumbnails: false)
        XCTAssertTrue(html.contains(">facebook-alex.zip</td>"))
        XCTAssertTrue(html.contains(">takeout-001.zip</td>"))
        XCTAssertFalse(html.contains("/home/alex"))
        XCTAssertFalse(html.contains("Users"))
        XCTAssertEqual(ReportRenderer.displayName("plain.zip"), "plain.zip")
    }

    func testEventHandlerCheckSeesInjectedAttributes() {
        XCTAssertEqual(eventHandlerAttributes("<p title=\"x\" onclick=\"y\">a</p><img src=\"data:,\" onerror=\"z\">"), ["onclick", "onerror"])
        XCTAssertEqual(eventHandlerAttributes("<p title=\"&#39; onclick=&#39;y\">onload=</p>"), [])
    }

    // MARK: - Helpers

    /// Attribute names starting with "on" in any tag outside script and style content. Attribute
    /// values are skipped as whole quoted strings, so escaped text inside them cannot match.
    func eventHandlerAttributes(_ html: String) -> [String] {
        let markup = html.replacingOccurrences(of: #"<(script|style)[^>]*>[\s\S]*?</\1>"#, with: "", options: .regularExpression)
        var names: [String] = []
        for tag in allMatches(#"<[a-zA-Z][a-zA-Z0-9-]*((?:\s+[^\s=>"']+(?:=(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*/?>"#, in: markup) {
            for name in allMatches(#"\s+([^\s=>"']+)(?:=(?:"[^"]*"|'[^']*'|[^\s>"']+))?"#, in: tag) where name.lowercased().hasPrefix("on") {
                names.append(name.lowercased())
            }
        }
        return names
    }

    func firstMatch(_ pattern: String, in text: String, group: Int = 1) -> String? {
        allMatches(pattern, in: text, group: group).first
    }

    func allMatches(_ pattern: String, in text: String, group: Int = 1) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { XCTFail("bad pattern \(pattern)"); return [] }
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { m in
            let r = m.range(at: group)
            return r.location == NSNotFound ? nil : ns.substring(with: r)
        }
    }
}
