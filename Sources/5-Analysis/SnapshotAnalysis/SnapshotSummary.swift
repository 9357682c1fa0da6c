import ExposureAnalysis
import ExposureModel
import ExposureRules
import ExposureStore
import Foundation

/// The full summary of one inventory snapshot: what `SummaryBuilder` counts from its contents,
/// the stored analysis (faces, audience, linkage, videos, places) and the findings of the rules
/// over the stored metrics. The summary, report and diff all read an inventory through it.
public enum SnapshotSummary {
    /// The summary of a snapshot and the rules that fired (each with its finding).
    public static func summary(_ s: InventorySnapshot, rules: RuleSet) throws -> (summary: Summary, fired: [(Rule, Finding)]) {
        var summary = SummaryBuilder.inventorySummary(s)
        let decoder = JSONDecoder()
        if let faces = s.analysis[AnalysisKeys.faces] {
            summary.faces = try decoder.decode(FaceMetrics.self, from: Data(faces.utf8))
        }
        if let stored = s.analysis[AnalysisKeys.audience] {
            summary.audience = try decoder.decode(AudienceMetrics.self, from: Data(stored.utf8))
        }
        if let stored = s.analysis[AnalysisKeys.linkage] {
            summary.linkage = try decoder.decode(LinkageResult.self, from: Data(stored.utf8)).metrics
        }
        if let videos = s.analysis[AnalysisKeys.videos] {
            summary.videos = try decoder.decode(VideoFaceMetrics.self, from: Data(videos.utf8))
        }
        summary.location.distinctPlaces = s.places.count
        var metrics: [String: Double?] = [:]
        var itemCounts: [String: Int] = [:]
        if let stored = s.analysis[AnalysisKeys.metrics] {
            metrics = try decoder.decode([String: Double?].self, from: Data(stored.utf8))
        }
        if let stored = s.analysis[AnalysisKeys.itemCounts] {
            itemCounts = try decoder.decode([String: Int].self, from: Data(stored.utf8))
        }
        let findings = evaluate(rules, metrics: metrics, itemCounts: itemCounts)
        summary.findings = findings
        let fired = findings.compactMap { f in rules[f.rule].map { ($0, f) } }
        return (summary, fired)
    }
}
