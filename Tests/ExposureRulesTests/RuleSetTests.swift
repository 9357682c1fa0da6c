import XCTest
import ExposureAnalysis
import ExposureTestSupport
@testable import ExposureRules

/// The repository's rules/ folder.
let shippedRules = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules")

final class ShippedRulesTests: XCTestCase {
    func testDefaultSetLoads() throws {
        let set = try RuleSet.load(defaultDirectory: shippedRules)
        XCTAssertEqual(Set(set.rules.map(\.id)), [
            "owner-labelled-faces", "owner-years-covered", "profile-matchable-photos", "others-faces",
            "others-labelled-faces", "xmp-face-names", "precise-gps", "inferred-home", "upload-ips",
            "serial-numbers", "exif-owner-names", "stale-thumbnails", "instagram-device-ids",
            "public-owner-photos", "public-located-items", "accounts-linked", "owner-face-on-video",
        ])
        let labelled = try XCTUnwrap(set["owner-labelled-faces"])
        XCTAssertEqual(labelled.metric, "faces.owner.labelled")
        XCTAssertEqual(labelled.thresholds, [.low: 1, .medium: 3, .high: 8, .critical: 363])
        XCTAssertTrue(labelled.why.contains("7.07") && labelled.why.contains("362.6"))
        XCTAssertEqual(labelled.origin?.description, "\(shippedRules.appendingPathComponent("01-faces.yaml").relativePath):4")
    }

    /// rules/README.md's "Metric vocabulary" table is the analysis's metric table, row for row
    /// (on a difference the message is the table to paste).
    func testReadmeTableIsTheMetricTable() throws {
        let readme = try String(contentsOf: shippedRules.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex(of: "## Metric vocabulary"))
        let documented = lines[start...].drop { !$0.hasPrefix("|") }.prefix { $0.hasPrefix("|") }
        XCTAssertEqual(Array(documented), MetricTable.markdown, "rules/README.md should read:\n" + MetricTable.markdown.joined(separator: "\n"))
    }

    /// The shipped set on an export with labelled owner photos, GPS and a serial number.
    func testShippedRulesOnAnalysedExport() throws {
        let rules = try RuleSet.load(defaultDirectory: shippedRules)
        var items: [ItemInput] = []
        var faces: [FaceInput] = []
        let me = (0..<128).map { Float($0 % 7) * 0.01 }
        for k in 1...4 {
            items.append(ItemInput(id: Int64(k), captureTime: LocalDateTimeStub.year(2010 + 3 * k), platformPeople: ["Me"],
                                   exifLocation: GeoPointStub.paris, bodySerialNumber: "SN1"))
            faces.append(FaceInput(itemID: Int64(k), faceIndex: 0, descriptor: me.map { $0 + Float(k) * 0.001 }))
        }
        let analysis = Analysis.run(AnalysisInput(faces: faces, items: items, ownerName: "me"))
        let findings = evaluate(rules, metrics: analysis.metrics, itemCounts: analysis.itemCounts)
        XCTAssertEqual(findings, [
            Finding(rule: "owner-labelled-faces", severity: .medium, items: 4, value: 4),
            Finding(rule: "serial-numbers", severity: .medium, items: 4, value: 1),
            Finding(rule: "owner-years-covered", severity: .low, items: 4, value: 4),
            Finding(rule: "precise-gps", severity: .low, items: 4, value: 4),
        ])
    }
}

import ExposureModel
enum LocalDateTimeStub { static func year(_ y: Int) -> LocalDateTime { LocalDateTime(year: y, month: 1, day: 1) } }
enum GeoPointStub { static let paris = GeoPoint(latitude: 48.8566, longitude: 2.3522) }

final class RuleFileErrorTests: XCTestCase {
    static let valid = """
    rules:
      - id: test-rule
        title: A title
        metric: faces.owner.labelled
        thresholds: {low: 1, high: 5}
        why: Because.
        action: Do this.
    """

    /// Loads one file's text; returns the single error it must produce.
    func error(_ text: String, file: String = "bad.yaml") -> RuleError? {
        do { _ = try RuleSet.parse([(file, text)]); XCTFail("accepted:\n\(text)"); return nil } catch let e as RuleSetError {
            XCTAssertEqual(e.errors.count, 1, e.description)
            return e.errors.first
        } catch { XCTFail("\(error)"); return nil }
    }

    func testValidFileParses() throws {
        let set = try RuleSet.parse([("ok.yaml", Self.valid)])
        XCTAssertEqual(set.rules.first?.thresholds, [.low: 1, .high: 5])
        XCTAssertEqual(set.rules.first?.origin?.description, "ok.yaml:2")
    }

    func testUnknownKey() {
        let e = error(Self.valid.replacingOccurrences(of: "    why:", with: "    treshold: 3\n    why:"))
        XCTAssertEqual(e?.kind, .unknownKey)
        XCTAssertEqual(e?.description.hasPrefix("bad.yaml:6:5: unknown key 'treshold'"), true, e?.description ?? "")
        XCTAssertEqual(error("rules: []\nextra: 1\n")?.line, 2)
    }

    func testMissingField() {
        let e = error(Self.valid.replacingOccurrences(of: "    action: Do this.", with: ""))
        XCTAssertEqual(e?.kind, .missingField)
        XCTAssertEqual(e?.line, 2)
        XCTAssertEqual(e?.message, "rule is missing 'action'")
    }

    func testWrongType() {
        let e = error(Self.valid.replacingOccurrences(of: "title: A title", with: "title: [a, b]"))
        XCTAssertEqual(e?.kind, .wrongType); XCTAssertEqual(e?.line, 3)
        XCTAssertEqual(error(Self.valid.replacingOccurrences(of: "id: test-rule", with: "id: Test Rule"))?.kind, .wrongType)
        XCTAssertEqual(error("rules: 3\n")?.kind, .wrongType)
    }

    func testUnknownMetric() {
        let e = error(Self.valid.replacingOccurrences(of: "faces.owner.labelled", with: "faces.owner.labeled"))
        XCTAssertEqual(e?.kind, .unknownMetric)
        XCTAssertEqual(e?.description, "bad.yaml:4:13: unknown metric 'faces.owner.labeled' (see rules/README.md for the vocabulary)")
    }

    func testBadThresholds() {
        for bad in ["{low: 5, high: 1}", "{low: one}", "{low: '1'}", "{severe: 1}", "{}", "7", "{low: .inf}", "{low: 1, medium: 1}"] {
            let e = error(Self.valid.replacingOccurrences(of: "{low: 1, high: 5}", with: bad))
            XCTAssertEqual(e?.kind, .badThreshold, bad)
            XCTAssertEqual(e?.line, 5, bad)
        }
    }

    func testDuplicateIDs() throws {
        // Within one directory (two files): the second names the first.
        let dir = try TestSupport.temporaryDirectory("rules-dup")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.valid.write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try ("# a comment\n" + Self.valid).write(to: dir.appendingPathComponent("b.yml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RuleSet.loadDirectory(dir)) { error in
            let e = (error as? RuleSetError)?.errors
            XCTAssertEqual(e?.count, 1)
            XCTAssertEqual(e?.first?.kind, .duplicateID)
            XCTAssertEqual(e?.first?.line, 3)
            XCTAssertTrue(e?.first?.message.contains("a.yaml:2") ?? false, e?.first?.message ?? "")
        }
        // Within one file.
        let twice = Self.valid + "\n" + Self.valid.split(separator: "\n").dropFirst().joined(separator: "\n")
        XCTAssertEqual(error(twice)?.kind, .duplicateID)
    }

    func testSyntaxError() {
        let e = error("rules:\n  - id: x\n    title: [unclosed\n")
        XCTAssertEqual(e?.kind, .syntax)
        XCTAssertGreaterThanOrEqual(e?.line ?? 0, 3)
    }

    func testAllErrorsReportedAtOnce() {
        let text = Self.valid.replacingOccurrences(of: "faces.owner.labelled", with: "nope")
            .replacingOccurrences(of: "{low: 1, high: 5}", with: "{low: 9, high: 5}")
        XCTAssertThrowsError(try RuleSet.parse([("x.yaml", text)])) { error in
            XCTAssertEqual((error as? RuleSetError)?.errors.map(\.kind), [.unknownMetric, .badThreshold])
        }
    }
}

final class EvaluationTests: XCTestCase {
    let rule = Rule(id: "r", title: "t", metric: "faces.owner.labelled", thresholds: [.low: 1, .medium: 3, .critical: 10],
                    why: "w", action: "a")

    func testSeverityIsHighestThresholdReached() {
        XCTAssertNil(rule.severity(for: 0.5))
        XCTAssertEqual(rule.severity(for: 1), .low)
        XCTAssertEqual(rule.severity(for: 9.9), .medium)
        XCTAssertEqual(rule.severity(for: 10), .critical)
    }

    func testNullAndMissingMetricsNeverFire() {
        var other = rule; other.id = "m"; other.metric = "faces.owner.matchable_from_profile"
        let nullMetric: [String: Double?] = ["faces.owner.matchable_from_profile": nil]
        XCTAssertEqual(evaluate([rule, other], metrics: nullMetric, itemCounts: [:]), [])
        let findings = evaluate([other, rule], metrics: ["faces.owner.labelled": 12, "faces.owner.matchable_from_profile": 2],
                                itemCounts: ["faces.owner.labelled": 7])
        XCTAssertEqual(findings, [Finding(rule: "r", severity: .critical, items: 7, value: 12),
                                  Finding(rule: "m", severity: .low, items: 0, value: 2)])
    }

    func testFindingJSON() throws {
        let json = String(decoding: try JSONEncoder().encode(Finding(rule: "r", severity: .high, items: 2, value: 3)), as: UTF8.self)
        let back = try JSONDecoder().decode([String: AnyCodableValue].self, from: Data(json.utf8))
        XCTAssertEqual(back["rule"], .string("r")); XCTAssertEqual(back["severity"], .string("high"))
        XCTAssertEqual(back["items"], .number(2)); XCTAssertEqual(back["value"], .number(3))
        // Rules encode their thresholds as an object keyed by severity.
        let rule = String(decoding: try JSONEncoder().encode(Rule(id: "x", title: "t", metric: "faces.detected",
                                                                  thresholds: [.high: 2], why: "w", action: "a")), as: UTF8.self)
        XCTAssertTrue(rule.contains(#""thresholds":{"high":2}"#), rule)
    }

    /// `--rules DIR`: a new rule shows up in the findings; a rule with a shipped id replaces it.
    func testExtraDirectoryAddsAndOverrides() throws {
        let extra = try TestSupport.temporaryDirectory("rules-extra")
        defer { try? FileManager.default.removeItem(at: extra) }
        try """
        rules:
          - id: my-camera-models
            title: Cameras
            metric: devices.camera_models
            thresholds: {medium: 2}
            why: Mine.
            action: None.
          - id: precise-gps
            title: GPS (stricter)
            metric: location.items_with_exif_gps
            thresholds: {critical: 2}
            why: Mine.
            action: None.
        """.write(to: extra.appendingPathComponent("mine.yaml"), atomically: true, encoding: .utf8)
        let shipped = try RuleSet.load(defaultDirectory: shippedRules)
        let set = try RuleSet.load(defaultDirectory: shippedRules, extra: extra)
        XCTAssertEqual(set.rules.count, shipped.rules.count + 1)
        XCTAssertEqual(set.rules.firstIndex { $0.id == "precise-gps" }, shipped.rules.firstIndex { $0.id == "precise-gps" })
        XCTAssertEqual(set["precise-gps"]?.title, "GPS (stricter)")
        let metrics: [String: Double?] = ["devices.camera_models": 3, "location.items_with_exif_gps": 5]
        let counts = ["devices.camera_models": 30, "location.items_with_exif_gps": 5]
        XCTAssertEqual(evaluate(set, metrics: metrics, itemCounts: counts), [
            Finding(rule: "precise-gps", severity: .critical, items: 5, value: 5),
            Finding(rule: "my-camera-models", severity: .medium, items: 30, value: 3),
        ])
        XCTAssertEqual(evaluate(shipped, metrics: metrics, itemCounts: counts),
                       [Finding(rule: "precise-gps", severity: .low, items: 5, value: 5)])
    }
}

/// Just enough JSON to read a finding back.
enum AnyCodableValue: Decodable, Equatable {
    case string(String), number(Double)
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .string(try c.decode(String.self)) }
    }
}
