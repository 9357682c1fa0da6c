import Foundation
import ExposureModel

/// One per-media sidecar (archive-formats.md §3.2): `{title, description, creationTime{timestamp},
/// photoTakenTime{timestamp}, geoData{…}, geoDataExif{…}, people[{name}], url, …}`. Timestamps are
/// epoch seconds written as strings; `"0"` and (0, 0) mean unknown. `formatted` is localized and ignored.
struct GoogleSidecar {
    let path: String
    /// The sidecar's file name, NFC.
    let name: String
    let title: String?
    let description: String?
    let creationTime: Date?
    let url: String?
    let metadata: PlatformMetadata
    /// `googlePhotosOrigin.fromSharedAlbum` / `fromPartnerSharing`: the photo sits in a shared album or
    /// a partner's library (audience shared).
    let sharing: Audience?

    init(path: String, json: JSONValue) {
        self.path = path
        name = PathText.nfc(PathText.basename(path))
        title = json["title"]?.text.map(PathText.nfc)
        description = json["description"]?.text
        creationTime = Timestamps.epoch(json["creationTime"]?["timestamp"])
        url = json["url"]?.text
        var m = PlatformMetadata(sourceFile: path)
        m.takenTime = Timestamps.epoch(json["photoTakenTime"]?["timestamp"])
        m.location = Self.location(json["geoData"]) ?? Self.location(json["geoDataExif"])
        for person in json["people"]?.array ?? [] {
            if let name = person["name"]?.text, !m.people.contains(name) { m.people.append(name) }
        }
        metadata = m
        let origin = json["googlePhotosOrigin"]
        if origin?["fromSharedAlbum"] != nil {
            sharing = Audience(.shared, evidence: "\(path): googlePhotosOrigin.fromSharedAlbum")
        } else if origin?["fromPartnerSharing"] != nil {
            sharing = Audience(.shared, evidence: "\(path): googlePhotosOrigin.fromPartnerSharing")
        } else {
            sharing = nil
        }
    }

    static func location(_ value: JSONValue?) -> GeoPoint? {
        guard let value else { return nil }
        return Geo.point(latitude: value["latitude"], longitude: value["longitude"], altitude: value["altitude"])
    }

    /// The media file name this sidecar describes, for reporting it missing: its `title` with any
    /// duplicate counter of the sidecar name put back before the extension.
    var expectedMediaName: String {
        var base = String(name.dropLast(".json".count))
        let counter = GoogleNames.trailingCounter(base)
        if let counter { base.removeLast(counter.count) }
        if let range = base.range(of: ".supplemental-metadata") { base.removeSubrange(range) }
        var media = (title ?? base).replacingOccurrences(of: "/", with: "_")
        if let counter {
            let stem = PathText.stem(media), ext = PathText.fileExtension(of: media)
            media = stem + counter + (ext.isEmpty ? "" : "." + ext)
        }
        return media
    }
}

enum GoogleNames {
    /// The sidecar name cap: 46 characters before `.json` (§3.4 rule 2).
    static let sidecarBaseLimit = 46

    /// Suffixes Google gives derived copies that have no sidecar of their own (§3.4 rule 5).
    static let derivedSuffixes = [
        "-edited", "-bearbeitet", "-modifié", "-modificato", "-bewerkt", "-edytowane", "-編集済み", "-ha editado",
        "-editat", "-editado", "-editada", "-redigeret", "-muokattu", "-redigert", "-redigerad", "-upraveno",
        "-effects", "-smile", "-mix", "-collage", "-animation", "-motion",
    ]

    /// "(3)" when `text` ends with a duplicate counter.
    static func trailingCounter(_ text: String) -> String? {
        guard text.hasSuffix(")"), let open = text.lastIndex(of: "(") else { return nil }
        let digits = text[text.index(after: open)..<text.index(before: text.endIndex)]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return String(text[open...])
    }

    /// `text` cut to at most `limit` UTF-16 code units, never inside a scalar.
    static func cutUTF16(_ text: String, _ limit: Int) -> String {
        var result = String.UnicodeScalarView()
        var units = 0
        for scalar in text.unicodeScalars {
            units += scalar.utf16.count
            if units > limit { break }
            result.append(scalar)
        }
        return String(result)
    }

    /// `text` cut to at most `limit` Unicode scalars.
    static func cutScalars(_ text: String, _ limit: Int) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit)))
    }
}

/// Matches media files of one folder to their sidecars (archive-formats.md §3.4):
/// `<name>.json` and `<name>.supplemental-metadata.json`, both cut to 46 characters (UTF-16 units or
/// scalars: the unit is unconfirmed, both are tried) with `.json` and `(n)` never cut; duplicate counters
/// moved behind the extension (`IMG(1).JPG` ↔ `IMG.JPG(1).json`) or kept in place, never stripped;
/// edited/derived copies use the original's sidecar; media without an extension in JSON
/// (`20030616.jpg` ↔ `20030616.json`); live-photo/motion video parts borrow the photo's sidecar;
/// last, a unique unclaimed sidecar whose `title` is the file name.
struct GoogleSidecarMatcher {
    private var byName: [String: Int] = [:]
    private var byTitle: [String: [Int]] = [:]
    private let sidecars: [GoogleSidecar]
    private var used: Set<Int> = []
    /// Stem → names of the folder's photos (not videos), for live-photo and motion-photo video parts.
    private var photosByStem: [String: [String]] = [:]

    init(sidecars: [GoogleSidecar], mediaNames: [String]) {
        self.sidecars = sidecars
        for (i, sidecar) in sidecars.enumerated() {
            byName[sidecar.name] = i
            if let title = sidecar.title { byTitle[title, default: []].append(i) }
        }
        for name in mediaNames where !MediaFiles.isVideo(name) {
            let normal = PathText.nfc(name)
            photosByStem[PathText.stem(normal), default: []].append(normal)
        }
    }

    var unusedSidecars: [GoogleSidecar] {
        sidecars.indices.filter { !used.contains($0) }.map { sidecars[$0] }
    }

    mutating func sidecar(for mediaName: String) -> GoogleSidecar? {
        let name = PathText.nfc(mediaName)
        if let i = match(name) { used.insert(i); return sidecars[i] }
        // A live-photo .MOV or motion-photo .MP has no sidecar: use its photo's.
        if MediaFiles.isVideo(name) {
            for photo in photosByStem[PathText.stem(name)] ?? [] {
                if let i = match(photo) { used.insert(i); return sidecars[i] }
            }
        }
        // Last resort: the sidecar's title is the original upload name.
        let sameTitle = (byTitle[name] ?? []).filter { !used.contains($0) }
        if sameTitle.count == 1 { used.insert(sameTitle[0]); return sidecars[sameTitle[0]] }
        return nil
    }

    private func match(_ name: String) -> Int? {
        // Nearly every file has the classic `<name>.json` or `<name>.supplemental-metadata.json`.
        for direct in [name + ".json", name + ".supplemental-metadata.json"] {
            if let i = byName[direct] { return i }
        }
        for candidate in Self.candidateNames(for: name) {
            if let i = byName[candidate] { return i }
        }
        return nil
    }

    /// Sidecar file names that may describe `name`, most specific first.
    static func candidateNames(for name: String) -> [String] {
        let ext = PathText.fileExtension(of: name)
        let dotExt = ext.isEmpty ? "" : "." + ext
        let stem = PathText.stem(name)
        let counter = GoogleNames.trailingCounter(stem)
        let stemWithoutCounter = counter.map { String(stem.dropLast($0.count)) } ?? stem
        let original = GoogleNames.derivedSuffixes.lazy.compactMap { suffix -> String? in
            guard stemWithoutCounter.lowercased().hasSuffix(suffix) else { return nil }
            return String(stemWithoutCounter.dropLast(suffix.count))
        }.first

        // (file name the sidecar is named after, counter written after it)
        var bases: [(String, String)] = [(name, "")]
        if let counter { bases.append((stemWithoutCounter + dotExt, counter)) }
        if let original {
            bases.append((original + (counter ?? "") + dotExt, ""))
            if let counter { bases.append((original + dotExt, counter)) }
            bases.append((original + dotExt, ""))
        }

        var result: [String] = []
        func add(_ candidate: String) { if !result.contains(candidate) { result.append(candidate) } }
        for (base, trailing) in bases {
            for suffix in ["", ".supplemental-metadata"] {
                let full = base + suffix
                for limit in [GoogleNames.sidecarBaseLimit, GoogleNames.sidecarBaseLimit - trailing.count] {
                    add(GoogleNames.cutUTF16(full, limit) + trailing + ".json")
                    add(GoogleNames.cutScalars(full, limit) + trailing + ".json")
                }
                add(full + trailing + ".json")
            }
        }
        // Uploaded without an extension: `20030616.jpg` ↔ `20030616.json`.
        add(stem + ".json")
        if let counter { add(stemWithoutCounter + counter + ".json") }
        if let original { add(original + ".json") }
        return result
    }
}
