import XCTest
import ExposureModel
import ExposureTestSupport
import Foundation
@testable import ExposureReport

/// Opens rendered reports in headless Chromium (installed by scripts/setup; this test fails, not
/// skips, without it) and checks what a user's browser would do: the script runs, no payload from
/// the archive executes, no CSP violation or script error is logged, and the page asks the network
/// for nothing. Screenshots go to .build/test-artifacts/ for people to look at.
/// The browser helpers are in Chromium.swift.
final class BrowserTests: XCTestCase {
    func testReportsInHeadlessChromium() throws {
        let started = Date()
        let dir = try TestSupport.temporaryDirectory("exposure-report-browser")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: Chromium.artifacts, withIntermediateDirectories: true)

        var pages: [(String, String)] = [
            ("hostile", ReportRenderer.render(Fixtures.hostile(), includeThumbnails: true)),
            ("diff", ReportRenderer.renderDiff(Fixtures.diff())),
            ("demo", ReportRenderer.render(Fixtures.demo(), includeThumbnails: true)),
            // Control: our CSP, plus an unhashed inline script and a remote image. Proves that the
            // checks below see CSP refusals and page requests when there are some.
            ("control", "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src https:; script-src 'sha256-AAAA'\"><title>control</title></head><body><img src=\"https://tracker.example/p.gif\"><script>document.title='ran'</script></body></html>"),
        ]
        // The demo with its script forbidden (`--blink-settings=scriptEnabled=false` also stops --dump-dom).
        let demoHTML = pages.first { $0.0 == "demo" }!.1
        let noscriptHTML = demoHTML.replacingOccurrences(of: #"script-src &#39;sha256-[^&]*&#39;"#, with: "script-src &#39;none&#39;", options: .regularExpression)
        XCTAssertNotEqual(noscriptHTML, demoHTML)
        pages.append(("noscript", noscriptHTML))
        var urls: [String: URL] = [:]
        for (name, html) in pages {
            let url = dir.appendingPathComponent("\(name).html")
            try html.write(to: url, atomically: true, encoding: .utf8)
            urls[name] = url
        }

        var screenshots: [String: URL] = [:]
        for name in ["demo", "diff"] {
            screenshots[name] = Chromium.artifacts.appendingPathComponent("report-\(name).png")
            try? FileManager.default.removeItem(at: screenshots[name]!)
        }
        let runs = [
            try Chromium.start(["--dump-dom"], page: urls["control"]!, in: dir, name: "control"),
            try Chromium.start(["--dump-dom"], page: urls["hostile"]!, in: dir, name: "hostile"),
            try Chromium.start(["--dump-dom"], page: urls["diff"]!, in: dir, name: "diff"),
            try Chromium.start(["--dump-dom"], page: urls["noscript"]!, in: dir, name: "noscript"),
        ] + (try ["demo", "diff"].map {
            try Chromium.start(["--screenshot=" + screenshots[$0]!.path, "--window-size=1280,900", "--hide-scrollbars"],
                              page: urls[$0]!, in: dir, name: "shot-\($0)")
        })
        // A guard against a hung browser, not a speed assertion (the machine may be shared and busy).
        let deadline = Date().addingTimeInterval(120)
        var results: [String: Chromium.Run] = [:]
        for pending in runs { results[pending.name] = try Chromium.finish(pending, deadline: deadline) }

        // The control run: the detectors must fire.
        let control = try XCTUnwrap(results["control"])
        XCTAssertTrue(control.stderr.contains("violates the following Content Security Policy"), "CSP refusals are not visible in stderr:\n\(control.stderr)")
        XCTAssertEqual(try Chromium.pageRequests(control.netLog), ["https://tracker.example/p.gif"])
        XCTAssertTrue(control.stdout.contains("<title>control</title>"))

        // The hostile report: every archive string is an XSS payload.
        let hostile = try XCTUnwrap(results["hostile"])
        let dom = hostile.stdout
        XCTAssertTrue(dom.contains("data-enhanced=\"1\""), "the report's own script did not run (CSP hash or JSON broken)")
        XCTAssertTrue(dom.contains("data-schema=\"exposure.summary/5\""))
        XCTAssertFalse(dom.contains("data-script-error=\""))
        XCTAssertFalse(dom.contains("data-pwned=\""), "a payload executed")
        let title = dom.range(of: #"<head>[\s\S]*?<title>[^<]*</title>"#, options: .regularExpression).map { String(dom[$0]) } ?? ""
        XCTAssertTrue(title.contains("<title>Exposure report: 214 photos of you"), title)
        XCTAssertFalse(title.contains("PWNED"), "a payload changed the document title")
        XCTAssertNil(dom.range(of: #"<img[^>]*onerror"#, options: .regularExpression))
        XCTAssertNil(dom.range(of: #"<svg[^>]*onload"#, options: .regularExpression))
        XCTAssertNil(dom.range(of: #"<link[^>]*tracker"#, options: .regularExpression))
        XCTAssertEqual(dom.components(separatedBy: "<script").count - 1, 2, "only the data block and our script")
        XCTAssertTrue(dom.contains("&lt;img src=x onerror=\"document.title='PWNED'\"&gt;"), "payload not shown as text")
        XCTAssertTrue(dom.contains("&lt;/script&gt;&lt;script&gt;document.body.setAttribute('data-pwned','1')&lt;/script&gt;"))
        XCTAssertTrue(dom.contains("214 photos of you, 61 labelled with your name, across 11 years"))
        XCTAssertEqual(Chromium.consoleLines(hostile.stderr), [])
        XCTAssertEqual(try Chromium.pageRequests(hostile.netLog), [])

        // The diff page.
        let diff = try XCTUnwrap(results["diff"])
        XCTAssertTrue(diff.stdout.contains("data-enhanced=\"1\""))
        XCTAssertTrue(diff.stdout.contains("Deleting 40 items removed 12 labelled photos of you; 49 remain, across 10 years."))
        XCTAssertEqual(Chromium.consoleLines(diff.stderr), [])
        XCTAssertEqual(try Chromium.pageRequests(diff.netLog), [])

        // Without its script the page is complete; only the enhancements are missing.
        let noscript = try XCTUnwrap(results["noscript"])
        XCTAssertFalse(noscript.stdout.contains("data-enhanced=\"1\""), "the script was not blocked")
        XCTAssertTrue(noscript.stdout.contains("214 photos of you, 61 labelled with your name, across 11 years"))
        XCTAssertTrue(noscript.stdout.contains("<h2 id=\"act-h\">What you can do"))
        XCTAssertTrue(noscript.stdout.contains(">Home · Lyon</text>"))
        XCTAssertTrue(noscript.stdout.contains("hidden=\"\">Blur faces</button>"), "the JS-only button stays hidden")

        // Screenshots of the first screen, for people to judge.
        for name in ["demo", "diff"] {
            let png = screenshots[name]!
            let shot = try XCTUnwrap(results["shot-\(name)"])
            XCTAssertEqual(Chromium.consoleLines(shot.stderr), [])
            XCTAssertEqual(try Chromium.pageRequests(shot.netLog), [])
            let bytes = try Data(contentsOf: png)
            XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "screenshot is not a PNG")
            XCTAssertGreaterThan(bytes.count, 20_000, "screenshot looks empty")
        }
        try ReportRenderer.render(Fixtures.demo(), includeThumbnails: false)
            .write(to: Chromium.artifacts.appendingPathComponent("report-demo-shared.html"), atomically: true, encoding: .utf8)
        try pages.first { $0.0 == "hostile" }!.1.write(to: Chromium.artifacts.appendingPathComponent("report-hostile.html"), atomically: true, encoding: .utf8)
        try pages.first { $0.0 == "demo" }!.1.write(to: Chromium.artifacts.appendingPathComponent("report-demo.html"), atomically: true, encoding: .utf8)
        print("BrowserTests: 6 Chromium runs (in parallel) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; screenshots in \(Chromium.artifacts.path)")
    }
}
