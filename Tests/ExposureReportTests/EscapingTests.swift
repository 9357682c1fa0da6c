import XCTest
import ExposureModel
@testable import ExposureReport

final class EscapingTests: XCTestCase {
    func testEscapeTextLeavesNoMarkup() {
        XCTAssertEqual(HTML.escapeText("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;")
        XCTAssertEqual(HTML.escapeText("</script><script>alert(1)</script>"), "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
        XCTAssertEqual(HTML.escapeText("<!--<script>"), "&lt;!--&lt;script&gt;")
        XCTAssertEqual(HTML.escapeText("Tom & Jerry \"quoted\""), "Tom &amp; Jerry \"quoted\"")
        XCTAssertEqual(HTML.escapeText("&lt;"), "&amp;lt;", "already-escaped text is escaped again, not trusted")
        for payload in Fixtures.payloads {
            let escaped = HTML.escapeText(payload)
            // The only markup escapeText emits is its own control-character badge.
            let withoutBadges = escaped.replacingOccurrences(of: #"<span class="ctl" title="invisible control character">U\+[0-9A-F]{4}</span>"#,
                                                             with: "", options: .regularExpression)
            XCTAssertFalse(withoutBadges.contains("<"), payload)
            XCTAssertFalse(withoutBadges.contains(">"), payload)
        }
    }

    func testEscapeAttributeCannotLeaveTheQuotes() {
        XCTAssertEqual(HTML.escapeAttribute("\"><svg onload=alert(1)>"), "&quot;&gt;&lt;svg onload=alert(1)&gt;")
        XCTAssertEqual(HTML.escapeAttribute("' onmouseover='x'"), "&#39; onmouseover=&#39;x&#39;")
        for payload in Fixtures.payloads {
            let escaped = HTML.escapeAttribute(payload)
            for forbidden in ["<", ">", "\"", "'", "`"] { XCTAssertFalse(escaped.contains(forbidden), "\(payload) kept \(forbidden)") }
        }
    }

    func testBidiOverrideAndControlsAreMadeVisible() {
        let name = "photo\u{202E}gpj.exe"
        let text = HTML.escapeText(name)
        XCTAssertFalse(text.unicodeScalars.contains("\u{202E}"))
        XCTAssertTrue(text.contains(">U+202E</span>"))
        XCTAssertEqual(HTML.escapeAttribute("a\u{0}b\u{202E}c"), "a[U+0000]b[U+202E]c")
        // Ordinary non-ASCII text and emoji (with zero-width joiners) pass unchanged.
        XCTAssertEqual(HTML.escapeText("Chloé 👩‍👩‍👧 Łódź"), "Chloé 👩‍👩‍👧 Łódź")
    }

    func testJSONForScriptHasNoScriptBreakersAndRoundTrips() throws {
        let strings = Fixtures.payloads + ["a\u{2028}b\u{2029}c", "]]>", "&amp;", "\u{0}nul"]
        let json = HTML.jsonForScript(strings)
        XCTAssertFalse(json.lowercased().contains("</script"))
        XCTAssertFalse(json.contains("<!--"))
        for forbidden: Unicode.Scalar in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            XCTAssertFalse(json.unicodeScalars.contains(forbidden), "raw \(forbidden) in \(json)")
        }
        XCTAssertTrue(json.contains("\\u003c/script\\u003e") || json.contains("\\u003c\\/script\\u003e"))
        XCTAssertTrue(json.contains("\\u2028"))
        let decoded = try JSONDecoder().decode([String].self, from: Data(json.utf8))
        XCTAssertEqual(decoded, strings)
    }

    func testJSONForScriptOfSummaryRoundTrips() throws {
        var summary = Fixtures.summary()
        summary.owner.name = Fixtures.payloads[0] + "\u{2028}"
        let json = HTML.jsonForScript(summary)
        XCTAssertEqual(try JSONDecoder().decode(Summary.self, from: Data(json.utf8)), summary)
    }

    func testTemplateFillIsOnePass() {
        let out = Page.fill("<a>{{BODY}}</a><b>{{SCRIPT}}</b>{{UNKNOWN}}{{", ["BODY": "{{SCRIPT}}", "SCRIPT": "js"])
        XCTAssertEqual(out, "<a>{{SCRIPT}}</a><b>js</b>{{UNKNOWN}}{{")
    }

    func testCSPHashMatchesChromium() {
        // Computed by Chromium itself for an inline script it refused (CSP console message).
        XCTAssertEqual(CSPHash.source("document.title='ran'"), "'sha256-rtx4k2oxQYyg90wQKxk+0Co6zu4AMqdg568VMHuJKNc='")
    }
}

/// Property test (reliability.md §5.4 H5): random strings built from the characters that matter
/// to HTML and script parsing keep the encoders' invariants and round-trip through JSON.
final class EscapingPropertyTests: XCTestCase {
    func testRandomStrings() throws {
        let pieces = ["<", ">", "&", "\"", "'", "`", "/", "\\", "</script", "<!--", "-->", "<script", "]]>", "\u{2028}", "\u{2029}",
                      "\u{0}", "\u{1B}", "\u{7F}", "\u{85}", "\u{202E}", "\u{2066}", "\u{FEFF}", "é", "👩‍👩‍👧", "\u{10FFFF}", "a", " ", "\n", "=", "{{", "}}"]
        var rng = SplitMix64(seed: 42)
        var strings: [String] = []
        for _ in 0..<500 {
            strings.append((0..<Int.random(in: 1...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined())
        }
        for s in strings {
            let text = HTML.escapeText(s).replacingOccurrences(of: #"<span class="ctl" title="invisible control character">U\+[0-9A-F]{4}</span>"#,
                                                               with: "", options: .regularExpression)
            XCTAssertFalse(text.contains("<") || text.contains(">"), s.debugDescription)
            let attribute = HTML.escapeAttribute(s)
            XCTAssertFalse(attribute.contains(where: { "<>\"'`".contains($0) }), s.debugDescription)
        }
        let json = HTML.jsonForScript(strings)
        XCTAssertFalse(json.unicodeScalars.contains(where: { "<>&\u{2028}\u{2029}".unicodeScalars.contains($0) }))
        XCTAssertEqual(try JSONDecoder().decode([String].self, from: Data(json.utf8)), strings)
    }
}
