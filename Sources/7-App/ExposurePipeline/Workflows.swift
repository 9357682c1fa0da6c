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
    static func analyze(database: InventoryDatabase, me meDescriptor: [Float]?, rules: RuleSet) throws -> [Finding] {
        let result = try AnalysisStep.run(database: database, me: meDescriptor)
        return evaluate(rules, metrics: result.metrics, itemCounts: result.itemCounts)
    }

    /// The analysis's input for an inventory, as the scan's analysis step builds it (for
    /// benchmarks that time one stage of the analysis on a real inventory).
    public static func analysisInput(database path: String) throws -> AnalysisInput {
        AnalysisStep.input(try InventoryDatabase(readingPath: path).snapshot(), me: nil).0
    }

    /// Refuses (with an `InventoryError` naming what it is) a `--db` that is not an inventory a
    /// scan may write: a folder, another application's file, one of a later version. Reads only.
    public static func checkInventoryForScan(_ path: String) throws {
        switch InventoryFile.inspect(path) {
        case .absent, .empty, .current, .older: return
        case .directory: throw InventoryError(path: path, reason: .isDirectory)
        case .newer(let schema): throw InventoryError(path: path, reason: .newerSchema(schema))
        case .foreignSQLite: throw InventoryError(path: path, reason: .notAnInventory(what: "an SQLite database of another application"))
        case .notSQLite(let what): throw InventoryError(path: path, reason: .notAnInventory(what: what))
        }
    }

    /// Refuses what summary, report, diff, plan and `--reuse` cannot read as it is. Reads only.
    public static func checkInventoryForReading(_ path: String) throws {
        _ = try InventoryDatabase(readingPath: path)
    }

    /// `exposure upgrade`: brings an inventory of an earlier version up to this one's schema.
    public static func upgrade(database path: String) throws -> (from: Int, to: Int) {
        try InventoryDatabase.upgrade(path: path)
    }

    // MARK: - Summary

    /// The full summary of an inventory: its contents, the stored analysis and the findings
    /// of the rules (the defaults plus `extraRules`).
    public static func summary(database path: String, extraRules: URL?) throws -> Summary {
        summary(try InventoryDatabase(readingPath: path).snapshot(), rules: try RuleBook.load(extra: extraRules)).summary
    }

    /// The summary of a snapshot and the rules that fired, marked with this build (`exposure`).
    static func summary(_ s: InventorySnapshot, rules: RuleSet) -> (summary: Summary, fired: [(Rule, Finding)]) {
        var result = SnapshotSummary.summary(s, rules: rules)
        result.summary.exposure = programVersion
        return result
    }

    // MARK: - Report

    /// The HTML report of an inventory.
    public static func report(database path: String, extraRules: URL?, includeThumbnails: Bool, now: Date = Date()) throws -> String {
        let snapshot = try InventoryDatabase(readingPath: path).snapshot()
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

    /// Compares two inventories. Unless `force`, refuses two that do not belong together (no
    /// account and no content in common: not a before and after of one person's exports).
    public static func diff(before: String, after: String, extraRules: URL?, force: Bool = false, now: Date = Date()) throws -> DiffResult {
        let rules = try RuleBook.load(extra: extraRules)
        let b = try InventoryDatabase(readingPath: before).snapshot(), a = try InventoryDatabase(readingPath: after).snapshot()
        if !force, let difference = DiffBuilder.unrelated(before: b, after: a) {
            throw Refusal("\(before) and \(after) do not look like one person's exports before and after deleting: \(difference). "
                          + "Compare them anyway with --force")
        }
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

    /// The deletion plan. Refused on an unfinished scan (its numbers are not whole) and, for a
    /// goal that counts faces, on an inventory whose faces were not searched.
    public static func plan(database path: String, goal: PlanGoal, limit: Int) throws -> DeletionPlan {
        let snapshot = try InventoryDatabase(readingPath: path).snapshot()
        let status = SnapshotSummary.scanStatus(snapshot)
        guard status.finished else {
            throw Refusal("\(path): unfinished scan: the last scan into it was interrupted or failed; run the same command again to resume, then plan")
        }
        if DeletionPlanner.needsFaces(goal) && !status.facesSearched {
            throw Refusal("--goal \(goal.rawValue) counts faces, but faces were not searched in \(path) (scanned with --no-faces): "
                          + "rescan without --no-faces, or use --goal location, public or all")
        }
        return DeletionPlanner.plan(snapshot, goal: goal, limit: limit)
    }

    /// A command refused for what it was given (exit status 2), in a person's words.
    public struct Refusal: UserFacingError {
        public var description: String
        public var isUsageError: Bool { true }
        public init(_ description: String) { self.description = description }
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
