import DefaultRules
import ExposurePipeline
import Foundation
import XCTest

final class DefaultRulesTests: XCTestCase {
    /// rules/DefaultRules.swift lists each YAML file by hand: every file in rules/ must be there.
    func testEveryShippedRuleFileIsCompiledIn() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules")
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertEqual(DefaultRules.files.map(\.name).sorted(), onDisk)
        for (name, text) in DefaultRules.files {
            XCTAssertEqual(text, try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8), name)
        }
    }

    func testRulesCheckAcceptsTheDefaultsAndRejectsABrokenFolderWithFileAndLine() throws {
        let ok = Workflows.checkRules(directory: nil)
        XCTAssertTrue(ok.ok, ok.text)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "rules:\n  - id: broken-rule\n    title: Broken\n    metric: no.such.metric\n    thresholds: {low: 1}\n    why: x\n    action: y\n"
            .write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = Workflows.checkRules(directory: dir)
        XCTAssertFalse(bad.ok)
        XCTAssertTrue(bad.text.contains("bad.yaml:4"), bad.text)
    }
}
