import ExposureAnalysis
import ExposureModel
import ExposureStore
import Foundation

/// Runs the analysis over an inventory and stores its results: reads a snapshot, turns it
/// into the analysis' plain inputs, and writes identities, labels, places, devices and the
/// metrics back as one replacement.
enum AnalysisStep {
    /// The analysis inputs for a snapshot, with the store's face ids in input order.
    /// Items are given in content-hash order and faces in that order too, so the results (place
    /// centres summed in item order, identity ids ordered by face index) do not depend on the
    /// order files were written in: a resumed scan analyses to the same bytes as a clean one.
    static func input(_ s: InventorySnapshot, me: [Float]?) -> (AnalysisInput, faceIDs: [Int64]) {
        let filesByItem = Dictionary(grouping: s.files, by: \.itemID)
        let platformTags = Dictionary(grouping: s.tags.filter { $0.origin == "platform" }, by: \.itemID)
        let ordered = s.items.sorted { $0.sha256 < $1.sha256 }
        let rank = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1.id, $0) })
        let (accounts, accountOfSource) = self.accounts(s.sources)
        let items = ordered.map { item -> ItemInput in
            let files = filesByItem[item.id, default: []]
            var input = ItemInput(id: item.id, embedded: item.embedded, platform: mergedPlatformMetadata(files),
                                  isProfilePicture: files.contains(where: \.isProfilePicture))
            // Platform tags are stored per item; read them back from the tag table.
            input.platformPeople = platformTags[item.id, default: []].map(\.name).sorted()
            input.accounts = Set(files.compactMap { accountOfSource[$0.sourceID] }).sorted()
            input.audience = Audience.widest(files.flatMap { $0.appearances.map(\.audience) })
            input.fingerprint = item.fingerprint
            return input
        }
        let orderedFaces = s.faces.sorted { (rank[$0.itemID] ?? 0, $0.faceIndex) < (rank[$1.itemID] ?? 0, $1.faceIndex) }
        let faces = orderedFaces.map {
            FaceInput(itemID: $0.itemID, faceIndex: $0.faceIndex, descriptor: $0.face.descriptor, box: $0.face.box,
                      belowDetectorRange: $0.face.belowDetectorRange)
        }
        let owner = s.sources.compactMap(\.ownerName).first
        // Videos in content-hash order too.
        let videos = ordered.compactMap { item in
            s.videos[item.id].map { VideoInput(itemID: item.id, duration: $0.duration, sampleInterval: $0.sampleInterval,
                                               analysedSeconds: $0.analysedSeconds, tracks: $0.tracks) }
        }
        var input = AnalysisInput(faces: faces, items: items, ownerName: owner, me: me, videos: videos)
        input.accounts = accounts
        return (input, orderedFaces.map(\.id))
    }

    /// Accounts: sources of one platform and one owner name are one account (parts or repeated
    /// exports of it); a source without an owner name is an account of its own.
    static func accounts(_ sources: [SourceRecord]) -> ([AccountInput], [Int64: Int]) {
        var accounts: [AccountInput] = [], indexOfKey: [String: Int] = [:], accountOfSource: [Int64: Int] = [:]
        for source in sources {
            let owner = source.ownerName?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            let key = owner.isEmpty ? "source \(source.id)" : "\(source.platform)\u{0}\(owner)"
            if let known = indexOfKey[key] { accountOfSource[source.id] = known; continue }
            let platform = Platform(rawValue: source.platform)?.displayName ?? source.platform
            indexOfKey[key] = accounts.count
            accountOfSource[source.id] = accounts.count
            accounts.append(AccountInput(label: "\(platform) (\(source.name))"))
        }
        return (accounts, accountOfSource)
    }

    /// One item can sit in several places (albums, sources): what the platforms say about
    /// it, combined. First known value per field; the earliest "taken" time; all people.
    static func mergedPlatformMetadata(_ files: [ItemFileRecord]) -> PlatformMetadata? {
        let all = files.compactMap(\.platformMetadata)
        guard !all.isEmpty else { return nil }
        var m = PlatformMetadata()
        m.takenTime = all.compactMap(\.takenTime).min()
        m.location = all.compactMap(\.location).first { $0.isMeaningful }
        m.placeName = all.compactMap(\.placeName).first
        m.cameraMake = all.compactMap(\.cameraMake).first
        m.cameraModel = all.compactMap(\.cameraModel).first
        m.uploadIP = all.compactMap(\.uploadIP).first
        m.deviceID = all.compactMap(\.deviceID).first
        return m
    }

    /// Runs the analysis and stores it. Returns the result for the caller's summary.
    @discardableResult
    static func run(database: InventoryDatabase, me: [Float]?) throws -> AnalysisResult {
        let snapshot = try database.snapshot()
        let (input, faceIDs) = self.input(snapshot, me: me)
        let geocoder = try? Geocoder(csvURL: Geocoder.defaultTableURL)
        let result = Analysis.run(input, geocoder: geocoder)

        let identities = result.identities.map { identity in
            AnalysisWrite.Identity(id: Int64(identity.id + 1), name: identity.name, isOwner: identity.id == result.owner,
                                   faceIDs: identity.faces.map { faceIDs[$0] })
        }
        let labelled = Set(result.faceLabelled.indices.filter { result.faceLabelled[$0] }.map { faceIDs[$0] })
        let places = result.places.places.map { p in
            AnalysisWrite.Place(latitude: p.latitude, longitude: p.longitude, itemCount: p.items.count, nightDays: p.nightDays,
                                isHome: p.id == result.places.home, isRegular: result.places.regularPlaces.contains(p.id),
                                city: p.city?.name, country: p.city?.countryCode)
        }
        let d = result.devices
        var devices: [AnalysisWrite.Device] = []
        for (kind, set) in [("camera_model", d.cameraModels), ("serial_number", d.serialNumbers), ("owner_name", d.ownerNames),
                            ("upload_ip", d.uploadIPs), ("device_id", d.deviceIDs)] {
            devices += set.values.indices.map { i in
                AnalysisWrite.Device(kind: kind, value: set.values[i], itemCount: i < set.itemsPerValue.count ? set.itemsPerValue[i] : 0)
            }
        }
        let analysis = StoredAnalysis(
            faces: result.faces, metrics: result.metrics, itemCounts: result.itemCounts, ownerReason: result.ownerReason?.rawValue,
            distinctPlaces: result.places.places.count, staleThumbnails: d.staleThumbnails, audience: result.audience,
            linkage: result.linkage, videos: result.videos, perVideo: result.perVideo)
        try database.replaceAnalysis(AnalysisWrite(identities: identities, labelledFaceIDs: labelled, places: places,
                                                   devices: devices, analysis: analysis))
        return result
    }
}
