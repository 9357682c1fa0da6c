import ExposureAnalysis
import ExposureModel
import ExposureReport
import DefaultRules
import ExposureRules
import ExposureStore
import Foundation
import SnapshotAnalysis

/// The commands' work, one function each, so the command types stay thin and tests can
/// call the same code.
public enum Workflows {

    // MARK: - Scan

    /// Runs the analysis over the inventory (after a scan) and returns what `rules` find in it,
    /// from the metrics just computed (as `summary` reads them back from the store).
    static func analyze(database: InventoryDatabase, me: URL?, media: MediaAnalyzer, rules: RuleSet) throws -> [Finding] {
        let meDescriptor = try me.map { try media.meDescriptor($0) }
        let result = try AnalysisStep.run(database: database, me: meDescriptor)
        return evaluate(rules, metrics: result.metrics, itemCounts: result.itemCounts)
    }

    /// The analysis's input for an inventory, as the scan's analysis step builds it (for
    /// benchmarks that time one stage of the analysis on a real inventory).
    public static func analysisInput(database path: String) throws -> AnalysisInput {
        AnalysisStep.input(try InventoryDatabase(path: path).snapshot(), me: nil).0
    }

    // MARK: - Summary

    /// The full summary of an inventory: its contents, the stored analysis and the findings
    /// of the rules (the defaults plus `extraRules`).
    public static func summary(database path: String, extraRules: URL?) throws -> Summary {
        summary(try InventoryDatabase(path: path).snapshot(), rules: try RuleBook.load(extra: extraRules)).summary
    }

    /// The summary of a snapshot and the rules that fired.
    static func summary(_ s: InventorySnapshot, rules: RuleSet) -> (summary: Summary, fired: [(Rule, Finding)]) {
        SnapshotSummary.summary(s, rules: rules)
    }

    // MARK: - Report

    /// The HTML report of an inventory.
    public static func report(database path: String, extraRules: URL?, includeThumbnails: Bool, now: Date = Date()) throws -> String {
        let snapshot = try InventoryDatabase(path: path).snapshot()
        let (summary, fired) = summary(snapshot, rules: try RuleBook.load(extra: extraRules))
        let data = ReportBuilder.data(snapshot, summary: summary, fired: fired, generatedAt: timestamp(now))
        return ReportRenderer.render(data, includeThumbnails: includeThumbnails)
    }

    // MARK: - Diff

    public struct DiffResult {
        public var diff: ScanDiff
        public var html: String
        public var text: String
    }

    public static func diff(before: String, after: String, extraRules: URL?, now: Date = Date()) throws -> DiffResult {
        let rules = try RuleBook.load(extra: extraRules)
        let b = try InventoryDatabase(path: before).snapshot(), a = try InventoryDatabase(path: after).snapshot()
        let (bs, bFired) = summary(b, rules: rules)
        let (asum, aFired) = summary(a, rules: rules)
        let diff = DiffBuilder.diff(before: b, beforeSummary: bs, after: a, afterSummary: asum)
        var titles: [String: (String, String)] = [:]
        for (rule, finding) in bFired + aFired { titles[rule.id] = (rule.title, finding.severity.rawValue) }
        func refs(_ ids: [String]) -> [DiffData.FindingRef] {
            ids.map { DiffData.FindingRef(id: $0, title: titles[$0]?.0 ?? $0, severity: titles[$0]?.1 ?? "") }
        }
        let data = DiffData(before: bs, after: asum,
                            items: .init(removed: diff.items.removed, added: diff.items.added, kept: diff.items.kept),
                            findings: .init(resolved: refs(diff.findings.resolved), remaining: refs(diff.findings.remaining),
                                            new: refs(diff.findings.new)),
                            beforeLabel: "Before (\((before as NSString).lastPathComponent))",
                            afterLabel: "After (\((after as NSString).lastPathComponent))",
                            generatedAt: timestamp(now))
        return DiffResult(diff: diff, html: ReportRenderer.renderDiff(data), text: ReportRenderer.diffHeadline(data))
    }

    // MARK: - Plan

    public static func plan(database path: String, goal: PlanGoal, limit: Int) throws -> DeletionPlan {
        DeletionPlanner.plan(try InventoryDatabase(path: path).snapshot(), goal: goal, limit: limit)
    }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return f.string(from: date) + " UTC"
    }
}

extension Workflows {
    public struct RuleCheck {
        public var ok: Bool
        public var text: String
    }

    /// The shipped rules with `extra` (`--rules DIR`) added or overriding, as the scan, summary and
    /// report load them: every problem as file:line.
    public static func checkRules(extra: URL) -> RuleCheck {
        do {
            return RuleCheck(ok: true, text: "\(try RuleBook.load(extra: extra).rules.count) rules OK")
        } catch {
            return RuleCheck(ok: false, text: "\(error)")
        }
    }

    /// `exposure rules check`: loads the rules and reports every problem as file:line.
    public static func checkRules(directory: URL?) -> RuleCheck {
        do {
            let rules = try directory.map { try RuleSet.loadDirectory($0) } ?? RuleSet.parse(DefaultRules.files)
            return RuleCheck(ok: true, text: "\(rules.rules.count) rules OK")
        } catch {
            return RuleCheck(ok: false, text: "\(error)")
        }
    }
}
