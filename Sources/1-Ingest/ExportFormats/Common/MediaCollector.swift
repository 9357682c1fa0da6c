import Foundation
import ExposureModel

/// Gathers the media of one export: each path once, with every appearance the JSON gives it, and
/// the platform metadata merged field by field (the first value found wins; people are unioned).
struct MediaCollector {
    private var order: [String] = []
    private var items: [String: MediaReference] = [:]
    private(set) var warnings: [String] = []

    mutating func warn(_ message: String) { warnings.append(message) }

    /// Records a reference. `path` is the resolved tree path when `present`, the uri as written otherwise.
    mutating func add(path: String, present: Bool, appearance: Appearance?, metadata: PlatformMetadata = PlatformMetadata(),
                      isProfilePicture: Bool = false) {
        if var item = items[path] {
            if let appearance, !item.appearances.contains(appearance) { item.appearances.append(appearance) }
            item.metadata = Self.merge(item.metadata, metadata)
            item.isProfilePicture = item.isProfilePicture || isProfilePicture
            items[path] = item
        } else {
            order.append(path)
            items[path] = MediaReference(path: path, appearances: appearance.map { [$0] } ?? [], metadata: metadata,
                                         isProfilePicture: isProfilePicture, isPresent: present)
        }
    }

    func contains(_ path: String) -> Bool { items[path] != nil }

    /// Adds every media file of the tree not referenced so far, without metadata.
    mutating func addUnreferencedMedia(of paths: [String]) {
        for path in paths where MediaFiles.isMedia(path) && items[path] == nil {
            add(path: path, present: true, appearance: nil)
        }
    }

    /// The items sorted by path, so output does not depend on JSON order.
    var media: [MediaReference] { items.values.sorted { $0.path < $1.path } }

    static func merge(_ a: PlatformMetadata, _ b: PlatformMetadata) -> PlatformMetadata {
        var m = a
        m.takenTime = a.takenTime ?? b.takenTime
        m.location = a.location ?? b.location
        m.placeName = a.placeName ?? b.placeName
        m.cameraMake = a.cameraMake ?? b.cameraMake
        m.cameraModel = a.cameraModel ?? b.cameraModel
        m.uploadIP = a.uploadIP ?? b.uploadIP
        m.deviceID = a.deviceID ?? b.deviceID
        for name in b.people where !m.people.contains(name) { m.people.append(name) }
        m.sourceFile = a.sourceFile ?? b.sourceFile
        m.hasOverlay = a.hasOverlay ?? b.hasOverlay
        return m
    }
}

/// Loading JSON files with one warning line per failure, naming the file.
struct JSONLoader {
    let tree: ExportFileTree
    let repairMojibake: Bool

    func load(_ path: String, into collector: inout MediaCollector) -> JSONValue? {
        let data: Data
        do { data = try tree.contents(of: path) } catch {
            collector.warn("\(path): unreadable (\(error))")
            return nil
        }
        var text = data
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        do { return try JSONValue.parse(Data(text), repairingMojibake: repairMojibake) } catch {
            collector.warn("\(path): not valid JSON, skipped (\(Self.describe(error)))")
            return nil
        }
    }

    static func describe(_ error: Error) -> String { "\(error)" }
}

enum Timestamps {
    /// Epoch seconds, or milliseconds when ≥ 1e12 (Meta's messenger files use ms; archive-formats.md §0).
    /// Zero or negative means "unknown".
    static func epoch(_ value: JSONValue?) -> Date? {
        guard let raw = value?.double, raw.isFinite, raw > 0 else { return nil }
        return Date(timeIntervalSince1970: raw >= 1e12 ? raw / 1000 : raw)
    }

    /// "YYYY:MM:DD HH:MM:SS" (EXIF), "YYYY-MM-DD HH:MM:SS[ UTC]", or ISO "YYYY-MM-DDTHH:MM:SS[.fff][Z|±hh:mm]".
    /// Times without a zone are read as UTC: the wall clock is kept as written.
    static func parseDateTime(_ text: String?) -> Date? {
        guard var s = text.map(PathText.trimmed), s.count >= 10 else { return nil }
        var offset = 0
        if s.hasSuffix(" UTC") { s.removeLast(4) } else if s.hasSuffix("Z") { s.removeLast() }
        else if s.count >= 25, let sign = s[s.index(s.endIndex, offsetBy: -6)...].first, sign == "+" || sign == "-" {
            let zone = s.suffix(6)  // ±hh:mm
            let hh = Int(zone.dropFirst().prefix(2)) ?? 0, mm = Int(zone.suffix(2)) ?? 0
            offset = (sign == "-" ? -1 : 1) * (hh * 3600 + mm * 60)
            s.removeLast(6)
        }
        if let dot = s.firstIndex(of: "."), s.distance(from: s.startIndex, to: dot) >= 19 { s = String(s[..<dot]) }
        let digits = s.split(whereSeparator: { ":- T".contains($0) }).map(String.init)
        guard digits.count >= 3, let y = Int(digits[0]), let mo = Int(digits[1]), let d = Int(digits[2]),
              (1...12).contains(mo), (1...31).contains(d), y > 1900 else { return nil }
        let h = digits.count > 3 ? Int(digits[3]) ?? 0 : 0
        let mi = digits.count > 4 ? Int(digits[4]) ?? 0 : 0
        let se = digits.count > 5 ? Int(digits[5]) ?? 0 : 0
        guard y != 0, h < 24, mi < 60, se < 61 else { return nil }
        var components = DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: se)
        components.timeZone = TimeZone(secondsFromGMT: 0)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        guard let date = calendar.date(from: components) else { return nil }
        return date.addingTimeInterval(TimeInterval(-offset))
    }
}

enum Geo {
    /// A platform coordinate, or nil when absent, out of range or (0, 0) ("no location").
    static func point(latitude: JSONValue?, longitude: JSONValue?, altitude: JSONValue? = nil) -> GeoPoint? {
        guard let lat = latitude?.double, let lon = longitude?.double else { return nil }
        let point = GeoPoint(latitude: lat, longitude: lon, altitude: altitude?.double)
        return point.isMeaningful ? point : nil
    }
}
