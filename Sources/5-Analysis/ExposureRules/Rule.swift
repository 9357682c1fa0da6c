import ExposureModel
import Foundation

/// Where a rule was defined, for messages ("faces.yaml:12").
public struct RuleOrigin: Codable, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var description: String { "\(file):\(line)" }
}

/// One exposure rule: a metric and the values at which it becomes a finding of each severity.
public struct Rule: Codable, Hashable, Sendable {
    /// Lowercase letters, digits and hyphens; unique in a rule set.
    public var id: String
    /// One line for the report.
    public var title: String
    /// A path of `MetricTable` (e.g. "faces.owner.labelled").
    public var metric: String
    /// Severity -> the value at or above which the rule fires with it (`value >= threshold`).
    /// At least one; increasing with severity.
    public var thresholds: [Severity: Double]
    /// Why it matters, citing its source.
    public var why: String
    /// What the user can do.
    public var action: String
    /// Sources cited in `why` (addresses).
    public var sources: [String]
    public var origin: RuleOrigin?

    public init(id: String, title: String, metric: String, thresholds: [Severity: Double], why: String, action: String,
                sources: [String] = [], origin: RuleOrigin? = nil) {
        self.id = id; self.title = title; self.metric = metric; self.thresholds = thresholds
        self.why = why; self.action = action; self.sources = sources; self.origin = origin
    }

    /// The highest severity whose threshold the value reaches, or nil.
    public func severity(for value: Double) -> Severity? {
        Severity.allCases.reversed().first { s in thresholds[s].map { value >= $0 } ?? false }
    }
}

/// Every rule that fires, most severe first, then in rule-set order. A metric that is
/// absent or null (not computable, e.g. `matchable_from_profile` without a profile
/// picture of the owner) never fires.
public func evaluate(_ rules: [Rule], metrics: [String: Double?], itemCounts: [String: Int]) -> [Finding] {
    var findings: [(Int, Finding)] = []
    for (order, rule) in rules.enumerated() {
        guard let entry = metrics[rule.metric], let value = entry, let severity = rule.severity(for: value) else { continue }
        findings.append((order, Finding(rule: rule.id, severity: severity, items: itemCounts[rule.metric] ?? 0, value: value)))
    }
    return findings.sorted { a, b in a.1.severity != b.1.severity ? a.1.severity > b.1.severity : a.0 < b.0 }.map(\.1)
}

public func evaluate(_ rules: RuleSet, metrics: [String: Double?], itemCounts: [String: Int]) -> [Finding] {
    evaluate(rules.rules, metrics: metrics, itemCounts: itemCounts)
}
