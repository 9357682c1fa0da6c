import Foundation

extension ReportRenderer {
    /// Every summary metric with its plain name, in the diff's order (a test checks that every key of
    /// `Summary.metrics` has one; a key missing here would still show, under its dotted name, last).
    public static let metricNames: [(String, String)] = [
        ("faces.owner.faces", "Photos of your face"),
        ("faces.owner.labelled", "Labelled with your name"),
        ("faces.owner.years", "Years with your face"),
        ("faces.owner.first_year", "First year"),
        ("faces.owner.last_year", "Last year"),
        ("faces.owner.matchable_from_profile", "Found from your profile picture"),
        ("faces.others.identities", "Other people (identities)"),
        ("faces.others.faces", "Other people’s faces"),
        ("faces.others.labelled", "Other people’s faces labelled with a name"),
        ("faces.small.detected", "Faces smaller than 40 px (counted apart)"),
        ("faces.small.owner", "Your faces smaller than 40 px"),
        ("faces.small.others", "Other people’s faces smaller than 40 px"),
        ("faces.detected", "Faces found"),
        ("faces.items_with_faces", "Items with faces"),
        ("faces.identities", "People (identities)"),
        ("audience.public_items", "Public items"),
        ("audience.public_owner_photos", "Public photos of your face"),
        ("audience.public_labelled_faces", "Labelled faces on public items"),
        ("audience.public_items_with_gps", "Public items with a location"),
        ("audience.shared_items", "Items shared with friends or followers"),
        ("audience.private_items", "Private items"),
        ("audience.unknown_items", "Items whose audience the export does not say"),
        ("linkage.linked_accounts", "Accounts tied to another"),
        ("linkage.reposted_photos", "Photos in more than one account"),
        ("linkage.camera_serials", "Camera serials in more than one account"),
        ("linkage.owner_names", "Owner names in more than one account"),
        ("linkage.identities", "People seen in more than one account"),
        ("videos.with_owner", "Videos with your face"),
        ("videos.owner_seconds", "Seconds of your face on video"),
        ("videos.owner_views", "Distinct views of your face on video"),
        ("videos.with_others", "Videos with other people"),
        ("videos.others_seconds", "Seconds of other people on video"),
        ("videos.tracks", "Face tracks in videos"),
        ("videos.analysed", "Videos searched for faces"),
        ("videos.seconds_analysed", "Seconds of video searched"),
        ("location.items_with_any_location", "Items with a location"),
        ("location.items_with_exif_gps", "Items with camera GPS"),
        ("location.items_with_platform_location", "Items with a platform location"),
        ("location.distinct_places", "Places"),
        ("location.upload_ips", "Upload IP addresses"),
        ("devices.serial_numbers", "Camera serial numbers"),
        ("devices.owner_names", "Owner names in cameras"),
        ("devices.camera_models", "Camera models"),
        ("people.named", "Named people in tags"),
        ("people.tag_instances", "Tags"),
        ("people.graph_edges", "Tagged-together pairs"),
        ("items.total", "Items"),
        ("items.photos", "Photos"),
        ("items.videos", "Videos"),
        ("items.unreadable", "Unreadable items"),
        ("items.missing", "Items the export lists but does not hold"),
        ("items.profile_pictures", "Profile pictures"),
        ("time.items_with_capture_time", "Items with a capture time"),
    ]

    /// The diff's first sentence, e.g. "Deleting 40 items removed 12 labelled photos of you; 49 remain, across 10 years".
    public static func diffHeadline(_ data: DiffData) -> String {
        func value(_ key: String, _ after: Bool) -> Int? {
            guard let change = data.metrics[key], let v = after ? change.after : change.before, v.isFinite else { return nil }
            return Int(v)
        }
        let removed = data.items.removed
        guard let before = value("faces.owner.labelled", false), let after = value("faces.owner.labelled", true) else {
            // One side has no face numbers (not searched, or an unfinished scan): say so, never "none remain".
            let items = removed > 0 ? "Deleting \(Text.plural(removed, "item", "items"))"
                : data.items.added > 0 ? "Adding \(Text.plural(data.items.added, "item", "items"))" : "No items changed"
            return items + "; what that did to the labelled photos of you is unknown: "
                + "the \(value("faces.owner.labelled", false) == nil ? "first" : "second") inventory has no face numbers"
                + " (\(data.notes.isEmpty ? "faces not searched" : data.notes.joined(separator: "; ")))"
        }
        let years = value("faces.owner.years", true) ?? 0
        var sentence: String
        if removed > 0 {
            sentence = "Deleting \(Text.plural(removed, "item", "items")) "
        } else if data.items.added > 0 {
            sentence = "Adding \(Text.plural(data.items.added, "item", "items")) "
        } else {
            sentence = "No items changed; that "
        }
        if before > after {
            sentence += "removed \(Text.plural(before - after, "labelled photo", "labelled photos")) of you"
        } else if after > before {
            sentence += "added \(Text.plural(after - before, "labelled photo", "labelled photos")) of you"
        } else {
            sentence += "removed no labelled photos of you"
        }
        if after == 0 {
            sentence += "; none remain"
        } else {
            sentence += "; \(Text.count(after)) \(after == 1 ? "remains" : "remain")"
            if years >= 2 { sentence += ", across \(years) years" } else if years == 1 { sentence += ", all from one year" }
        }
        return sentence
    }

    /// Before/after page in the report's style: what changed and, plainly, what remains exposed.
    public static func renderDiff(_ data: DiffData) -> String {
        var body = "<header class=\"top\"><div class=\"inner\">\n"
        body += "<p class=\"eyebrow\">Exposure: before and after</p>\n"
        body += "<h1 class=\"headline\">\(HTML.escapeText(diffHeadline(data))).</h1>\n"
        body += "<p class=\"subline\">Comparing “\(HTML.escapeText(data.beforeLabel))” with “\(HTML.escapeText(data.afterLabel))”: \(Text.plural(data.items.removed, "item", "items")) gone, \(Text.count(data.items.added)) new, \(Text.count(data.items.kept)) in both.</p>\n"
        for note in data.notes { body += "<p class=\"subline scan-note\"><strong>Note:</strong> \(HTML.escapeText(note))</p>\n" }
        body += "<p class=\"local-note\">Made on this computer. Nothing was uploaded, and this page loads nothing from the internet.</p>\n"
        body += "</div></header>\n<main>\n"

        body += "<section id=\"remains\" aria-labelledby=\"remains-h\">\n<h2 id=\"remains-h\">What remains exposed</h2>\n"
        body += "<p class=\"lead\">\(HTML.escapeText(remainingSentence(data)))</p>\n"
        body += "<div class=\"diff-grid\">\n"
        for (title, after) in [(data.beforeLabel, false), (data.afterLabel, true)] {
            body += "<div><h3>\(HTML.escapeText(title))</h3><div class=\"cards\">\n"
            let keys = ["faces.owner.faces", "faces.owner.labelled", "faces.owner.years", "faces.others.faces",
                        "location.distinct_places", "devices.serial_numbers"]
            for (key, label) in metricNames.filter({ keys.contains($0.0) }) {
                let change = data.metrics[key]
                let v = after ? change?.after : change?.before
                var was = ""
                if after, let b = change?.before, let a = change?.after, a != b { was = "<span class=\"was\">was \(Text.metric(b))</span>" }
                body += "<div class=\"card\"><span class=\"num\">\(Text.metric(v ?? nil))</span><span class=\"label\">\(label)</span>\(was)</div>\n"
            }
            body += "</div></div>\n"
        }
        body += "</div>\n</section>\n"

        body += "<section id=\"metrics\" aria-labelledby=\"metrics-h\">\n<h2 id=\"metrics-h\">Every measure, side by side</h2>\n"
        body += "<div class=\"table-box\"><table class=\"sortable\"><thead><tr><th>Measure</th><th class=\"n\">\(HTML.escapeText(data.beforeLabel))</th><th class=\"n\">\(HTML.escapeText(data.afterLabel))</th><th class=\"n\">Change</th></tr></thead><tbody>\n"
        let known = Set(metricNames.map(\.0))
        let rows = metricNames.filter { data.metrics[$0.0] != nil } + data.metrics.keys.filter { !known.contains($0) }.sorted().map { ($0, $0) }
        for (key, label) in rows {
            guard let change = data.metrics[key] else { continue }
            var delta = ""
            var cls = ""
            if let b = change.before, let a = change.after, b.isFinite, a.isFinite, a != b {
                delta = (a > b ? "+" : "−") + Text.metric(abs(a - b))
                // Fewer is better for every count except years that only move the span.
                if !key.hasSuffix("_year") { cls = a < b ? " delta-down" : " delta-up" }
            }
            let isYear = key.hasSuffix("_year")
            let shown = { (v: Double?) in isYear ? (v.map { String(Int($0)) } ?? "–") : Text.metric(v) }
            body += "<tr><td>\(HTML.escapeText(label))</td><td class=\"n\">\(shown(change.before))</td><td class=\"n\">\(shown(change.after))</td><td class=\"n\(cls)\">\(delta)</td></tr>\n"
        }
        body += "</tbody></table></div>\n</section>\n"

        body += "<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Findings</h2>\n"
        func list(_ title: String, _ refs: [DiffData.FindingRef], empty: String) -> String {
            var h = "<h3>\(title) (\(refs.count))</h3>\n"
            if refs.isEmpty { return h + "<p class=\"muted\">\(empty)</p>\n" }
            h += "<ul class=\"plain\">\n"
            for r in refs {
                let cls = severityClass(r.severity)
                h += "<li><span class=\"badge sev-\(cls)\">\(HTML.escapeText(r.severity))</span> \(HTML.escapeText(r.title))</li>\n"
            }
            return h + "</ul>\n"
        }
        body += list("Still there", data.findings.remaining, empty: "None.")
        body += list("Resolved", data.findings.resolved, empty: "None resolved yet.")
        body += list("New", data.findings.new, empty: "None.")
        body += "<p class=\"note\">Deleting from a platform removes its copy, not copies others have already downloaded or datasets built from public photos.</p>\n"
        body += "</section>\n</main>\n"
        body += "<footer>Exposure diff · generated \(HTML.escapeText(data.generatedAt)) on this computer · nothing was uploaded</footer>\n"
        return Page.assemble(title: "Exposure diff: " + diffHeadline(data), body: body, json: HTML.jsonForScript(data))
    }

    /// "Still in the export: 49 labelled photos of you across 10 years, 3 places, 2 camera serial numbers."
    static func remainingSentence(_ data: DiffData) -> String {
        func after(_ key: String) -> Int { Int(data.metrics[key]?.after.flatMap { $0.isFinite ? $0 : nil } ?? 0) }
        var parts: [String] = []
        let faces = after("faces.owner.faces"), labelled = after("faces.owner.labelled"), years = after("faces.owner.years")
        if faces > 0 {
            var p = "\(Text.plural(faces, "photo", "photos")) of your face (\(Text.count(labelled)) labelled with your name)"
            if years >= 2 { p += " across \(years) years" }
            parts.append(p)
        }
        let others = after("faces.others.faces")
        if others > 0 { parts.append("\(Text.plural(others, "face", "faces")) of other people") }
        let small = after("faces.small.detected")
        if small > 0 { parts.append("\(Text.plural(small, "more face", "more faces")) smaller than 40 px") }
        let places = after("location.distinct_places")
        if places > 0 { parts.append(Text.plural(places, "place", "places")) }
        let serials = after("devices.serial_numbers")
        if serials > 0 { parts.append(Text.plural(serials, "camera serial number", "camera serial numbers")) }
        let named = after("people.named")
        if named > 0 { parts.append(Text.plural(named, "named person in tags", "named people in tags")) }
        if parts.isEmpty { return "Nothing measured remains in the new export." }
        return "Still in the new export: " + Text.list(parts) + "."
    }
}
