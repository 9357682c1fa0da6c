import ExposureModel
import ExposureRules
import ExposureStore
import Foundation

/// The full summary of one inventory snapshot: what `SummaryBuilder` counts from its contents,
/// the stored analysis (faces, audience, linkage, videos, places) and the findings of the rules
/// over the stored metrics. The summary, report and diff all read an inventory through it.
public enum SnapshotSummary {
    /// The summary of a snapshot and the rules that fired (each with its finding).
    public static func summary(_ s: InventorySnapshot, rules: RuleSet) -> (summary: Summary, fired: [(Rule, Finding)]) {
        var summary = SummaryBuilder.inventorySummary(s)
        summary.scan = scanStatus(s)
        let stored = s.storedAnalysis
        if let faces = stored.faces { summary.faces = faces }
        if let audience = stored.audience { summary.audience = audience }
        if let linkage = stored.linkage { summary.linkage = linkage.metrics }
        if let videos = stored.videos { summary.videos = videos }
        summary.location.distinctPlaces = s.places.count
        let metrics = stored.metrics ?? [:], itemCounts = stored.itemCounts ?? [:]
        let findings = evaluate(rules, metrics: metrics, itemCounts: itemCounts)
        summary.findings = findings
        let fired = findings.compactMap { f in rules[f.rule].map { ($0, f) } }
        return (summary, fired)
    }

    /// Whether the inventory's numbers are whole. Unfinished: the last scan recorded "scanning" and
    /// never "finished". Faces searched: the scan recorded its face search (a `--no-faces` scan
    /// records none) and every readable item's faces were searched. An inventory no scan recorded a
    /// state in (built through the store directly) has nothing that says otherwise: finished, searched.
    public static func scanStatus(_ s: InventorySnapshot) -> ScanStatus {
        let state = s.settings[ScanStatus.settingKey]
        let faceSearch = s.settings[FaceSearchMethod.settingKey]
        let unsearched = s.items.contains { $0.unreadableReason == nil && !$0.facesAnalysed }
        let searched = faceSearch != nil ? !unsearched : state == nil
        return ScanStatus(finished: state != ScanStatus.scanning, facesSearched: searched, faceSearch: faceSearch)
    }
}
