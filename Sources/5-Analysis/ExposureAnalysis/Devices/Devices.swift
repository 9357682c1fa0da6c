import Foundation

/// Distinct values of one identifier and how many items carry one.
public struct IdentifierSet: Codable, Hashable, Sendable {
    /// Distinct values (compared trimmed and case-folded; shown as first seen, trimmed), sorted.
    public var values: [String]
    /// Items carrying at least one value.
    public var items: Int
    /// Items carrying each value, in the order of `values`.
    public var itemsPerValue: [Int] = []
    public var count: Int { values.count }
}

/// Device and account identifiers the items leak.
public struct DevicesResult: Codable, Hashable, Sendable {
    /// Distinct cameras: (make, model) pairs from EXIF and platform JSON, shown "Make Model".
    public var cameraModels: IdentifierSet
    /// EXIF BodySerialNumber and LensSerialNumber values.
    public var serialNumbers: IdentifierSet
    /// EXIF CameraOwnerName and Artist values.
    public var ownerNames: IdentifierSet
    /// Upload IP addresses the platform recorded.
    public var uploadIPs: IdentifierSet
    /// Instagram device ids.
    public var deviceIDs: IdentifierSet
    /// Items whose embedded thumbnail differs from the picture, ascending.
    public var staleThumbnails: [Int64]
}

public enum DeviceIdentifiers {
    public static func collect(_ items: [ItemInput]) -> DevicesResult {
        var cameras = Collector(), serials = Collector(), owners = Collector(), ips = Collector(), devices = Collector()
        var stale: [Int64] = []
        for item in items {
            cameras.add(item.id, camera(item.cameraMake, item.cameraModel))
            cameras.add(item.id, camera(item.platformCameraMake, item.platformCameraModel))
            serials.add(item.id, item.bodySerialNumber); serials.add(item.id, item.lensSerialNumber)
            owners.add(item.id, item.cameraOwnerName); owners.add(item.id, item.artist)
            ips.add(item.id, item.uploadIP)
            devices.add(item.id, item.deviceID)
            if item.thumbnailDiffers == true { stale.append(item.id) }
        }
        return DevicesResult(cameraModels: cameras.result, serialNumbers: serials.result, ownerNames: owners.result,
                             uploadIPs: ips.result, deviceIDs: devices.result, staleThumbnails: stale.sorted())
    }

    /// "Make Model", or just the model when it already starts with the make ("Canon EOS 5D").
    static func camera(_ make: String?, _ model: String?) -> String? {
        let mk = clean(make), md = clean(model)
        switch (mk, md) {
        case (nil, nil): return nil
        case (let m?, nil): return m
        case (nil, let m?): return m
        case (let a?, let b?): return b.lowercased().hasPrefix(a.lowercased()) ? b : a + " " + b
        }
    }

    static func clean(_ s: String?) -> String? {
        guard let s else { return nil }
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\0")))
        return t.isEmpty ? nil : t.precomposedStringWithCanonicalMapping
    }

    struct Collector {
        var shown: [String: String] = [:]   // folded -> first display form
        var itemsByValue: [String: Set<Int64>] = [:]
        var items = Set<Int64>()
        mutating func add(_ item: Int64, _ value: String?) {
            guard let v = clean(value) else { return }
            let key = v.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").lowercased()
            if shown[key] == nil { shown[key] = v }
            itemsByValue[key, default: []].insert(item)
            items.insert(item)
        }
        var result: IdentifierSet {
            let keys = shown.keys.sorted()
            var set = IdentifierSet(values: keys.map { shown[$0]! }, items: items.count)
            set.itemsPerValue = keys.map { itemsByValue[$0]?.count ?? 0 }
            return set
        }
    }
}

/// The identifier metrics (`DeviceIdentifiers.collect` measures them).
extension MetricTable {
    static let deviceRows: [Row] = [
        identifiers("location.upload_ips", "distinct upload IP addresses recorded by the platform", \.uploadIPs),
        identifiers("devices.camera_models", "distinct camera (make, model) pairs", \.cameraModels),
        identifiers("devices.serial_numbers", "distinct body/lens serial numbers in EXIF", \.serialNumbers),
        identifiers("devices.owner_names", "distinct CameraOwnerName/Artist values in EXIF", \.ownerNames),
        identifiers("devices.instagram_device_ids", "distinct Instagram device ids", \.deviceIDs),
        same("items.stale_thumbnails", "items whose embedded EXIF thumbnail differs from the picture") { $0.r.devices.staleThumbnails.count },
    ]

    /// Distinct values of one identifier; the finding concerns the items carrying one.
    static func identifiers(_ path: String, _ meaning: String, _ set: KeyPath<DevicesResult, IdentifierSet> & Sendable) -> Row {
        Row(path, meaning, items: "items with one") { c in (Double(c.r.devices[keyPath: set].count), c.r.devices[keyPath: set].items) }
    }
}
