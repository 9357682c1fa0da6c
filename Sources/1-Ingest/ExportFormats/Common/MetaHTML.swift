import Foundation
import ExposureModel
import HTMLDocument

/// Meta's HTML download pages, shared by Facebook and Instagram. Each page lists entries in
/// boxes (`div._a6-g` / `uiBoxWhite`): a heading (`h2`), text (`div._2pin`), media (`img`/`video`
/// `src`, `a href` to a media file), a `table` of label/value rows (Latitude, Longitude, Taken,
/// Upload IP address, Camera make/model, Device ID, Tags, Tagged users "name (Tagged, x, y)",
/// Place, Name, Username) and a date footer (`div._a6-o`, "Jul 21, 2015 6:17:37 am"). A post's box
/// holds one nested box per attached media with that media's own rows. Class names are only a
/// hint: a page without boxes is read as one entry. Parsed with libxml2 (HTMLDocument); a page
/// that cannot be parsed is a warning naming it.
struct MetaHTMLEntry {
    var heading: String?
    var text: String?
    var date: Date?
    /// Rows of this box (not of the media boxes nested in it).
    var rows: [(label: String, value: String)] = []
    /// Media of the box, each with the rows/text/date of the innermost box around it.
    /// `nested`: the media sits in a box of its own inside this one (a post's attachment).
    var media: [(uri: String, rows: [(label: String, value: String)], text: String?, heading: String?, date: Date?, nested: Bool)] = []

    func value(_ labels: String...) -> String? {
        let wanted = Set(labels.map { $0.lowercased() })
        return rows.first { wanted.contains($0.label.lowercased()) }?.value
    }
}

enum MetaHTML {
    /// Parses one page; nil (with a warning naming it) when it cannot be read.
    static func load(_ path: String, tree: ExportFileTree, into collector: inout MediaCollector) -> HTMLDocument? {
        let data: Data
        do { data = try tree.contents(of: path, maxBytes: HTMLDocument.Limits.default.maxInputBytes) } catch {
            collector.warn("\(path): unreadable (\(error))")
            return nil
        }
        do {
            let document = try HTMLDocument.parse(data)
            if document.truncated { collector.warn("\(path): nested too deeply or too large; the rest of the page is skipped") }
            return document
        } catch {
            collector.warn("\(path): not readable as HTML, skipped (\(error))")
            return nil
        }
    }

    static func isBox(_ document: HTMLDocument, _ index: Int) -> Bool {
        document.nodes[index].name == "div" && (document.hasClass("_a6-g", index) || document.hasClass("uiBoxWhite", index))
    }

    /// The page's entries: its outermost boxes (the whole body when it has none).
    static func entries(_ document: HTMLDocument) -> [MetaHTMLEntry] {
        let boxes = document.nodes.indices.filter { isBox(document, $0) }
        let boxSet = Set(boxes)
        func enclosingBox(_ index: Int) -> Int? {
            var current = document.nodes[index].parent
            while let c = current { if boxSet.contains(c) { return c }; current = document.nodes[c].parent }
            return nil
        }
        var outermost = boxes.filter { enclosingBox($0) == nil }
        if outermost.isEmpty, let body = document.elements("body").first ?? (document.nodes.isEmpty ? nil : 0) {
            outermost = [body]
        }
        return outermost.map { entry(document, $0, enclosingBox: enclosingBox) }
    }

    private static func entry(_ document: HTMLDocument, _ box: Int, enclosingBox: (Int) -> Int?) -> MetaHTMLEntry {
        let all = document.descendants(of: box)
        // Which box each node belongs to (the innermost around it; `box` at the top level).
        func owner(_ index: Int) -> Int { enclosingBox(index) ?? box }
        var own: [Int: (heading: String?, text: String?, date: Date?, rows: [(label: String, value: String)])] = [:]
        func part(_ b: Int) -> (heading: String?, text: String?, date: Date?, rows: [(label: String, value: String)]) {
            if let cached = own[b] { return cached }
            var heading: String?, text: String?, date: Date?
            var rows: [(label: String, value: String)] = []
            for node in (b == box ? all : document.descendants(of: b)) where owner(node) == b {
                let n = document.nodes[node]
                if n.isText { continue }
                if heading == nil, n.name == "h2" { heading = nonEmpty(document.text(of: node)) }
                if text == nil, n.name == "div", document.hasClass("_2pin", node), !insideTable(document, node, below: b) {
                    text = nonEmpty(document.text(of: node))
                }
                if date == nil, document.hasClass("_a6-o", node) { date = parseDate(document.text(of: node)) }
                if n.name == "tr" { if let row = row(document, node) { rows.append(row) } }
            }
            own[b] = (heading, text, date, rows)
            return own[b]!
        }
        let top = part(box)
        var entry = MetaHTMLEntry(heading: top.heading, text: top.text, date: top.date, rows: top.rows)
        var seen: Set<String> = []
        for node in all {
            let n = document.nodes[node]
            let reference: String?
            switch n.name {
            case "img", "video", "source": reference = document.attribute("src", of: node)
            case "a": reference = document.attribute("href", of: node)
            default: reference = nil
            }
            guard let raw = reference.map(PathText.trimmed), let uri = localURI(raw), MediaFiles.isMedia(uri), !seen.contains(uri) else { continue }
            seen.insert(uri)
            let b = owner(node)
            let p = b == box ? top : part(b)
            entry.media.append((uri, p.rows, p.text, p.heading, p.date, b != box))
        }
        return entry
    }

    private static func insideTable(_ document: HTMLDocument, _ index: Int, below box: Int) -> Bool {
        var current = document.nodes[index].parent
        while let c = current, c != box {
            if document.nodes[c].name == "table" { return true }
            current = document.nodes[c].parent
        }
        return false
    }

    private static func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }

    /// A `tr`: two cells (label, value), or one cell holding the label and a `div` with the value.
    private static func row(_ document: HTMLDocument, _ tr: Int) -> (label: String, value: String)? {
        let cells = document.nodes[tr].children.filter { document.nodes[$0].name == "td" || document.nodes[$0].name == "th" }
        if cells.count >= 2 {
            let label = document.text(of: cells[0]), value = document.text(of: cells[1])
            return label.isEmpty ? nil : (label, value)
        }
        guard let cell = cells.first else { return nil }
        let ownText = document.nodes[cell].children.filter { document.nodes[$0].isText }.map { document.nodes[$0].text }
            .joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let value = document.nodes[cell].children.filter { !document.nodes[$0].isText }.map { document.text(of: $0) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        return ownText.isEmpty ? nil : (ownText, value)
    }

    /// A local media reference: `../` prefixes and `file:` removed; URLs and fragments are not files.
    static func localURI(_ raw: String) -> String? {
        var uri = raw
        if uri.lowercased().hasPrefix("file://") { return nil }
        if PathText.isRemote(uri) || uri.hasPrefix("#") || uri.lowercased().hasPrefix("data:") || uri.lowercased().hasPrefix("javascript:") { return nil }
        if let q = uri.firstIndex(where: { $0 == "?" || $0 == "#" }) { uri = String(uri[..<q]) }
        uri = uri.removingPercentEncoding ?? uri
        while uri.hasPrefix("../") { uri.removeFirst(3) }
        while uri.hasPrefix("./") { uri.removeFirst(2) }
        while uri.hasPrefix("/") { uri.removeFirst() }
        return uri.isEmpty ? nil : uri
    }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// "Jul 21, 2015 6:17:37 am", "Jul 21, 2015, 6:17 AM", "21 Jul 2015 18:17", or any form
    /// `Timestamps.parseDateTime` reads. Read as UTC (the pages name no zone).
    static func parseDate(_ text: String) -> Date? {
        if let date = Timestamps.parseDateTime(text) { return date }
        let words = text.lowercased().replacingOccurrences(of: ",", with: " ").split(whereSeparator: \.isWhitespace).map(String.init)
        var month: Int?, day: Int?, year: Int?, hour = 0, minute = 0, second = 0
        var pm: Bool?
        for word in words {
            if month == nil, let m = months.firstIndex(where: { word.hasPrefix($0) }), word.allSatisfy(\.isLetter) { month = m + 1; continue }
            if word == "am" || word == "a.m." { pm = false; continue }
            if word == "pm" || word == "p.m." { pm = true; continue }
            if word.contains(":") {
                let parts = word.split(separator: ":").map { Int($0) }
                guard parts.count >= 2, let h = parts[0], let mi = parts[1] else { return nil }
                hour = h; minute = mi; second = parts.count > 2 ? parts[2] ?? 0 : 0
                continue
            }
            guard let number = Int(word) else { continue }
            if number > 31 { year = number } else if day == nil { day = number } else { return nil }
        }
        guard let month, let day, let year, year > 1900, year < 3000, (1...31).contains(day),
              hour < 24, minute < 60, second < 61 else { return nil }
        if let pm {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        var components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        components.timeZone = TimeZone(secondsFromGMT: 0)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else { return nil }
        return date
    }

    /// "anna_s (Tagged, 0.51, 0.42)" → "anna_s"; several such in one value are split.
    static func taggedNames(_ value: String) -> [String] {
        var names: [String] = []
        if value.contains("(") {
            var rest = Substring(value)
            while let open = rest.firstIndex(of: "(") {
                let name = rest[..<open].trimmingCharacters(in: CharacterSet(charactersIn: " ,;"))
                if !name.isEmpty, !names.contains(name) { names.append(name) }
                guard let close = rest[open...].firstIndex(of: ")") else { break }
                rest = rest[rest.index(after: close)...]
            }
        } else {
            let name = value.trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { names.append(name) }
        }
        return names
    }

    /// The platform metadata a box's rows give. Names mirror the JSON keys (MetaMedia).
    static func metadata(_ rows: [(label: String, value: String)], sourceFile: String) -> PlatformMetadata {
        var m = PlatformMetadata(sourceFile: sourceFile)
        var latitude: String?, longitude: String?
        for (label, value) in rows {
            guard !value.isEmpty else { continue }
            switch label.lowercased() {
            case "taken", "date taken", "taken timestamp", "date time original", "date_time_original":
                m.takenTime = m.takenTime ?? parseDate(value)
            case "latitude": latitude = latitude ?? value
            case "longitude": longitude = longitude ?? value
            case "upload ip address", "upload ip", "ip address": if value != "-" { m.uploadIP = m.uploadIP ?? value }
            case "camera make", "lens make": m.cameraMake = m.cameraMake ?? value
            case "camera model", "lens model": m.cameraModel = m.cameraModel ?? value
            case "device id", "device_id": m.deviceID = m.deviceID ?? value
            case "place", "place name", "location": m.placeName = m.placeName ?? value
            case "tags", "tagged", "tagged users", "tagged people", "with":
                for name in taggedNames(value) where !m.people.contains(name) { m.people.append(name) }
            default: break
            }
        }
        if let latitude, let longitude { m.location = Geo.point(latitude: .string(latitude), longitude: .string(longitude)) }
        return m
    }
}
