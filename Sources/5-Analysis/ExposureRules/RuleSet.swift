import ExposureAnalysis
import ExposureModel
import Foundation
import Yams

/// One problem in a rule file, with its position.
public struct RuleError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case syntax, unknownKey, missingField, wrongType, unknownMetric, badThreshold, duplicateID, unreadable
    }
    public var kind: Kind
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    /// "faces.yaml:12:5: unknown key 'treshold' ..." (file as given to the loader).
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// All problems found while loading (every file is checked; nothing loads if any is wrong).
public struct RuleSetError: Error, Sendable, CustomStringConvertible {
    public var errors: [RuleError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// An ordered set of rules with unique ids.
///
/// Rule file format (YAML; every `*.yaml`/`*.yml` file of a directory, by file name):
///
///     rules:
///       - id: owner-labelled-faces          # [a-z0-9-]+, unique across the set
///         title: Photos of you with your name
///         metric: faces.owner.labelled      # a path of ExposureAnalysis.MetricTable (rules/README.md)
///         thresholds: {low: 1, medium: 3, high: 8, critical: 363}   # value >= threshold; >= 1 entry, increasing
///         why: ...                          # why it matters, citing its source
///         action: ...                       # what to do
///         sources: [https://...]            # optional
///
/// Anything else is an error reported as file:line:column: unknown keys, missing fields,
/// wrong types, unknown metrics, bad thresholds, duplicate ids, YAML syntax.
public struct RuleSet: Sendable {
    public private(set) var rules: [Rule]

    public init(rules: [Rule]) { self.rules = rules }

    public subscript(id: String) -> Rule? { rules.first { $0.id == id } }

    /// The shipped rules plus, optionally, a user's directory (`--rules DIR`) whose rules
    /// replace shipped rules of the same id (in place) or are appended.
    public static func load(defaultDirectory: URL, extra: URL? = nil) throws -> RuleSet {
        var set = try loadDirectory(defaultDirectory)
        if let extra {
            let added = try loadDirectory(extra)
            for rule in added.rules {
                if let i = set.rules.firstIndex(where: { $0.id == rule.id }) { set.rules[i] = rule } else { set.rules.append(rule) }
            }
        }
        return set
    }

    /// Every rule file of one directory; ids must be unique within it.
    public static func loadDirectory(_ directory: URL) throws -> RuleSet {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw RuleSetError(errors: [RuleError(kind: .unreadable, file: directory.relativePath, line: 0, column: 0,
                                                  message: "cannot read rule directory")])
        }
        var files: [(String, String)] = []
        var errors: [RuleError] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let url = directory.appendingPathComponent(name)
            if let text = try? String(contentsOf: url, encoding: .utf8) { files.append((url.relativePath, text)) } else {
                errors.append(RuleError(kind: .unreadable, file: url.relativePath, line: 0, column: 0, message: "cannot read file as UTF-8"))
            }
        }
        if !errors.isEmpty { throw RuleSetError(errors: errors) }
        return try parse(files)
    }

    /// Parses (file name, YAML text) pairs as one set.
    public static func parse(_ files: [(name: String, text: String)]) throws -> RuleSet {
        var rules: [Rule] = []
        var errors: [RuleError] = []
        var firstSeen: [String: RuleOrigin] = [:]
        for (name, text) in files {
            var parser = RuleFileParser(file: name)
            let parsed = parser.parse(text)
            errors += parser.errors
            for (rule, idMark) in parsed {
                if let first = firstSeen[rule.id] {
                    errors.append(RuleError(kind: .duplicateID, file: name, line: idMark.line, column: idMark.column,
                                            message: "duplicate rule id '\(rule.id)' (first defined at \(first))"))
                } else {
                    firstSeen[rule.id] = rule.origin
                    rules.append(rule)
                }
            }
        }
        if !errors.isEmpty { throw RuleSetError(errors: errors) }
        return RuleSet(rules: rules)
    }
}

/// Turns one YAML document into rules, collecting positioned errors.
struct RuleFileParser {
    let file: String
    var errors: [RuleError] = []
    static let ruleKeys = ["id", "title", "metric", "thresholds", "why", "action", "sources"]
    static let requiredKeys = ["id", "title", "metric", "thresholds", "why", "action"]

    init(file: String) { self.file = file }

    mutating func fail(_ kind: RuleError.Kind, _ node: Node?, _ message: String, fallback: (Int, Int) = (1, 1)) {
        let mark = node?.mark
        errors.append(RuleError(kind: kind, file: file, line: mark?.line ?? fallback.0, column: mark?.column ?? fallback.1,
                                message: message))
    }

    /// Rules with the mark of their `id` value.
    mutating func parse(_ text: String) -> [(Rule, Mark)] {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            errors.append(syntaxError(error))
            return []
        }
        guard let root, let top = root.mapping else {
            fail(.wrongType, root, "a rule file is a mapping with one key, 'rules'")
            return []
        }
        var rulesNode: Node?
        for (key, value) in top {
            if key.string == "rules" { rulesNode = value } else {
                fail(.unknownKey, key, "unknown top-level key '\(key.string ?? "?")' (only 'rules' is allowed)")
            }
        }
        guard let rulesNode else { fail(.missingField, root, "missing 'rules'"); return [] }
        guard let list = rulesNode.sequence else { fail(.wrongType, rulesNode, "'rules' must be a list"); return [] }
        return list.compactMap { parseRule($0) }
    }

    func syntaxError(_ error: Error) -> RuleError {
        var line = 1, column = 1, problem = "\(error)"
        if let y = error as? YamlError {
            switch y {
            case let .scanner(_, p, mark, _), let .parser(_, p, mark, _), let .composer(_, p, mark, _):
                line = mark.line; column = mark.column; problem = p
            default: break
            }
        }
        return RuleError(kind: .syntax, file: file, line: line, column: column, message: "YAML syntax: \(problem)")
    }

    mutating func parseRule(_ node: Node) -> (Rule, Mark)? {
        guard let map = node.mapping else { fail(.wrongType, node, "each rule must be a mapping"); return nil }
        var fields: [String: Node] = [:]
        var keyMarks: [String: Node] = [:]
        for (key, value) in map {
            guard let k = key.string, Self.ruleKeys.contains(k) else {
                fail(.unknownKey, key, "unknown key '\(key.string ?? "?")' (allowed: \(Self.ruleKeys.joined(separator: ", ")))")
                continue
            }
            if keyMarks[k] != nil { fail(.unknownKey, key, "key '\(k)' given twice"); continue }
            fields[k] = value; keyMarks[k] = key
        }
        let before = errors.count
        for k in Self.requiredKeys where fields[k] == nil { fail(.missingField, node, "rule is missing '\(k)'") }
        func text(_ k: String) -> String? {
            guard let v = fields[k] else { return nil }
            guard case .scalar = v, let s = v.string, !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                fail(.wrongType, v, "'\(k)' must be non-empty text"); return nil
            }
            return s.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let id = text("id"), title = text("title"), metric = text("metric"), why = text("why"), action = text("action")
        if let id, id.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression) == nil {
            fail(.wrongType, fields["id"], "id '\(id)' must be lowercase letters, digits and single hyphens")
        }
        if let metric, !MetricTable.paths.contains(metric) {
            fail(.unknownMetric, fields["metric"], "unknown metric '\(metric)' (see rules/README.md for the vocabulary)")
        }
        var sources: [String] = []
        if let s = fields["sources"] {
            if let list = s.sequence, list.allSatisfy({ $0.string != nil && $0.scalar != nil }) { sources = list.compactMap(\.string) }
            else { fail(.wrongType, s, "'sources' must be a list of text") }
        }
        let thresholds = fields["thresholds"].flatMap { parseThresholds($0) }
        guard errors.count == before, let id, let title, let metric, let why, let action, let thresholds,
              let mark = fields["id"]?.mark else { return nil }
        let origin = RuleOrigin(file: file, line: node.mark?.line ?? mark.line)
        return (Rule(id: id, title: title, metric: metric, thresholds: thresholds, why: why, action: action,
                     sources: sources, origin: origin), mark)
    }

    mutating func parseThresholds(_ node: Node) -> [Severity: Double]? {
        guard let map = node.mapping else {
            fail(.badThreshold, node, "'thresholds' must map severities (low, medium, high, critical) to numbers"); return nil
        }
        var result: [Severity: Double] = [:]
        var ok = true
        for (key, value) in map {
            guard let name = key.string, let severity = Severity(rawValue: name) else {
                fail(.badThreshold, key, "unknown severity '\(key.string ?? "?")' (low, medium, high, critical)"); ok = false; continue
            }
            guard let scalar = value.scalar, scalar.style == .plain, let number = value.float, number.isFinite else {
                fail(.badThreshold, value, "threshold for \(name) must be a finite number"); ok = false; continue
            }
            if result[severity] != nil { fail(.badThreshold, key, "severity '\(name)' given twice"); ok = false; continue }
            result[severity] = number
        }
        guard ok else { return nil }
        if result.isEmpty { fail(.badThreshold, node, "'thresholds' needs at least one severity"); return nil }
        let ordered = Severity.allCases.compactMap { s in result[s].map { (s, $0) } }
        for (a, b) in zip(ordered, ordered.dropFirst()) where !(a.1 < b.1) {
            fail(.badThreshold, node, "thresholds must increase with severity (\(a.0.rawValue) \(a.1) >= \(b.0.rawValue) \(b.1))")
            return nil
        }
        return result
    }
}
