import ExposurePipeline
import Foundation

/// Plain-text renderings for the terminal.
enum SummaryText {
    static func render(_ s: Summary) -> String {
        var lines: [String] = []
        lines.append("Exposure summary" + (s.owner.name.map { " for \($0)" } ?? ""))
        // What the numbers below are not, before them.
        lines += s.scan.notes.map { "Note: " + $0 }
        lines.append("Sources: " + (s.sources.isEmpty ? "none" : s.sources.map { "\($0.name) (\($0.platform))" }.joined(separator: ", ")))
        lines.append("Items: \(s.items.total) (\(s.items.photos) photos, \(s.items.videos) videos), \(s.items.unreadable) unreadable, \(s.items.missing) missing from the archive, \(s.items.profilePictures) profile pictures")
        lines.append("Capture time: \(s.time.itemsWithCaptureTime) items, \(s.time.first ?? "-") to \(s.time.last ?? "-")")
        lines.append("Location: \(s.location.itemsWithAnyLocation) items located (\(s.location.itemsWithExifGPS) by EXIF GPS, \(s.location.itemsWithPlatformLocation) by the platform), \(s.location.distinctPlaces) distinct places, \(s.location.uploadIPs) upload IP addresses")
        lines.append("Devices: \(s.devices.cameraModels) camera models, \(s.devices.serialNumbers) serial numbers, \(s.devices.ownerNames) owner names in EXIF")
        lines.append("People: \(s.people.named) named, \(s.people.tagInstances) tags, \(s.people.graphEdges) links between people")
        let f = s.faces
        guard s.facesKnown else {
            lines.append("Faces: " + (s.scan.facesSearched ? "not yet analysed (unfinished scan)" : "not searched (--no-faces)"))
            lines.append(s.scan.finished ? FindingsText.lines(s.findings).joined(separator: "\n") : "Findings: not evaluated (unfinished scan)")
            return lines.joined(separator: "\n")
        }
        lines.append("Faces: \(f.detected) in \(f.itemsWithFaces) items, \(f.identities) identities")
        let years = f.owner.firstYear.map { first in " over \(f.owner.years) years (\(first)-\(f.owner.lastYear ?? first))" } ?? ""
        lines.append("  You: \(f.owner.faces) faces, \(f.owner.labelled) labelled with your name\(years); matchable from your profile picture: \(f.owner.matchableFromProfile.map(String.init) ?? "n/a")")
        lines.append("  Others: \(f.others.faces) faces of \(f.others.identities) people, \(f.others.labelled) labelled")
        if f.small.detected > 0 {
            lines.append("  Smaller than 40 px (proposal network, counted apart): \(f.small.detected) faces, \(f.small.owner) yours, \(f.small.others) of others")
        }
        let v = s.videos
        if v.analysed > 0 {
            lines.append("Videos: \(v.analysed) searched (\(formatNumber(v.secondsAnalysed)) s), \(v.tracks) face tracks; "
                         + "you in \(v.withOwner) (\(formatNumber(v.ownerSeconds)) s on screen, \(v.ownerViews) distinct views), "
                         + "others in \(v.withOthers) (\(formatNumber(v.othersSeconds)) s)")
        }
        lines += FindingsText.lines(s.findings)
        return lines.joined(separator: "\n")
    }
}

/// The findings of the rules, most severe first, as the summary and the scan print them.
enum FindingsText {
    static func lines(_ findings: [Finding]) -> [String] {
        guard !findings.isEmpty else { return ["Findings: none"] }
        return ["Findings:"] + findings.map { finding in
            "  [\(finding.severity)] \(finding.rule): \(finding.items) items, value \(finding.value.map { formatNumber($0) } ?? "-")"
        }
    }
}

enum PlanText {
    static func render(_ plan: DeletionPlan) -> String {
        var lines = ["Deletion plan (goal: \(plan.goal.rawValue)), \(plan.steps.count) deletions"]
        lines += plan.notes.map { "Note: " + $0 }
        for step in plan.steps {
            var what = "\(step.platform) \(step.kind)"
            if let d = step.date { what += " of \(d)" }
            if let a = step.album { what += ", album \"\(a)\"" }
            if let c = step.caption, !c.isEmpty { what += ", \"\(c.prefix(60))\"" }
            if let l = step.link { what += " <\(l)>" }
            lines.append(String(format: "%4d. ", step.rank) + what + " (removes \(formatNumber(step.gain)))")
        }
        for m in plan.milestones {
            let parts = m.removed.keys.sorted().map { "\($0) \(m.removed[$0]!)" }
            lines.append("First \(m.deletions) deletions remove: " + parts.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

enum Text {
    static func plural(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
}

func formatNumber(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.2f", v)
}

enum ScanText {
    /// The scan's closing lines: what was written, and what was skipped and why.
    static func closing(_ o: ScanOutcome) -> String {
        // Nothing read: the reasons were printed as they came; the command's last line says what follows.
        if o.nothingScanned && o.written == 0 && o.resumed == 0 { return "Nothing scanned (\(Text.plural(o.skipped.count, "problem", "problems")) above)." }
        var lines = ["Scanned \(o.sources.count) source(s): " + o.sources.map { "\($0.name) (\($0.platform.rawValue))" }.joined(separator: ", ")]
        lines.append("Items written: \(o.written) (\(o.reused) reused from an earlier inventory), already done: \(o.resumed)")
        let t = o.stageSeconds
        if t.total > 0 {
            func s(_ v: Double) -> String { String(format: "%.1f s", v) }
            lines.append("Worker time: metadata \(s(t.metadata)), decoding \(s(t.decode)), face detection \(s(t.detection)), "
                         + "landmarks and descriptors \(s(t.descriptors)), face thumbnails \(s(t.thumbnails)), "
                         + "fingerprints \(s(t.fingerprint))"
                         + (t.videoDecode > 0 ? ", video decoding \(s(t.videoDecode))" : ""))
        }
        if !o.sources.isEmpty { lines += FindingsText.lines(o.findings) }
        if o.skipped.isEmpty {
            lines.append("Skipped: none")
        } else {
            lines.append("Skipped \(o.skipped.count):")
            let byReason = Dictionary(grouping: o.skipped, by: { reasonKind($0.reason) })
            for (reason, entries) in byReason.sorted(by: { $0.value.count > $1.value.count }) {
                lines.append("  \(entries.count) × \(reason)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The reason without entry-specific detail, for grouping ("truncated JPEG: ..." -> "truncated JPEG").
    static func reasonKind(_ reason: String) -> String {
        String(reason.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? reason).prefix(80).description
    }
}
