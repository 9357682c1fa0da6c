import Foundation
import ExposureModel

/// Renders the exposure report and the before/after diff as single self-contained HTML pages.
/// Pure: the same input gives the same bytes; nothing is read from disk or the network.
public enum ReportRenderer {
    /// The report page. `includeThumbnails: false` (`--no-thumbnails`) leaves out every face image,
    /// so the page can be shared.
    public static func render(_ data: ReportData, includeThumbnails: Bool) -> String {
        var body = ""
        body += header(data, includeThumbnails: includeThumbnails)
        body += "<main>\n"
        body += toc([("summary", "Summary"), ("faces", "Your face"), ("others", "Other people"), ("videos", "Videos"),
                     ("places", "Places"), ("devices", "Devices"), ("public", "Public"), ("links", "Links"), ("tags", "Tags"),
                     ("findings", "Findings"), ("act", "What you can do"), ("method", "How it was measured")])
        body += summarySection(data)
        body += facesSection(data, includeThumbnails: includeThumbnails)
        body += othersSection(data, includeThumbnails: includeThumbnails)
        body += videosSection(data, includeThumbnails: includeThumbnails)
        body += placesSection(data)
        body += devicesSection(data)
        body += publicSection(data)
        body += linksSection(data)
        body += tagsSection(data)
        body += findingsSection(data)
        body += actSection(data)
        body += methodSection(data)
        body += "</main>\n"
        body += "<footer>Exposure report · generated \(HTML.escapeText(data.generatedAt)) on this computer · nothing was uploaded</footer>\n"
        var embedded = data.summary
        embedded.sources = embedded.sources.map { .init(name: displayName($0.name), platform: $0.platform) }
        return Page.assemble(title: "Exposure report: " + headline(data.summary), body: body,
                             json: HTML.jsonForScript(embedded))
    }

    // MARK: - Header and summary

    static func header(_ data: ReportData, includeThumbnails: Bool) -> String {
        let s = data.summary
        var h = "<header class=\"top\"><div class=\"inner\">\n"
        h += "<p class=\"eyebrow\">Exposure report\(data.owner.name.map { " for " + HTML.escapeText($0) } ?? "")</p>\n"
        h += "<h1 class=\"headline\">\(HTML.escapeText(headline(s))).</h1>\n"
        h += "<p class=\"subline\">\(HTML.escapeText(subline(s)))</p>\n"
        for note in s.scan.notes { h += "<p class=\"subline scan-note\"><strong>Note:</strong> \(HTML.escapeText(note))</p>\n" }
        if includeThumbnails {
            // One face per year, so the reader sees at once whose face was counted, and for how long.
            var strip = ""
            for year in data.owner.timeline where year.year != nil {
                guard let first = year.thumbnails.first, let uri = Page.imageDataURI(first) else { continue }
                strip += "<figure><img class=\"face\" src=\"\(uri)\" alt=\"Your face, \(year.year!)\" width=\"64\" height=\"64\"><figcaption>\(year.year!)</figcaption></figure>"
            }
            if !strip.isEmpty { h += "<div class=\"face-strip\" aria-label=\"Your face, one photo per year\">\(strip)</div>\n" }
        }
        h += "<p class=\"local-note\">Made on this computer. Nothing from your export was uploaded, and this page loads nothing from the internet."
        if !includeThumbnails {
            h += " This copy leaves out every face image, so it can be shared."
        } else {
            h += " <button type=\"button\" id=\"toggle-faces\" aria-pressed=\"false\" hidden>Blur faces</button>"
        }
        h += "</p>\n</div></header>\n"
        return h
    }

    /// The sentence under the headline: what was read, from where, over which dates, and what the
    /// comparison figure means.
    static func subline(_ s: Summary) -> String {
        var parts: [String] = []
        var what = [Text.plural(s.items.photos, "photo", "photos")]
        if s.items.videos > 0 { what.append(Text.plural(s.items.videos, "video", "videos")) }
        let platforms = orderedUnique(s.sources.map { platformName($0.platform) })
        var read = "Read \(Text.list(what))"
        if !platforms.isEmpty { read += " from your \(Text.list(platforms)) \(platforms.count == 1 && s.sources.count == 1 ? "export" : "exports")" }
        if let first = s.time.first?.prefix(4), let last = s.time.last?.prefix(4) {
            read += first == last ? ", dated \(first)" : ", dated \(first) to \(last)"
        }
        parts.append(read + ".")
        if s.faces.owner.faces > 0 {
            parts.append("MegaFace, a face-recognition dataset of 672,057 people taken from Flickr, holds 7.07 photos per person on average.")
        }
        return parts.joined(separator: " ")
    }

    static func summarySection(_ data: ReportData) -> String {
        let s = data.summary
        var h = "<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n"
        h += "<div class=\"cards\">\n"
        func card(_ number: String, _ label: String, alert: Bool = false) -> String {
            "<div class=\"card\(alert ? " alert" : "")\"><span class=\"num\">\(number)</span><span class=\"label\">\(label)</span></div>\n"
        }
        let owner = s.faces.owner
        // A face number that was not measured is shown as unknown, never as 0.
        let unknown = s.facesKnown ? nil : (s.scan.facesSearched ? "not yet analysed" : "faces not searched")
        func faceCard(_ value: Int, _ label: String, alert: Bool = false) -> String {
            unknown.map { card("?", label + " (\($0))") } ?? card(Text.count(value), label, alert: alert)
        }
        h += faceCard(owner.faces, "photos of your face", alert: owner.faces > 0)
        h += faceCard(owner.labelled, "labelled with your name", alert: owner.labelled > 0)
        var yearsLabel = owner.years == 1 ? "year with your face" : "years with your face"
        if let first = owner.firstYear, let last = owner.lastYear, first != last { yearsLabel += " (\(first)–\(last))" }
        h += faceCard(owner.years, yearsLabel)
        let home = data.places.first(where: { $0.isHome })
        h += card(Text.count(s.location.distinctPlaces), home != nil ? "places, your home among them" : "places on the map")
        h += faceCard(s.faces.others.identities, s.faces.others.identities == 1 ? "other person in your photos" : "other people in your photos")
        let identifiers = s.devices.serialNumbers + s.devices.ownerNames
        h += card(Text.count(identifiers), "camera serial numbers and owner names")
        h += "</div>\n"

        let ordered = sortedBySeverity(data.findings)
        if !ordered.isEmpty {
            h += "<h3>What to do first</h3>\n<ul class=\"top-actions\">\n"
            for f in ordered.prefix(3) {
                h += "<li class=\"sev-\(f.finding.severity.rawValue)\"><strong>\(HTML.escapeText(f.title))</strong>\(HTML.escapeText(f.whatToDo))</li>\n"
            }
            h += "</ul>\n"
            if ordered.count > 3 { h += "<p class=\"muted\">\(Text.plural(ordered.count, "finding", "findings")) in all: see <a href=\"#findings\">Findings</a>.</p>\n" }
        } else if !s.scan.finished {
            h += "<p class=\"muted\">The rules were not evaluated: the scan is unfinished (run the same scan command again to resume).</p>\n"
        } else {
            h += "<p class=\"ok\">No rule found anything to flag.</p>\n"
        }
        h += "</section>\n"
        return h
    }

    // MARK: - Faces

    static func ownerReasonText(_ owner: ReportData.Owner) -> String {
        let name = owner.name.map { "“" + HTML.escapeText($0) + "”" } ?? "the account holder"
        switch owner.reason {
        case .profilePicture: return "We took the face in your profile pictures to be you."
        case .ownerName: return "We took the person most often labelled with the account's name (\(name)) to be you."
        case .mostFrequent: return "Neither a profile picture nor a name label pointed to you, so we took the person with the most faces to be you. If that is someone else, run the scan again and say who you are."
        case .userSupplied: return "You told Exposure which person is you."
        }
    }

    static func facesSection(_ data: ReportData, includeThumbnails: Bool) -> String {
        let owner = data.summary.faces.owner
        var h = "<section id=\"faces\" aria-labelledby=\"faces-h\">\n<h2 id=\"faces-h\">Your face over time</h2>\n"
        if let unknown = facesUnknownSentence(data.summary) { return h + unknown + "</section>\n" }
        h += "<p class=\"lead\">\(ownerReasonText(data.owner)) Photos of the same face across many years are exactly what is used to train and test face recognition that works at any age. "
        if let matchable = owner.matchableFromProfile {
            h += "Starting from your profile picture alone, \(Text.plural(matchable, "photo", "photos")) of you can be found by face.</p>\n"
        } else {
            h += "</p>\n"
        }
        if let small = smallFacesSentence(data.summary.faces.small) {
            h += "<p class=\"note\" id=\"small-faces\">\(HTML.escapeText(small))</p>\n"
        }
        let timeline = data.owner.timeline
        if timeline.isEmpty {
            h += "<p>No faces of yours were found.</p>\n</section>\n"
            return h
        }
        h += Charts.yearChart(timeline)
        if !includeThumbnails {
            h += "<p class=\"note\">Face images are left out of this copy (made with <code>--no-thumbnails</code>), so it can be shared.</p>\n"
        }
        for year in timeline {
            let label = year.year.map(String.init) ?? "No date"
            h += "<div class=\"timeline-year\"><span class=\"year\">\(label)</span>"
            h += "<span class=\"counts\"><b>\(Text.plural(year.faces, "photo", "photos"))</b> · \(Text.count(year.labelled)) labelled</span>"
            h += "<div class=\"thumbs\">"
            if includeThumbnails {
                for thumb in year.thumbnails.prefix(12) {
                    if let uri = Page.imageDataURI(thumb) {
                        h += "<img class=\"face\" src=\"\(uri)\" alt=\"Your face, \(label)\" width=\"56\" height=\"56\">"
                    }
                }
            }
            h += "</div></div>\n"
        }
        h += "</section>\n"
        return h
    }

    /// The faces found below dlib's 40 px range, counted apart from every other face figure of
    /// the report; nil when there are none.
    /// Why a face section has no numbers (faces not searched, or the scan unfinished), or nil.
    static func facesUnknownSentence(_ s: Summary) -> String? {
        guard !s.facesKnown else { return nil }
        let why = s.scan.facesSearched ? "The scan is unfinished: run the same scan command again to resume, and the faces will be counted."
            : "Faces were not searched in this scan (it ran with --no-faces), so how many there are is unknown, not zero. Scan again without --no-faces to count them."
        return "<p class=\"muted\">\(why)</p>\n"
    }

    static func smallFacesSentence(_ small: Summary.SmallFaces) -> String? {
        guard small.detected > 0 else { return nil }
        let yours = small.owner == 0 ? "" : small.detected == 1 ? " (yours)" : " (\(Text.count(small.owner)) of them yours)"
        return "\(Text.plural(small.detected, "more face", "more faces")) smaller than 40 px\(yours) "
            + "\(small.detected == 1 ? "was" : "were") found by the proposal network. "
            + "Their descriptors are less reliable, so they are counted apart and not in the other face figures of this report."
    }

    static func othersSection(_ data: ReportData, includeThumbnails: Bool) -> String {
        let others = data.summary.faces.others
        var h = "<section id=\"others\" aria-labelledby=\"others-h\">\n<h2 id=\"others-h\">Other people in your photos</h2>\n"
        if let unknown = facesUnknownSentence(data.summary) { return h + unknown + "</section>\n" }
        h += "<p class=\"lead\">Your export also holds \(Text.plural(others.faces, "face", "faces")) of \(Text.plural(others.identities, "other person", "other people")), \(Text.count(others.labelled)) of them labelled with a name. Sharing them exposed these people too; they cannot see or delete what you posted.</p>\n"
        if data.otherIdentities.isEmpty {
            h += "<p class=\"muted\">No other faces were found.</p>\n</section>\n"
            return h
        }
        h += "<div class=\"people\">\n"
        for person in data.otherIdentities.prefix(60) {
            h += "<div class=\"person\">"
            if includeThumbnails, let thumb = person.thumbnail, let uri = Page.imageDataURI(thumb) {
                h += "<img class=\"face\" src=\"\(uri)\" alt=\"\(HTML.escapeAttribute(person.name ?? "Unnamed person"))\" width=\"72\" height=\"72\">"
            }
            if let name = person.name {
                h += "<div class=\"name\">\(HTML.escapeText(name))</div>"
            } else {
                h += "<div class=\"name unnamed\">No name</div>"
            }
            h += "<div>\(Text.plural(person.faces, "face", "faces")) · \(Text.count(person.labelled)) labelled</div></div>\n"
        }
        h += "</div>\n"
        if data.otherIdentities.count > 60 {
            h += "<p class=\"muted\">And \(Text.plural(data.otherIdentities.count - 60, "more person", "more people")) with fewer faces.</p>\n"
        }
        h += "</section>\n"
        return h
    }

    /// Faces in videos: the totals, then a poster frame per video with faces (class "face", so the
    /// page's blur switch blurs it; left out with --no-thumbnails).
    static func videosSection(_ data: ReportData, includeThumbnails: Bool) -> String {
        let v = data.summary.videos
        var h = "<section id=\"videos\" aria-labelledby=\"videos-h\">\n<h2 id=\"videos-h\">Your face in videos</h2>\n"
        guard v.analysed > 0 else {
            let videos = data.summary.items.videos
            h += "<p class=\"muted\">\(videos == 0 ? "The export holds no videos." : "\(Text.plural(videos, "video was", "videos were")) not searched for faces (scanned with --no-faces, or their frames could not be decoded).")</p>\n</section>\n"
            return h
        }
        h += "<p class=\"lead\">\(Text.plural(v.withOwner, "video", "videos")) of the \(Text.count(v.analysed)) searched show your face, "
        h += "for \(seconds(v.ownerSeconds)) on screen in \(Text.plural(v.ownerViews, "distinct view", "distinct views")). "
        h += "Video gives face recognition many angles and expressions of one person in seconds. "
        h += "\(Text.plural(v.withOthers, "video shows", "videos show")) other people (\(seconds(v.othersSeconds))).</p>\n"
        h += "<p class=\"note\">About one frame per second (plus scene changes) of \(seconds(v.secondsAnalysed)) of video was searched; a face counts from the first frame it is seen in to one second after the last.</p>\n"
        if !includeThumbnails && !data.videos.isEmpty {
            h += "<p class=\"note\">Poster frames are left out of this copy (made with <code>--no-thumbnails</code>).</p>\n"
        }
        h += "<div class=\"people videos\">\n"
        for video in data.videos.prefix(40) {
            h += "<div class=\"person video\">"
            if includeThumbnails, let poster = video.poster, let uri = Page.imageDataURI(poster) {
                h += "<img class=\"face poster\" src=\"\(uri)\" alt=\"A frame of \(HTML.escapeAttribute(video.name))\">"
            }
            h += "<div class=\"name\">\(HTML.escapeText(video.name))</div>"
            var facts: [String] = []
            if video.ownerSeconds > 0 { facts.append("you: \(seconds(video.ownerSeconds)), \(Text.plural(video.ownerViews, "view", "views"))") }
            if video.othersSeconds > 0 { facts.append("others: \(seconds(video.othersSeconds))") }
            facts.append(Text.plural(video.people, "person", "people"))
            h += "<div>\(HTML.escapeText(facts.joined(separator: " · ")))</div></div>\n"
        }
        h += "</div>\n"
        if data.videos.count > 40 {
            h += "<p class=\"muted\">And \(Text.plural(data.videos.count - 40, "more video", "more videos")) with faces.</p>\n"
        }
        h += "</section>\n"
        return h
    }

    /// "12 s", "3 min 05 s": seconds of video as a person reads them.
    static func seconds(_ s: Double) -> String {
        let whole = Int(s.rounded())
        return whole < 60 ? "\(whole) s" : String(format: "%d min %02d s", whole / 60, whole % 60)
    }

    // MARK: - Places, devices, tags

    static func placesSection(_ data: ReportData) -> String {
        let loc = data.summary.location
        var h = "<section id=\"places\" aria-labelledby=\"places-h\">\n<h2 id=\"places-h\">Places</h2>\n"
        h += "<p class=\"lead\">\(Text.plural(loc.itemsWithAnyLocation, "item carries", "items carry")) a location: \(Text.count(loc.itemsWithExifGPS)) from the camera's GPS, \(Text.count(loc.itemsWithPlatformLocation)) recorded by the platform. Together they form \(Text.plural(loc.distinctPlaces, "place", "places")).</p>\n"
        if data.places.isEmpty {
            h += "<p class=\"muted\">No locations were found.</p>\n</section>\n"
            return h
        }
        h += Charts.placesMap(data.places, attribution: data.geocoderAttribution)
        h += "<div class=\"table-box\"><table class=\"sortable\"><thead><tr><th>Place</th><th>Country</th><th class=\"n\">Items</th><th>Kind</th><th class=\"n\">Latitude</th><th class=\"n\">Longitude</th></tr></thead><tbody>\n"
        let sorted = data.places.sorted(by: { ($0.isHome ? 1 : 0, $0.items) > ($1.isHome ? 1 : 0, $1.items) })
        for p in sorted.prefix(rowLimit) {
            let kind = p.isHome ? "Home" : (p.isRegular ? "Regular" : "")
            h += "<tr><td>\(HTML.escapeText(p.city ?? "Unknown"))</td><td>\(HTML.escapeText(p.country ?? ""))</td><td class=\"n\">\(Text.count(p.items))</td><td>\(kind)</td>"
            h += "<td class=\"n\">\(String(format: "%.4f", p.latitude))</td><td class=\"n\">\(String(format: "%.4f", p.longitude))</td></tr>\n"
        }
        h += "</tbody></table></div>\n"
        if sorted.count > rowLimit { h += "<p class=\"muted\">And \(Text.plural(sorted.count - rowLimit, "more place", "more places")) with fewer items.</p>\n" }
        h += "</section>\n"
        return h
    }

    /// Longest table shown; the rest is summarised in one line (the map still shows every place).
    static let rowLimit = 200

    static func devicesSection(_ data: ReportData) -> String {
        let d = data.devices
        var h = "<section id=\"devices\" aria-labelledby=\"devices-h\">\n<h2 id=\"devices-h\">Devices and identifiers</h2>\n"
        h += "<p class=\"lead\">Cameras write their model, and sometimes a serial number or the owner's name, into every photo. A serial number links photos you post anywhere back to the same camera.</p>\n"
        func table(_ title: String, _ column: String, _ rows: [ReportData.Counted]) -> String {
            guard !rows.isEmpty else { return "" }
            var t = "<h3>\(title)</h3>\n<div class=\"table-box\"><table class=\"sortable\"><thead><tr><th>\(column)</th><th class=\"n\">Items</th></tr></thead><tbody>\n"
            for row in rows.prefix(rowLimit) { t += "<tr><td class=\"mono\">\(HTML.escapeText(row.value))</td><td class=\"n\">\(Text.count(row.items))</td></tr>\n" }
            t += "</tbody></table></div>\n"
            if rows.count > rowLimit { t += "<p class=\"muted\">And \(Text.count(rows.count - rowLimit)) more.</p>\n" }
            return t
        }
        h += table("Cameras", "Make and model", d.cameras)
        h += table("Serial numbers", "Serial number", d.serialNumbers)
        h += table("Owner names written by the camera", "Name", d.ownerNames)
        h += table("Upload IP addresses recorded by the platform", "IP address", d.uploadIPs)
        h += table("Device identifiers", "Identifier", d.deviceIDs)
        if d.staleThumbnails > 0 {
            h += "<p class=\"note\">\(Text.plural(d.staleThumbnails, "photo carries", "photos carry")) a hidden preview image that differs from the picture you see: it may show the uncropped or unedited original.</p>\n"
        }
        if d.cameras.isEmpty && d.serialNumbers.isEmpty && d.ownerNames.isEmpty && d.uploadIPs.isEmpty && d.deviceIDs.isEmpty && d.staleThumbnails == 0 {
            h += "<p class=\"muted\">No device information was found.</p>\n"
        }
        h += "</section>\n"
        return h
    }

    static func tagsSection(_ data: ReportData) -> String {
        let p = data.summary.people
        var h = "<section id=\"tags\" aria-labelledby=\"tags-h\">\n<h2 id=\"tags-h\">Who is tagged with whom</h2>\n"
        h += "<p class=\"lead\">\(Text.plural(p.named, "named person", "named people")), \(Text.plural(p.tagInstances, "tag", "tags")) in all. People tagged on the same photo are linked: the picture shows your social circle as the platform sees it.</p>\n"
        if data.peopleGraph.nodes.isEmpty {
            h += "<p class=\"muted\">No people tags were found.</p>\n</section>\n"
            return h
        }
        h += Charts.peopleGraph(data.peopleGraph, ownerName: data.owner.name)
        let edges = data.peopleGraph.edges.sorted { ($0.weight, $1.a, $1.b) > ($1.weight, $0.a, $0.b) }
        if !edges.isEmpty {
            h += "<h3>Pairs most often tagged together</h3>\n<div class=\"table-box\"><table class=\"sortable\"><thead><tr><th>Person</th><th>Person</th><th class=\"n\">Photos together</th></tr></thead><tbody>\n"
            for e in edges.prefix(15) {
                h += "<tr><td>\(HTML.escapeText(e.a))</td><td>\(HTML.escapeText(e.b))</td><td class=\"n\">\(Text.count(e.weight))</td></tr>\n"
            }
            h += "</tbody></table></div>\n"
        }
        h += "</section>\n"
        return h
    }

    // MARK: - Findings

    static let severityOrder = ["critical", "high", "medium", "low", "info"]

    static func severityRank(_ s: String) -> Int { severityOrder.firstIndex(of: s.lowercased()) ?? severityOrder.count }

    /// A CSS class suffix from a fixed list: a severity string from a rule file never reaches the attribute.
    static func severityClass(_ s: String) -> String {
        let rank = severityRank(s)
        return rank < severityOrder.count ? severityOrder[rank] : "other"
    }

    static func sortedBySeverity(_ findings: [ReportData.ExplainedFinding]) -> [ReportData.ExplainedFinding] {
        findings.enumerated().sorted { a, b in
            let (x, y) = (a.element.finding.severity, b.element.finding.severity)
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
    }

    static func findingsSection(_ data: ReportData) -> String {
        var h = "<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Findings</h2>\n"
        if data.findings.isEmpty {
            h += "<p class=\"ok\">No rule found anything to flag.</p>\n</section>\n"
            return h
        }
        h += "<p class=\"lead\">Each finding comes from a rule with a threshold; the most serious come first.</p>\n"
        var groups: [(String, [ReportData.ExplainedFinding])] = []
        for f in sortedBySeverity(data.findings) {
            let key = f.finding.severity.rawValue
            if let last = groups.last, last.0 == key { groups[groups.count - 1].1.append(f) } else { groups.append((key, [f])) }
        }
        for (severity, findings) in groups {
            h += "<h3>\(HTML.escapeText(severity.prefix(1).uppercased() + severity.dropFirst())) (\(findings.count))</h3>\n"
            for f in findings {
                let cls = f.finding.severity.rawValue
                h += "<article class=\"finding sev-\(cls)\"><h4><span class=\"badge sev-\(cls)\">\(cls)</span> \(HTML.escapeText(f.title))</h4>\n"
                var meta = Text.plural(f.finding.items, "item", "items")
                if let v = f.finding.value { meta += " · measured value \(Text.metric(v))" }
                meta += " · rule <code>\(HTML.escapeText(f.finding.rule))</code>"
                h += "<p class=\"meta\">\(meta)</p>\n"
                h += "<dl><dt>Why it matters</dt><dd>\(HTML.escapeText(f.why))</dd><dt>What to do</dt><dd>\(HTML.escapeText(f.whatToDo))</dd></dl></article>\n"
            }
        }
        h += "</section>\n"
        return h
    }

    // MARK: - Helpers

    static func platformName(_ raw: String) -> String {
        switch raw {
        case "facebook": return "Facebook"
        case "instagram": return "Instagram"
        case "google-takeout": return "Google"
        case "twitter": return "X (Twitter)"
        case "snapchat": return "Snapchat"
        case "folder": return "photo folder"
        default: return raw
        }
    }

    static func orderedUnique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    static func toc(_ entries: [(String, String)]) -> String {
        "<nav class=\"toc\" aria-label=\"Sections\">" + entries.map { "<a href=\"#\($0.0)\">\($0.1)</a>" }.joined() + "</nav>\n"
    }
}
