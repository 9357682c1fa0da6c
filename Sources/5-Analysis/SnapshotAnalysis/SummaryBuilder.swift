import ExposureModel
import ExposureStore
import Foundation

/// Computes the parts of `Summary` that come straight from the inventory (sources, items,
/// time, location, devices, people). Faces, places and findings come from the analysis
/// and are filled in by `SnapshotSummary`. Definitions: see the summary contract in README.md.
public enum SummaryBuilder {

    public static func inventorySummary(_ s: InventorySnapshot) -> Summary {
        var summary = Summary()
        let owner = s.sources.compactMap(\.ownerName).first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        summary.owner = .init(name: owner)
        summary.sources = s.sources.map { .init(name: $0.name, platform: $0.platform) }

        let filesByItem = Dictionary(grouping: s.files, by: \.itemID)

        // Items
        summary.items.total = s.items.count
        summary.items.photos = s.items.filter { $0.kind == .photo }.count
        summary.items.videos = s.items.filter { $0.kind == .video }.count
        summary.items.unreadable = s.items.filter { $0.unreadableReason != nil }.count
        summary.items.missing = Set(s.missing.map { "\($0.sourceID)/\($0.path)" }).count
        summary.items.profilePictures = s.items.filter { item in
            filesByItem[item.id, default: []].contains(where: \.isProfilePicture)
        }.count

        // Capture time: EXIF first, else a platform "taken" time; never the post time.
        var dates: [String] = []
        for item in s.items {
            if let t = captureDate(item: item, files: filesByItem[item.id, default: []]) { dates.append(t) }
        }
        summary.time.itemsWithCaptureTime = dates.count
        summary.time.first = dates.min()
        summary.time.last = dates.max()

        // Location
        var exifGPS = 0, platformLocation = 0, anyLocation = 0
        var uploadIPs = Set<String>()
        for item in s.items {
            let files = filesByItem[item.id, default: []]
            let hasExif = item.embedded?.gps?.isMeaningful ?? false
            let hasPlatform = files.contains { $0.platformMetadata?.location?.isMeaningful ?? false }
            if hasExif { exifGPS += 1 }
            if hasPlatform { platformLocation += 1 }
            if hasExif || hasPlatform { anyLocation += 1 }
            for f in files {
                if let ip = f.platformMetadata?.uploadIP?.trimmingCharacters(in: .whitespaces), !ip.isEmpty { uploadIPs.insert(ip) }
            }
        }
        summary.location.itemsWithExifGPS = exifGPS
        summary.location.itemsWithPlatformLocation = platformLocation
        summary.location.itemsWithAnyLocation = anyLocation
        summary.location.uploadIPs = uploadIPs.count

        // Devices
        var models = Set<String>(), serials = Set<String>(), ownerNames = Set<String>()
        for item in s.items {
            if let e = item.embedded {
                if let key = cameraKey(make: e.make, model: e.model) { models.insert(key) }
                if let serial = clean(e.bodySerialNumber) { serials.insert(serial) }
                for name in [e.cameraOwnerName, e.artist] { if let n = clean(name) { ownerNames.insert(n) } }
            }
            for f in filesByItem[item.id, default: []] {
                if let key = cameraKey(make: f.platformMetadata?.cameraMake, model: f.platformMetadata?.cameraModel) {
                    models.insert(key)
                }
            }
        }
        summary.devices.cameraModels = models.count
        summary.devices.serialNumbers = serials.count
        summary.devices.ownerNames = ownerNames.count

        // People
        let tagsByItem = Dictionary(grouping: s.tags, by: \.itemID)
        var names = Set<String>(), instances = 0, edges = Set<String>()
        for (_, tags) in tagsByItem {
            let keys = Set(tags.map(\.nameKey))
            names.formUnion(keys)
            instances += keys.count
            let sorted = keys.sorted()
            for i in 0..<sorted.count { for j in (i + 1)..<sorted.count { edges.insert(sorted[i] + "\u{0}" + sorted[j]) } }
        }
        summary.people.named = names.count
        summary.people.tagInstances = instances
        summary.people.graphEdges = edges.count
        return summary
    }

    /// "YYYY-MM-DD": the local date of EXIF DateTimeOriginal, else the UTC date of the
    /// earliest platform "taken" time among the item's occurrences.
    public static func captureDate(item: ItemRecord, files: [ItemFileRecord]) -> String? {
        if let local = item.embedded?.captureTime { return local.dateString }
        guard let taken = files.compactMap({ $0.platformMetadata?.takenTime }).min() else { return nil }
        return utcDateString(taken)
    }

    public static func utcDateString(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    static func clean(_ s: String?) -> String? {
        guard let t = s?.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters)), !t.isEmpty else { return nil }
        return t
    }

    /// Distinct camera key: (make, model) trimmed and case-folded.
    static func cameraKey(make: String?, model: String?) -> String? {
        let mk = clean(make)?.lowercased(), md = clean(model)?.lowercased()
        if mk == nil && md == nil { return nil }
        return (mk ?? "") + "\u{0}" + (md ?? "")
    }
}
