import XCTest
import ExposureModel
import ExposureTestSupport
import Foundation
@testable import ExposureReport

/// The report and the diff page on a phone: opened in headless Chromium inside 360-px-wide iframes
/// (a browser window cannot be that narrow) and measured by a script of the outer page, which reads
/// the report's DOM (same origin under `--allow-file-access-from-files`) and writes what it found into
/// its own DOM for `--dump-dom`. The report itself keeps its CSP and runs its own script only.
/// Nothing may stick out past the right edge (only a table's own box may scroll), and no chart label
/// may render smaller than 11 CSS px. The same at 1280 px. Screenshots of the phone layout go to
/// .build/test-artifacts/phone-*.png. Fails, not skips, without chromium (like BrowserTests).
final class PhoneLayoutTests: XCTestCase {
    static let phone = 360, desktop = 1280
    /// Smallest chart label, in CSS px as rendered (font size times the SVG's scale).
    static let smallestLabel = 11.0

    struct Measurement: Decodable {
        var name: String
        var width: Int
        /// The report's layout viewport (`documentElement.clientWidth`): the iframe's width without a scrollbar.
        var viewport: Int
        var html: Int
        var body: Int
        var height: Int
        /// Elements whose box ends right of the viewport (or starts left of it) and no scrolling box holds.
        var overflowing: [String]
        /// Boxes that scroll sideways within the page (a wide table in its wrapper), for information.
        var scrollingBoxes: [String]
        var labels: Int
        /// Chart labels that do not fit inside their chart (the SVG cuts them off).
        var clippedLabels: [String]
        var smallestLabel: Double?
        var smallestLabelText: String
    }

    struct MeasureError: Decodable { var error: String }

    func testReportAndDiffFitAPhoneScreen() throws {
        let dir = try TestSupport.temporaryDirectory("exposure-phone-layout")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: Chromium.artifacts, withIntermediateDirectories: true)

        let pages: [(String, String)] = [
            ("demo", ReportRenderer.render(Fixtures.demo(), includeThumbnails: true)),
            ("hostile", ReportRenderer.render(Fixtures.hostile(), includeThumbnails: true)),
            ("diff", ReportRenderer.renderDiff(Fixtures.diff())),
        ]
        for (name, html) in pages {
            try html.write(to: dir.appendingPathComponent("\(name).html"), atomically: true, encoding: .utf8)
            try html.write(to: Chromium.artifacts.appendingPathComponent("phone-\(name).html"), atomically: true, encoding: .utf8)
        }
        var frames: [(String, Int)] = []
        for width in [Self.phone, Self.desktop] { for (name, _) in pages { frames.append((name, width)) } }
        let measure = dir.appendingPathComponent("measure.html")
        try Self.measuringPage(frames).write(to: measure, atomically: true, encoding: .utf8)

        // Screenshots: phone-sized panels side by side, each scrolled to one part of the page by its anchor.
        let shots: [(String, String, [String])] = [
            ("phone-demo-1", "demo", ["", "#faces", "#others", "#places"]),
            ("phone-demo-2", "demo", ["#devices", "#tags", "#findings", "#method"]),
            ("phone-diff", "diff", ["", "#remains-h", "#metrics", "#findings"]),
            ("phone-hostile", "hostile", ["#places", "#devices", "#findings", "#method"]),
        ]
        var pngs: [String: URL] = [:]
        let flags = ["--allow-file-access-from-files", "--hide-scrollbars"]
        var runs = [try Chromium.start(flags + ["--dump-dom"], page: measure, in: dir, name: "measure")]
        for (shot, page, anchors) in shots {
            let outer = dir.appendingPathComponent("\(shot).html")
            try Self.panelPage(page + ".html", anchors).write(to: outer, atomically: true, encoding: .utf8)
            pngs[shot] = Chromium.artifacts.appendingPathComponent("\(shot).png")
            try? FileManager.default.removeItem(at: pngs[shot]!)
            runs.append(try Chromium.start(flags + ["--screenshot=" + pngs[shot]!.path, "--window-size=\(anchors.count * (Self.phone + 10)),800"],
                                           page: outer, in: dir, name: shot))
        }
        let deadline = Date().addingTimeInterval(120)  // a guard against a hung browser, not a speed assertion
        var results: [String: Chromium.Run] = [:]
        for pending in runs { results[pending.name] = try Chromium.finish(pending, deadline: deadline) }

        let run = try XCTUnwrap(results["measure"])
        let encoded = try XCTUnwrap(run.stdout.range(of: #"<pre id="out">([^<]*)</pre>"#, options: .regularExpression)
            .map { String(run.stdout[$0]).replacingOccurrences(of: #"</?pre[^>]*>"#, with: "", options: .regularExpression) },
            "the measuring script wrote nothing:\n\(run.stdout.suffix(2000))\n\(run.stderr.suffix(2000))")
        let json = Data(try XCTUnwrap(encoded.removingPercentEncoding, "not percent-encoded: \(encoded.prefix(200))").utf8)
        if let failed = try? JSONDecoder().decode(MeasureError.self, from: json) {
            return XCTFail("the measuring script failed: \(failed.error)")
        }
        let measured = try JSONDecoder().decode([Measurement].self, from: json)
        XCTAssertEqual(measured.count, frames.count)
        XCTAssertEqual(Chromium.consoleLines(run.stderr), [], "the reports logged errors or CSP refusals")
        XCTAssertEqual(try Chromium.pageRequests(run.netLog), [])

        for m in measured {
            let page = "\(m.name) at \(m.width) px"
            print("PhoneLayoutTests: \(page): scrollWidth html \(m.html), body \(m.body), height \(m.height); "
                  + "smallest chart label \(m.smallestLabel.map { String(format: "%.1f", $0) } ?? "-") px (\(m.labels) labels)"
                  + (m.scrollingBoxes.isEmpty ? "" : "; scrolling sideways in their own box: \(m.scrollingBoxes.joined(separator: ", "))"))
            XCTAssertEqual(m.viewport, m.width, "\(page): the viewport is not the iframe's width (a scrollbar?)")
            XCTAssertLessThanOrEqual(m.html, m.width, "\(page): the page scrolls sideways")
            XCTAssertLessThanOrEqual(m.body, m.width, "\(page): the body is wider than the screen")
            XCTAssertEqual(m.overflowing, [], "\(page): elements stick out past the screen's edge")
            if m.name != "diff" { XCTAssertGreaterThan(m.labels, 10, "\(page): no chart labels measured") }
            XCTAssertEqual(m.clippedLabels, [], "\(page): chart labels cut off at the chart's edge")
            if let smallest = m.smallestLabel {
                XCTAssertGreaterThanOrEqual(smallest, Self.smallestLabel, "\(page): chart label \(m.smallestLabelText) renders at \(smallest) px")
            }
        }

        for (shot, _, anchors) in shots {
            let shotRun = try XCTUnwrap(results[shot])
            XCTAssertEqual(Chromium.consoleLines(shotRun.stderr), [])
            let bytes = try Data(contentsOf: pngs[shot]!)
            XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "\(shot) is not a PNG")
            XCTAssertGreaterThan(bytes.count, 10_000 * anchors.count, "\(shot) looks empty")
        }
        print("PhoneLayoutTests: screenshots in \(Chromium.artifacts.path)/phone-*.png")
    }

    // MARK: - Outer pages (not reports: they have no CSP, and their script only measures)

    /// One iframe per (page, width), 900 px tall; on load, a script measures each and writes a
    /// percent-encoded JSON array (or `{"error": ...}`) into `<pre id="out">`.
    static func measuringPage(_ frames: [(String, Int)]) -> String {
        let iframes = frames.map { "<iframe data-name=\"\($0.0)\" src=\"\($0.0).html\" style=\"width:\($0.1)px;height:900px\"></iframe>" }
        return """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>measure</title>
        <style>body{margin:0} iframe{display:block;border:0;margin:0 0 10px}</style></head><body>
        \(iframes.joined(separator: "\n"))
        <pre id="out"></pre>
        <script>
        \(measuringScript)
        </script></body></html>
        """
    }

    static let measuringScript = #"""
    (function () {
      function describe(el) {
        var s = el.tagName.toLowerCase();
        if (el.id) { s += '#' + el.id; }
        var cls = el.getAttribute('class');
        if (cls) { s += '.' + cls.trim().split(/\s+/).join('.'); }
        var where = el.parentElement && el.parentElement.closest('section[id], header, footer, nav');
        if (where) { s = where.tagName.toLowerCase() + (where.id ? '#' + where.id : '') + ' ' + s; }
        var text = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40);
        return s + (text ? ' "' + text + '"' : '');
      }
      function measure(frame) {
        var win = frame.contentWindow, doc = frame.contentDocument;
        var vw = doc.documentElement.clientWidth;
        var r = { name: frame.getAttribute('data-name'), width: frame.clientWidth, viewport: vw,
                  html: doc.documentElement.scrollWidth, body: doc.body.scrollWidth, height: doc.documentElement.scrollHeight,
                  overflowing: [], scrollingBoxes: [], labels: 0, clippedLabels: [], smallestLabel: null, smallestLabelText: '' };
        var all = doc.body.getElementsByTagName('*');
        for (var i = 0; i < all.length; i++) {
          var el = all[i], rect = el.getBoundingClientRect();
          if (rect.width === 0 && rect.height === 0) { continue; }
          if (rect.right <= vw + 0.5 && rect.left >= -0.5) { continue; }
          // Held by a box that scrolls or clips sideways and itself fits: not a page overflow.
          var box = null;
          for (var a = el.parentElement; a && a !== doc.body; a = a.parentElement) {
            if (win.getComputedStyle(a).overflowX !== 'visible') {
              var ar = a.getBoundingClientRect();
              if (ar.right <= vw + 0.5 && ar.left >= -0.5) { box = a; }
              break;
            }
          }
          if (box) {
            var d = describe(box).replace(/ ".*$/, '');
            if (r.scrollingBoxes.indexOf(d) < 0) { r.scrollingBoxes.push(d); }
          } else if (r.overflowing.length < 40) {
            r.overflowing.push(describe(el) + ' [' + Math.round(rect.left) + '..' + Math.round(rect.right) + ']');
          }
        }
        var texts = doc.querySelectorAll('svg text');
        for (var j = 0; j < texts.length; j++) {
          var t = texts[j];
          if (t.getClientRects().length === 0) { continue; }   // in a chart not shown at this width
          var m = t.getScreenCTM();
          if (!m) { continue; }
          var px = parseFloat(win.getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
          r.labels += 1;
          var tr = t.getBoundingClientRect(), sr = t.ownerSVGElement.getBoundingClientRect();
          if (tr.left < sr.left - 0.5 || tr.right > sr.right + 0.5 || tr.top < sr.top - 0.5 || tr.bottom > sr.bottom + 0.5) {
            r.clippedLabels.push('"' + t.textContent.slice(0, 30) + '" in ' + describe(t.closest('figure') || t.ownerSVGElement).replace(/ ".*$/, ''));
          }
          if (r.smallestLabel === null || px < r.smallestLabel) {
            r.smallestLabel = Math.round(px * 100) / 100;
            r.smallestLabelText = '"' + t.textContent.slice(0, 30) + '" in ' + describe(t.closest('figure') || t.ownerSVGElement).replace(/ ".*$/, '');
          }
        }
        return r;
      }
      window.addEventListener('load', function () {
        var out;
        try {
          out = Array.prototype.map.call(document.querySelectorAll('iframe'), measure);
        } catch (e) {
          out = { error: String(e) + ' ' + (e.stack || '') };
        }
        document.getElementById('out').textContent = encodeURIComponent(JSON.stringify(out));
      });
    })();
    """#

    /// Phone-sized panels side by side, each the page scrolled to one anchor.
    static func panelPage(_ file: String, _ anchors: [String]) -> String {
        let iframes = anchors.map { "<iframe src=\"\(file)\($0)\" style=\"width:\(phone)px;height:800px\"></iframe>" }
        return """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>panels</title>
        <style>body{margin:0;display:flex;gap:10px;background:#888} iframe{border:0;flex:none;background:#fff}</style></head><body>
        \(iframes.joined(separator: "\n"))
        </body></html>
        """
    }
}
