import Foundation
import ExposureModel

/// Which rule chose the owner identity.
public enum OwnerReason: String, Codable, Sendable {
    /// The identity with the most faces in the export's profile pictures.
    case profilePicture = "profile_picture"
    /// The identity whose name (from tags) matches the account owner's display name.
    case ownerName = "owner_name"
    /// The identity with the most faces.
    case mostFrequent = "most_frequent"
    /// The identity of the face nearest to the user's `--me` descriptor (within 0.6).
    case userSupplied = "user_supplied"
}

/// One person: faces that Chinese whispers grouped together.
public struct Identity: Codable, Hashable, Sendable {
    /// 0 is the identity with the most faces (then: smallest face index).
    public var id: Int
    /// Indices into `AnalysisInput.faces`, ascending.
    public var faces: [Int]
    /// Distinct items holding these faces, ascending.
    public var items: [Int64]
    /// Name by majority vote of person tags, or nil.
    public var name: String?
}

/// Everything the analysis computes for one scan.
public struct AnalysisResult: Codable, Sendable {
    public var identities: [Identity]
    /// Identity id per input face.
    public var identityOfFace: [Int]
    /// Per input face: its identity has a name and the face's item carries that name.
    public var faceLabelled: [Bool]
    /// The owner's identity id, nil when there are no faces (or `--me` matched none).
    public var owner: Int?
    public var ownerReason: OwnerReason?
    public var faces: FaceMetrics
    public var places: PlacesResult
    public var devices: DevicesResult
    /// What ties the accounts together.
    public var linkage: LinkageResult
    /// Who could see the items.
    public var audience: AudienceMetrics
    /// Faces in videos: the summary's `videos` object.
    public var videos = VideoFaceMetrics()
    /// The same per video, in `AnalysisInput.videos` order.
    public var perVideo: [VideoFaceMetrics.PerVideo] = []
    /// Identity per video track, by `AnalysisInput.videos` index then track index (nil: its face was not analysed).
    public var identityOfTrack: [[Int?]] = []
    /// Metric values by vocabulary path (rules/README.md); nil = not computable.
    public var metrics: [String: Double?]
    /// Items involved per metric path (a finding's `items`).
    public var itemCounts: [String: Int]
}

/// The analysis entry point: pure, deterministic, no I/O.
public enum Analysis {
    public struct Options: Sendable {
        public var places = PlaceClustering.Options()
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        public init() {}
    }

    public static func run(_ input: AnalysisInput, geocoder: Geocoder? = nil, options: Options = Options()) -> AnalysisResult {
        let faces = input.faces
        let items = Dictionary(input.items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let clusters = FaceClusters.cluster(faces.map(\.descriptor), threads: options.threads)
        let names = IdentityNaming.names(faces: faces, identityOfFace: clusters.identityOfFace,
                                         identityCount: clusters.members.count, items: items)
        let identities = clusters.members.enumerated().map { id, members in
            Identity(id: id, faces: members, items: Array(Set(members.map { faces[$0].itemID })).sorted(), name: names[id])
        }
        // A face is labelled when its item carries its identity's name.
        let labelled: [Bool] = faces.indices.map { f in
            guard let name = names[clusters.identityOfFace[f]], let item = items[faces[f].itemID] else { return false }
            let key = PersonName.key(name)
            return item.allPersonNames.contains { PersonName.key($0) == key }
        }
        let (owner, reason) = chooseOwner(input, clusters: clusters, names: names, items: items)
        let faceMetrics = measureFaces(input, clusters: clusters, labelled: labelled, owner: owner, items: items)
        let places = PlaceClustering.places(items: input.items, options: options.places, geocoder: geocoder)
        let devices = DeviceIdentifiers.collect(input.items)
        let linkage = Linkage.links(input, identities: identities, identityOfFace: clusters.identityOfFace, owner: owner)
        let audience = Linkage.audience(input, ownerFaces: owner.map { clusters.members[$0] } ?? [], faceLabelled: labelled)
        var result = AnalysisResult(identities: identities, identityOfFace: clusters.identityOfFace, faceLabelled: labelled,
                                    owner: owner, ownerReason: reason, faces: faceMetrics, places: places, devices: devices,
                                    linkage: linkage, audience: audience, metrics: [:], itemCounts: [:])
        // A video track's identity is its best face's.
        let faceIndex = Dictionary(faces.indices.map { (FaceKey(item: faces[$0].itemID, face: faces[$0].faceIndex), $0) },
                                   uniquingKeysWith: { first, _ in first })
        result.identityOfTrack = input.videos.map { video in
            video.tracks.map { track in faceIndex[FaceKey(item: video.itemID, face: track.faceIndex)].map { clusters.identityOfFace[$0] } }
        }
        let trackIdentities = result.identityOfTrack
        var videoIndex: [Int64: Int] = [:]
        for (i, v) in input.videos.enumerated() { videoIndex[v.itemID] = i }
        (result.videos, result.perVideo) = VideoFaceMetrics.measure(input.videos, owner: owner) { video, track in
            videoIndex[video.itemID].flatMap { trackIdentities[$0][track] }
        }
        (result.metrics, result.itemCounts) = MetricTable.build(result, input: input, items: items)
        return result
    }

    private struct FaceKey: Hashable { var item: Int64; var face: Int }

    /// The owner rules, in order: `--me`; profile pictures; owner name; most frequent.
    static func chooseOwner(_ input: AnalysisInput, clusters: FaceClusters, names: [String?],
                            items: [Int64: ItemInput]) -> (Int?, OwnerReason?) {
        guard !input.faces.isEmpty else { return (nil, nil) }
        if let me = input.me {
            var best: Int? = nil, bestDistance = Double(sameFaceDistance) * Double(sameFaceDistance)
            for (f, face) in input.faces.enumerated() {
                let d = NeighbourGraph.exactSquaredDistance(me, face.descriptor)
                if d < bestDistance { best = f; bestDistance = d }
            }
            return (best.map { clusters.identityOfFace[$0] }, .userSupplied)
        }
        var profileFaces = [Int](repeating: 0, count: clusters.members.count)
        for (f, face) in input.faces.enumerated() where items[face.itemID]?.isProfilePicture == true {
            profileFaces[clusters.identityOfFace[f]] += 1
        }
        if let top = profileFaces.max(), top > 0 { return (profileFaces.firstIndex(of: top)!, .profilePicture) }
        if let ownerName = input.ownerName {
            let key = PersonName.key(ownerName)
            if !key.isEmpty, let id = names.firstIndex(where: { $0.map(PersonName.key) == key }) { return (id, .ownerName) }
        }
        return (0, .mostFrequent)
    }

    /// The face counts. Faces below dlib's range are counted apart (`small`): every other count
    /// is of faces in dlib's range, as before the proposal network, so that its numbers keep
    /// their meaning (the owner and identities are still chosen and clustered from all faces).
    static func measureFaces(_ input: AnalysisInput, clusters: FaceClusters, labelled: [Bool], owner: Int?,
                             items: [Int64: ItemInput]) -> FaceMetrics {
        let faces = input.faces
        let inRange = faces.indices.filter { !faces[$0].belowDetectorRange }
        let allOwnerFaces = owner.map { clusters.members[$0] } ?? []
        let ownerFaces = allOwnerFaces.filter { !faces[$0].belowDetectorRange }
        let years = Set(ownerFaces.compactMap { items[faces[$0].itemID]?.captureYear })
        // Owner faces seen in profile pictures, and items elsewhere with a face that close.
        let profileOwnerFaces = ownerFaces.filter { items[faces[$0].itemID]?.isProfilePicture == true }
        var matchable: Int? = nil
        if !profileOwnerFaces.isEmpty {
            let limit = Double(sameFaceDistance) * Double(sameFaceDistance)
            var matched = Set<Int64>()
            for face in inRange.map({ faces[$0] }) where items[face.itemID]?.isProfilePicture != true && !matched.contains(face.itemID) {
                if profileOwnerFaces.contains(where: { NeighbourGraph.exactSquaredDistance(faces[$0].descriptor, face.descriptor) < limit }) {
                    matched.insert(face.itemID)
                }
            }
            matchable = matched.count
        }
        let ownerLabelled = ownerFaces.filter { labelled[$0] }.count
        let identities = Set(inRange.map { clusters.identityOfFace[$0] }).count
        let small = faces.count - inRange.count, smallOwner = allOwnerFaces.count - ownerFaces.count
        return FaceMetrics(
            detected: inRange.count, itemsWithFaces: Set(inRange.map { faces[$0].itemID }).count, identities: identities,
            owner: OwnerFaceMetrics(faces: ownerFaces.count, labelled: ownerLabelled, years: years.count,
                                    firstYear: years.min(), lastYear: years.max(), matchableFromProfile: matchable),
            others: OtherFaceMetrics(identities: identities - (ownerFaces.isEmpty ? 0 : 1), faces: inRange.count - ownerFaces.count,
                                     labelled: inRange.filter { labelled[$0] }.count - ownerLabelled),
            small: SmallFaceMetrics(detected: small, owner: smallOwner, others: small - smallOwner))
    }
}

/// The faces.* metrics (`Analysis.measureFaces` measures their values).
extension MetricTable {
    static let faceRows: [Row] = [
        Row("faces.detected", "faces detected in all items, in dlib's detector's range (40 px and up)", items: "items with faces") { c in
            (Double(c.r.faces.detected), c.r.faces.itemsWithFaces)
        },
        same("faces.items_with_faces", "items with at least one face") { $0.r.faces.itemsWithFaces },
        Row("faces.identities", "distinct people (Chinese whispers clusters at L2 < 0.6) with a face in dlib's range",
            items: "items with faces") { c in (Double(c.r.faces.identities), c.r.faces.itemsWithFaces) },
        Row("faces.owner.faces", "faces of the owner", items: "items with owner faces") { c in
            (Double(c.r.faces.owner.faces), c.distinctItems(c.ownerFaces))
        },
        Row("faces.owner.labelled", "owner faces on items that carry the owner identity's name", items: "those items") { c in
            (Double(c.r.faces.owner.labelled), c.distinctItems(c.ownerFaces.filter { c.r.faceLabelled[$0] }))
        },
        Row("faces.owner.years", "distinct capture years of items with the owner's face", items: "dated items with owner faces") { c in
            (Double(c.r.faces.owner.years), datedOwnerItems(c))
        },
        Row("faces.owner.first_year", "earliest such year; null without dated owner faces", items: "dated items with owner faces") { c in
            (c.r.faces.owner.firstYear.map(Double.init), datedOwnerItems(c))
        },
        Row("faces.owner.last_year", "latest such year; null without dated owner faces", items: "dated items with owner faces") { c in
            (c.r.faces.owner.lastYear.map(Double.init), datedOwnerItems(c))
        },
        Row("faces.owner.matchable_from_profile",
            "non-profile items with a face within 0.6 of an owner face in a profile picture; null when no profile picture shows the owner",
            items: "same") { c in (c.r.faces.owner.matchableFromProfile.map(Double.init), c.r.faces.owner.matchableFromProfile ?? 0) },
        Row("faces.others.identities", "people other than the owner", items: "items with their faces") { c in
            (Double(c.r.faces.others.identities), c.distinctItems(c.otherFaces))
        },
        Row("faces.others.faces", "faces of people other than the owner", items: "items with their faces") { c in
            (Double(c.r.faces.others.faces), c.distinctItems(c.otherFaces))
        },
        Row("faces.others.labelled", "faces of others on items carrying their identity's name", items: "those items") { c in
            (Double(c.r.faces.others.labelled), c.distinctItems(c.otherFaces.filter { c.r.faceLabelled[$0] }))
        },
        Row("faces.small.detected",
            "faces below dlib's 40 px range, found by the proposal network alone (less reliable descriptors); in no other `faces.*` count",
            items: "items with them") { c in (Double(c.r.faces.small.detected), c.distinctItems(c.input.faces.indices.filter(c.small))) },
        Row("faces.small.owner", "of those, faces of the owner", items: "items with them") { c in
            (Double(c.r.faces.small.owner), c.distinctItems(c.allOwnerFaces.filter(c.small)))
        },
        Row("faces.small.others", "of those, faces of people other than the owner", items: "items with them") { c in
            (Double(c.r.faces.small.others), c.distinctItems(c.input.faces.indices.filter { c.small($0) && !c.ownerSet.contains($0) }))
        },
    ]

    /// Items with a capture year and an owner face in dlib's range.
    static func datedOwnerItems(_ c: Context) -> Int {
        c.distinctItems(c.ownerFaces.filter { c.items[c.input.faces[$0].itemID]?.captureYear != nil })
    }
}
