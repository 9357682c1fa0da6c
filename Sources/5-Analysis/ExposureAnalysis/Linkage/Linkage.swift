// What ties the user's accounts together, as a face-search engine or a data broker joining
// several exports would see it: the same photo in two accounts (byte-identical, or re-posted:
// NearDuplicates), one camera's serial number or owner name in photos of two accounts, one
// person's face in two accounts. And what was public, from the audience of every item.
import ExposureModel
import Foundation

// The result types (AccountLink, LinkageResult) are ExposureModel's: the store keeps them.
public enum Linkage {
    /// Links across accounts. `identityOfFace` and `owner` come from the clustering; faces below
    /// dlib's range take no part (their descriptors are less reliable).
    public static func links(_ input: AnalysisInput, identities: [Identity], identityOfFace: [Int], owner: Int?) -> LinkageResult {
        let items = input.items
        let accountsOfItem = Dictionary(items.map { ($0.id, Set($0.accounts)) }, uniquingKeysWith: { a, _ in a })
        var links: [AccountLink] = []
        func link(_ kind: AccountLink.Kind, _ value: String, isOwner: Bool = false, items ids: some Sequence<Int64>) {
            let ids = Set(ids)
            let accounts = ids.reduce(into: Set<Int>()) { $0.formUnion(accountsOfItem[$1] ?? []) }
            guard accounts.count >= 2 else { return }
            links.append(AccountLink(kind: kind, value: value, isOwner: isOwner,
                                     accounts: accounts.map { input.accounts[$0].label }.sorted(), items: ids.sorted()))
        }

        // The same photo: one item held by several accounts, or items whose fingerprints agree.
        // A pair whose photos both have faces but share no person is refused.
        let facesOfItem = Dictionary(grouping: input.faces.indices.filter { !input.faces[$0].belowDetectorRange },
                                     by: { input.faces[$0].itemID })
        let samePerson = { (a: Int64, b: Int64) -> Bool in
            guard let fa = facesOfItem[a], let fb = facesOfItem[b] else { return true }
            let limit = Float(sameFaceDistance * sameFaceDistance)
            return fa.contains { i in fb.contains { j in
                NeighbourGraph.exactSquaredDistance(input.faces[i].descriptor, input.faces[j].descriptor) < Double(limit)
            } }
        }
        // Only pairs that join different accounts can tie accounts together (and one account has
        // nothing to tie): a burst of near-identical photos in one export costs no confirmations.
        // Within a group already joined, no further pair is confirmed.
        var parent = Array(items.indices)
        func root(_ i: Int) -> Int { var i = i; while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }; return i }
        if input.accounts.count >= 2 {
            let prints = items.map(\.fingerprint)
            let crossing = { (p: Int, q: Int) in items[p].accounts != items[q].accounts || items[p].accounts.count > 1 }
            for pair in NearDuplicates.candidates(prints, keep: crossing) where root(pair.first) != root(pair.second) {
                guard let a = prints[pair.first], let b = prints[pair.second], NearDuplicates.confirms(a, b),
                      samePerson(items[pair.first].id, items[pair.second].id) else { continue }
                parent[root(pair.second)] = root(pair.first)
            }
        }
        let groups = Dictionary(grouping: items.indices, by: root).values.map { $0.map { items[$0].id } }
        for group in groups.sorted(by: { $0.min()! < $1.min()! }) { link(.repostedPhoto, "", items: group) }

        // Camera serial numbers and owner names.
        var bySerial: [String: [Int64]] = [:], byOwnerName: [String: (shown: String, items: [Int64])] = [:]
        for item in items {
            for serial in [item.bodySerialNumber, item.lensSerialNumber].compactMap(DeviceIdentifiers.clean) {
                bySerial[serial, default: []].append(item.id)
            }
            for name in [item.cameraOwnerName, item.artist].compactMap(DeviceIdentifiers.clean) {
                byOwnerName[PersonName.key(name), default: (name, [])].items.append(item.id)
            }
        }
        for serial in bySerial.keys.sorted() { link(.cameraSerial, serial, items: bySerial[serial]!) }
        for key in byOwnerName.keys.sorted() { link(.ownerName, byOwnerName[key]!.shown, items: byOwnerName[key]!.items) }

        // People: an identity's faces (in dlib's range) in items of several accounts.
        for identity in identities {
            let inRange = identity.faces.filter { !input.faces[$0].belowDetectorRange }
            link(.face, identity.name ?? "", isOwner: identity.id == owner, items: inRange.map { input.faces[$0].itemID })
        }

        var m = LinkageMetrics()
        m.repostedPhotos = links.filter { $0.kind == .repostedPhoto }.count
        m.cameraSerials = links.filter { $0.kind == .cameraSerial }.count
        m.ownerNames = links.filter { $0.kind == .ownerName }.count
        m.identities = links.filter { $0.kind == .face }.count
        m.linkedAccounts = Set(links.flatMap(\.accounts)).count
        return LinkageResult(links: links, metrics: m)
    }

    /// The audience counts. Faces and labels are those of dlib's range, as in `faces.*`.
    public static func audience(_ input: AnalysisInput, ownerFaces: [Int], faceLabelled: [Bool]) -> AudienceMetrics {
        var m = AudienceMetrics()
        var publicItems = Set<Int64>()
        for item in input.items {
            switch item.audience {
            case .public?:
                m.publicItems += 1; publicItems.insert(item.id)
                let located = (item.exifLocation?.isMeaningful ?? false) || (item.platformLocation?.isMeaningful ?? false)
                if located { m.publicItemsWithGPS += 1 }
            case .shared?: m.sharedItems += 1
            case .private?: m.privateItems += 1
            case nil: m.unknownItems += 1
            }
        }
        let inRange = { (f: Int) in !input.faces[f].belowDetectorRange }
        m.publicOwnerPhotos = Set(ownerFaces.filter(inRange).map { input.faces[$0].itemID }).intersection(publicItems).count
        m.publicLabelledFaces = input.faces.indices.filter {
            inRange($0) && faceLabelled[$0] && publicItems.contains(input.faces[$0].itemID)
        }.count
        return m
    }
}

/// The audience.* and linkage.* metrics (`Linkage.audience` and `Linkage.links` measure them).
extension MetricTable {
    static let audienceRows: [Row] = [
        same("audience.public_items",
             "items anyone could see: public in at least one appearance, by the export's own fields") { $0.r.audience.publicItems },
        same("audience.shared_items",
             "items seen by a chosen group only (friends, followers of a private account, a shared album)") { $0.r.audience.sharedItems },
        same("audience.private_items", "items only the account holder could see (archived, memories)") { $0.r.audience.privateItems },
        same("audience.unknown_items", "items whose exports do not say who could see them (never guessed)") { $0.r.audience.unknownItems },
        Row("audience.public_owner_photos", "public items with the owner's face", items: "same") { c in
            let publicItems = publicItems(c)
            return (Double(c.r.audience.publicOwnerPhotos), c.distinctItems(c.ownerFaces.filter { publicItems.contains(c.input.faces[$0].itemID) }))
        },
        Row("audience.public_labelled_faces", "faces labelled with their person's name on public items", items: "items with them") { c in
            let publicItems = publicItems(c)
            return (Double(c.r.audience.publicLabelledFaces), c.distinctItems(c.input.faces.indices.filter {
                !c.small($0) && c.r.faceLabelled[$0] && publicItems.contains(c.input.faces[$0].itemID)
            }))
        },
        same("audience.public_items_with_gps", "public items with EXIF or platform coordinates") { $0.r.audience.publicItemsWithGPS },
    ]

    static func publicItems(_ c: Context) -> Set<Int64> { Set(c.input.items.filter { $0.audience == .public }.map(\.id)) }

    static let linkageRows: [Row] = [
        link("linkage.linked_accounts", "accounts (a platform and owner) tied to another by any link below", items: "items behind the links",
             nil, \.linkedAccounts),
        link("linkage.reposted_photos",
             "photos in more than one account, byte-identical or re-posted (recompressed, resized, cropped, filtered)", items: "items",
             .repostedPhoto, \.repostedPhotos),
        link("linkage.camera_serials", "camera body or lens serial numbers in photos of more than one account", items: "items with them",
             .cameraSerial, \.cameraSerials),
        link("linkage.owner_names", "camera owner names (CameraOwnerName, Artist) in more than one account", items: "items with them",
             .ownerName, \.ownerNames),
        link("linkage.identities", "people whose face is in more than one account", items: "items with their faces", .face, \.identities),
    ]

    /// A count of links of one kind (nil: any); the finding concerns the items behind them.
    static func link(_ path: String, _ meaning: String, items: String, _ kind: AccountLink.Kind?,
                     _ count: KeyPath<LinkageMetrics, Int> & Sendable) -> Row {
        Row(path, meaning, items: items) { c in
            let l = c.r.linkage
            return (Double(l.metrics[keyPath: count]), Set(l.links.filter { kind == nil || $0.kind == kind }.flatMap(\.items)).count)
        }
    }
}
