/// How serious a finding is, from least to most.
public enum Severity: String, Codable, CodingKeyRepresentable, CaseIterable, Comparable, Sendable {
    case low, medium, high, critical
    var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A rule that fired: the summary contract's `findings[]` element. ExposureRules' `evaluate`
/// makes it, the summary lists it, the report explains it (`ReportData.ExplainedFinding`).
public struct Finding: Codable, Hashable, Sendable {
    /// The rule's id.
    public var rule: String
    public var severity: Severity
    /// Items involved (the metric's item count).
    public var items: Int
    /// The metric's value. The contract allows null; `evaluate` always gives one.
    public var value: Double?
    public init(rule: String, severity: Severity, items: Int, value: Double?) {
        self.rule = rule; self.severity = severity; self.items = items; self.value = value
    }
    /// Writes null (not an absent key) for an unknown value, as the contract shows every key.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule, forKey: .rule); try c.encode(severity, forKey: .severity)
        try c.encode(items, forKey: .items); try c.encode(value, forKey: .value)
    }
    enum CodingKeys: String, CodingKey { case rule, severity, items, value }
}
