import Foundation

/// The analysis as flat metric paths, the vocabulary rules test (rules/README.md lists
/// every path and its meaning; ExposureRules.MetricVocabulary holds the same list).
/// Each metric also has an item count: how many items the finding concerns.
public enum MetricTable {
    /// Every metric path `build` fills, in documentation order.
    public static let paths: [String] = [
        "faces.detected", "faces.items_with_faces", "faces.identities",
        "faces.owner.faces", "faces.owner.labelled", "faces.owner.years",
        "faces.owner.first_year", "faces.owner.last_year", "faces.owner.matchable_from_profile",
        "faces.others.identities", "faces.others.faces", "faces.others.labelled",
        "faces.small.detected", "faces.small.owner", "faces.small.others",
        "location.items_with_gps", "location.items_with_exif_gps", "location.items_with_platform_location",
        "location.places", "location.home_inferred", "location.regular_places", "location.upload_ips",
        "devices.camera_models", "devices.serial_numbers", "devices.owner_names", "devices.instagram_device_ids",
        "items.stale_thumbnails",
        "people.xmp_region_names", "people.tagged_names",
        "audience.public_items", "audience.shared_items", "audience.private_items", "audience.unknown_items",
        "audience.public_owner_photos", "audience.public_labelled_faces", "audience.public_items_with_gps",
        "linkage.linked_accounts", "linkage.reposted_photos", "linkage.camera_serials", "linkage.owner_names",
        "linkage.identities",
        "videos.analysed", "videos.with_owner", "videos.owner_seconds", "videos.owner_views", "videos.with_others", "videos.others_seconds",
    ]

    static func build(_ r: AnalysisResult, input: AnalysisInput, items: [Int64: ItemInput]) -> ([String: Double?], [String: Int]) {
        var m: [String: Double?] = [:]
        var n: [String: Int] = [:]
        func put(_ path: String, _ value: Double?, items count: Int) { m[path] = .some(value); n[path] = count }
        func distinctItems(_ faceIndices: some Sequence<Int>) -> Int { Set(faceIndices.map { input.faces[$0].itemID }).count }

        let f = r.faces
        // Every faces.* path but faces.small.* counts faces in dlib's range only (Analysis.measureFaces).
        let small = { (face: Int) in input.faces[face].belowDetectorRange }
        let allOwnerFaces = r.owner.map { r.identities[$0].faces } ?? []
        let ownerSet = Set(allOwnerFaces)
        let ownerFaces = allOwnerFaces.filter { !small($0) }
        let otherFaces = input.faces.indices.filter { !ownerSet.contains($0) && !small($0) }
        put("faces.detected", Double(f.detected), items: f.itemsWithFaces)
        put("faces.items_with_faces", Double(f.itemsWithFaces), items: f.itemsWithFaces)
        put("faces.identities", Double(f.identities), items: f.itemsWithFaces)
        put("faces.owner.faces", Double(f.owner.faces), items: distinctItems(ownerFaces))
        put("faces.owner.labelled", Double(f.owner.labelled), items: distinctItems(ownerFaces.filter { r.faceLabelled[$0] }))
        let dated = distinctItems(ownerFaces.filter { items[input.faces[$0].itemID]?.captureYear != nil })
        put("faces.owner.years", Double(f.owner.years), items: dated)
        put("faces.owner.first_year", f.owner.firstYear.map(Double.init), items: dated)
        put("faces.owner.last_year", f.owner.lastYear.map(Double.init), items: dated)
        put("faces.owner.matchable_from_profile", f.owner.matchableFromProfile.map(Double.init),
            items: f.owner.matchableFromProfile ?? 0)
        put("faces.others.identities", Double(f.others.identities), items: distinctItems(otherFaces))
        put("faces.others.faces", Double(f.others.faces), items: distinctItems(otherFaces))
        put("faces.others.labelled", Double(f.others.labelled), items: distinctItems(otherFaces.filter { r.faceLabelled[$0] }))
        put("faces.small.detected", Double(f.small.detected), items: distinctItems(input.faces.indices.filter(small)))
        put("faces.small.owner", Double(f.small.owner), items: distinctItems(allOwnerFaces.filter(small)))
        put("faces.small.others", Double(f.small.others),
            items: distinctItems(input.faces.indices.filter { small($0) && !ownerSet.contains($0) }))

        let p = r.places
        put("location.items_with_gps", Double(p.itemsWithLocation), items: p.itemsWithLocation)
        put("location.items_with_exif_gps", Double(p.itemsWithExifGPS), items: p.itemsWithExifGPS)
        put("location.items_with_platform_location", Double(p.itemsWithPlatformLocation), items: p.itemsWithPlatformLocation)
        put("location.places", Double(p.places.count), items: p.itemsWithLocation)
        put("location.home_inferred", p.home == nil ? 0 : 1, items: p.home.map { p.places[$0].items.count } ?? 0)
        put("location.regular_places", Double(p.regularPlaces.count),
            items: p.regularPlaces.reduce(0) { $0 + p.places[$1].items.count })
        let d = r.devices
        put("location.upload_ips", Double(d.uploadIPs.count), items: d.uploadIPs.items)
        put("devices.camera_models", Double(d.cameraModels.count), items: d.cameraModels.items)
        put("devices.serial_numbers", Double(d.serialNumbers.count), items: d.serialNumbers.items)
        put("devices.owner_names", Double(d.ownerNames.count), items: d.ownerNames.items)
        put("devices.instagram_device_ids", Double(d.deviceIDs.count), items: d.deviceIDs.items)
        put("items.stale_thumbnails", Double(d.staleThumbnails.count), items: d.staleThumbnails.count)

        let regionNames = Set(input.items.flatMap { $0.faceRegions.map { PersonName.key($0.name) } }.filter { !$0.isEmpty })
        put("people.xmp_region_names", Double(regionNames.count),
            items: input.items.filter { $0.faceRegions.contains { !PersonName.key($0.name).isEmpty } }.count)
        let tagged = Set(input.items.flatMap { $0.allPersonNames.map(PersonName.key) }.filter { !$0.isEmpty })
        put("people.tagged_names", Double(tagged.count),
            items: input.items.filter { $0.allPersonNames.contains { !PersonName.key($0).isEmpty } }.count)
        let a = r.audience
        let publicItems = Set(input.items.filter { $0.audience == .public }.map(\.id))
        let ownerPublic = distinctItems(ownerFaces.filter { publicItems.contains(input.faces[$0].itemID) })
        put("audience.public_items", Double(a.publicItems), items: a.publicItems)
        put("audience.shared_items", Double(a.sharedItems), items: a.sharedItems)
        put("audience.private_items", Double(a.privateItems), items: a.privateItems)
        put("audience.unknown_items", Double(a.unknownItems), items: a.unknownItems)
        put("audience.public_owner_photos", Double(a.publicOwnerPhotos), items: ownerPublic)
        put("audience.public_labelled_faces", Double(a.publicLabelledFaces),
            items: distinctItems(input.faces.indices.filter { !small($0) && r.faceLabelled[$0] && publicItems.contains(input.faces[$0].itemID) }))
        put("audience.public_items_with_gps", Double(a.publicItemsWithGPS), items: a.publicItemsWithGPS)
        let l = r.linkage
        func linkItems(_ kind: AccountLink.Kind?) -> Int {
            Set(l.links.filter { kind == nil || $0.kind == kind }.flatMap(\.items)).count
        }
        put("linkage.linked_accounts", Double(l.metrics.linkedAccounts), items: linkItems(nil))
        put("linkage.reposted_photos", Double(l.metrics.repostedPhotos), items: linkItems(.repostedPhoto))
        put("linkage.camera_serials", Double(l.metrics.cameraSerials), items: linkItems(.cameraSerial))
        put("linkage.owner_names", Double(l.metrics.ownerNames), items: linkItems(.ownerName))
        put("linkage.identities", Double(l.metrics.identities), items: linkItems(.face))

        let v = r.videos
        let ownerVideos = r.perVideo.filter { $0.ownerSeconds > 0 }.count
        let otherVideos = r.perVideo.filter { $0.othersSeconds > 0 }.count
        put("videos.analysed", Double(v.analysed), items: v.analysed)
        put("videos.with_owner", Double(v.withOwner), items: v.withOwner)
        put("videos.owner_seconds", v.ownerSeconds, items: ownerVideos)
        put("videos.owner_views", Double(v.ownerViews), items: v.withOwner)
        put("videos.with_others", Double(v.withOthers), items: v.withOthers)
        put("videos.others_seconds", v.othersSeconds, items: otherVideos)
        return (m, n)
    }
}
