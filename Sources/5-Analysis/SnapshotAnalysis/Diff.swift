import ExposureModel
import ExposureStore
import Foundation

/// `exposure diff --json` ("schema": "exposure.diff/1"): what changed between a scan
/// before and a scan after the user deleted posts.
public struct ScanDiff: Codable, Equatable, Sendable {
    public var schema = "exposure.diff/1"
    public var metrics: [String: MetricChange]
    public var items: ItemChanges
    public var findings: FindingChanges

    public struct MetricChange: Codable, Equatable, Sendable {
        public var before: Double?
        public var after: Double?
        public init(before: Double?, after: Double?) { self.before = before; self.after = after }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(before, forKey: .before)
            try c.encode(after, forKey: .after)
        }
        enum CodingKeys: String, CodingKey { case before, after }
    }
    public struct ItemChanges: Codable, Equatable, Sendable {
        public var removed: Int, added: Int, kept: Int
    }
    public struct FindingChanges: Codable, Equatable, Sendable {
        public var resolved: [String], remaining: [String], new: [String]
    }
}

public enum DiffBuilder {
    /// Compares two inventories and their summaries. Items are matched by content hash
    /// and, for media whose bytes changed (re-encoded by the platform), by platform id.
    public static func diff(before: InventorySnapshot, beforeSummary: Summary,
                            after: InventorySnapshot, afterSummary: Summary) -> ScanDiff {
        let (removed, added, kept) = matchItems(before: before, after: after)
        let b = beforeSummary.metrics, a = afterSummary.metrics
        var metrics: [String: ScanDiff.MetricChange] = [:]
        for key in Set(b.keys).union(a.keys) {
            metrics[key] = .init(before: b[key] ?? nil, after: a[key] ?? nil)
        }
        let beforeRules = Set(beforeSummary.findings.map(\.rule))
        let afterRules = Set(afterSummary.findings.map(\.rule))
        return ScanDiff(
            metrics: metrics,
            items: .init(removed: removed, added: added, kept: kept),
            findings: .init(resolved: beforeRules.subtracting(afterRules).sorted(),
                            remaining: beforeRules.intersection(afterRules).sorted(),
                            new: afterRules.subtracting(beforeRules).sorted()))
    }

    /// Why two inventories are not a before and after of one person's exports, or nil when they
    /// are: they share content (an item's bytes or a platform id), or an account (a platform with
    /// the same owner name, or without one on both sides).
    public static func unrelated(before: InventorySnapshot, after: InventorySnapshot) -> String? {
        if !Set(before.items.map(\.sha256)).isDisjoint(with: after.items.map(\.sha256)) { return nil }
        func accounts(_ s: InventorySnapshot) -> Set<String> {
            Set(s.sources.map { "\($0.platform)\u{0}\(($0.ownerName ?? "").trimmingCharacters(in: .whitespaces).lowercased())" })
        }
        if !accounts(before).isDisjoint(with: accounts(after)) { return nil }
        func describe(_ s: InventorySnapshot) -> String {
            guard !s.sources.isEmpty else { return "nothing" }
            let names = s.sources.map { source -> String in
                let platform = Platform(rawValue: source.platform)?.displayName ?? source.platform
                return source.ownerName.map { "\(platform) of \($0)" } ?? platform
            }
            return Array(Set(names)).sorted().joined(separator: ", ") + " (\(s.items.count) item\(s.items.count == 1 ? "" : "s"))"
        }
        return "the first holds \(describe(before)), the second \(describe(after)), with no account and no photo in common"
    }

    /// (removed, added, kept) counts of distinct items.
    static func matchItems(before: InventorySnapshot, after: InventorySnapshot) -> (Int, Int, Int) {
        let beforeHashes = Dictionary(uniqueKeysWithValues: before.items.map { ($0.id, $0.sha256) })
        let afterHashes = Dictionary(uniqueKeysWithValues: after.items.map { ($0.id, $0.sha256) })
        // Platform ids of each item ("platform/id"), the fallback key when bytes differ.
        func platformKeys(_ s: InventorySnapshot) -> [Int64: Set<String>] {
            let platformOfSource = Dictionary(uniqueKeysWithValues: s.sources.map { ($0.id, $0.platform) })
            var keys: [Int64: Set<String>] = [:]
            for f in s.files {
                for a in f.appearances {
                    if let id = a.platformID, !id.isEmpty {
                        keys[f.itemID, default: []].insert("\(platformOfSource[f.sourceID] ?? "")/\(id)")
                    }
                }
            }
            return keys
        }
        let beforeKeys = platformKeys(before), afterKeys = platformKeys(after)
        let afterHashSet = Set(afterHashes.values)
        let afterKeySet = Set(afterKeys.values.flatMap { $0 })
        var keptAfter = Set<Int64>()
        var removed = 0, kept = 0
        let afterByHash = Dictionary(after.items.map { ($0.sha256, $0.id) }, uniquingKeysWith: { a, _ in a })
        var afterByKey: [String: Int64] = [:]
        for (id, keys) in afterKeys { for k in keys { afterByKey[k] = afterByKey[k].map { min($0, id) } ?? id } }
        for item in before.items {
            let hash = beforeHashes[item.id]!
            if afterHashSet.contains(hash) {
                kept += 1; keptAfter.insert(afterByHash[hash]!)
            } else if let k = beforeKeys[item.id]?.first(where: { afterKeySet.contains($0) }), let match = afterByKey[k],
                      !keptAfter.contains(match) {
                kept += 1; keptAfter.insert(match)
            } else {
                removed += 1
            }
        }
        let added = after.items.count - keptAfter.count
        return (removed, added, kept)
    }
}
