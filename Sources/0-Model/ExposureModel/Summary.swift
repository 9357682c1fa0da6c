/// `exposure summary --json`: the contract ("schema": "exposure.summary/5").
/// Key names are the JSON names; every count is an integer, seconds have one decimal.
/// Version 2 added `faces.small` (faces below dlib's detector's 40 px range, counted apart);
/// version 3 `audience` (who could see the items) and `linkage` (what ties the accounts together);
/// version 4 `videos` (faces in videos: tracks, seconds on screen, distinct views);
/// version 5 `scan` (finished or not, faces searched or not): `faces` and `videos` are null when
/// faces were not searched, and every part the analysis computes (`faces`, `audience`, `linkage`,
/// `videos`, `findings`) is null while the scan is unfinished, never zeros; and `exposure` (the
/// version, git commit and pinned model files of the Exposure that made the summary; null when unknown).
public struct Summary: Codable, Equatable, Sendable {
    public static let currentSchema = "exposure.summary/5"
    public var schema: String = Summary.currentSchema
    /// Whether the numbers below are whole (schema 5).
    public var scan = ScanStatus()
    /// Which Exposure made this summary, and with which models (schema 5); nil: not recorded.
    public var exposure: ProgramVersion?
    public var owner: Owner
    public var sources: [Source]
    public var items: Items
    public var time: Time
    public var location: Location
    public var devices: Devices
    public var people: People
    public var faces: Faces
    public var audience = AudienceMetrics()
    public var linkage = LinkageMetrics()
    public var videos: Videos = Videos()
    public var findings: [Finding]

    enum CodingKeys: String, CodingKey { case schema, exposure, scan, owner, sources, items, time, location, devices, people, faces, audience, linkage, videos, findings }

    /// Faces in videos (version 4): the analysis's own metrics type.
    public typealias Videos = VideoFaceMetrics

    public struct Owner: Codable, Equatable, Sendable {
        public var name: String?
        public init(name: String?) { self.name = name }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
        }
        enum CodingKeys: String, CodingKey { case name }
    }
    public struct Source: Codable, Equatable, Sendable {
        /// Archive file or folder name, without directories.
        public var name: String
        public var platform: String
        public init(name: String, platform: String) { self.name = name; self.platform = platform }
    }
    public struct Items: Codable, Equatable, Sendable {
        public var total = 0, photos = 0, videos = 0, unreadable = 0, missing = 0
        public var profilePictures = 0
        enum CodingKeys: String, CodingKey {
            case total, photos, videos, unreadable, missing, profilePictures = "profile_pictures"
        }
        public init() {}
    }
    public struct Time: Codable, Equatable, Sendable {
        public var itemsWithCaptureTime = 0
        /// "YYYY-MM-DD" or null.
        public var first: String?
        public var last: String?
        enum CodingKeys: String, CodingKey { case itemsWithCaptureTime = "items_with_capture_time", first, last }
        public init() {}
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(itemsWithCaptureTime, forKey: .itemsWithCaptureTime)
            try c.encode(first, forKey: .first)   // explicit null, not an absent key
            try c.encode(last, forKey: .last)
        }
    }
    public struct Location: Codable, Equatable, Sendable {
        public var itemsWithExifGPS = 0, itemsWithPlatformLocation = 0, itemsWithAnyLocation = 0
        public var distinctPlaces = 0, uploadIPs = 0
        enum CodingKeys: String, CodingKey {
            case itemsWithExifGPS = "items_with_exif_gps", itemsWithPlatformLocation = "items_with_platform_location"
            case itemsWithAnyLocation = "items_with_any_location", distinctPlaces = "distinct_places", uploadIPs = "upload_ips"
        }
        public init() {}
    }
    public struct Devices: Codable, Equatable, Sendable {
        public var cameraModels = 0, serialNumbers = 0, ownerNames = 0
        enum CodingKeys: String, CodingKey {
            case cameraModels = "camera_models", serialNumbers = "serial_numbers", ownerNames = "owner_names"
        }
        public init() {}
    }
    public struct People: Codable, Equatable, Sendable {
        public var named = 0, tagInstances = 0, graphEdges = 0
        enum CodingKeys: String, CodingKey { case named, tagInstances = "tag_instances", graphEdges = "graph_edges" }
        public init() {}
    }
    /// The analysis' face metrics (FaceMetrics.swift): every count but `small` is of faces in
    /// dlib's detector's range (40 px and up).
    public typealias Faces = FaceMetrics
    public typealias OwnerFaces = OwnerFaceMetrics
    public typealias OtherFaces = OtherFaceMetrics
    /// Faces the proposal network found below dlib's detector's 40 px range: in no other `faces` count.
    public typealias SmallFaces = SmallFaceMetrics
    public init(owner: Owner = Owner(name: nil), sources: [Source] = [], items: Items = Items(), time: Time = Time(),
                location: Location = Location(), devices: Devices = Devices(), people: People = People(),
                faces: Faces = Faces(), findings: [Finding] = []) {
        self.owner = owner; self.sources = sources; self.items = items; self.time = time; self.location = location
        self.devices = devices; self.people = people; self.faces = faces; self.findings = findings
    }

    /// Summaries of versions 1 to 3 lack some of `audience`, `linkage` (before 3) and `videos`
    /// (before 4: no video's frames were searched): they read as zeros. Before 5 there is no
    /// `scan`: a finished scan with faces. A null part (schema 5) reads as zeros with `scan` saying why.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(String.self, forKey: .schema)
        scan = try c.decodeIfPresent(ScanStatus.self, forKey: .scan) ?? ScanStatus()
        exposure = try c.decodeIfPresent(ProgramVersion.self, forKey: .exposure)
        owner = try c.decode(Owner.self, forKey: .owner)
        sources = try c.decode([Source].self, forKey: .sources)
        items = try c.decode(Items.self, forKey: .items)
        time = try c.decode(Time.self, forKey: .time)
        location = try c.decode(Location.self, forKey: .location)
        devices = try c.decode(Devices.self, forKey: .devices)
        people = try c.decode(People.self, forKey: .people)
        faces = try c.decodeIfPresent(Faces.self, forKey: .faces) ?? Faces()
        audience = try c.decodeIfPresent(AudienceMetrics.self, forKey: .audience) ?? AudienceMetrics()
        linkage = try c.decodeIfPresent(LinkageMetrics.self, forKey: .linkage) ?? LinkageMetrics()
        videos = try c.decodeIfPresent(Videos.self, forKey: .videos) ?? Videos()
        findings = try c.decodeIfPresent([Finding].self, forKey: .findings) ?? []
    }

    /// Whether the face numbers can be read: faces were searched and the scan finished.
    public var facesKnown: Bool { scan.facesSearched && scan.finished }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(exposure, forKey: .exposure)   // explicit null
        try c.encode(scan, forKey: .scan)
        try c.encode(owner, forKey: .owner)
        try c.encode(sources, forKey: .sources)
        try c.encode(items, forKey: .items)
        try c.encode(time, forKey: .time)
        try c.encode(location, forKey: .location)
        try c.encode(devices, forKey: .devices)
        try c.encode(people, forKey: .people)
        // null, not zeros: unknown is not none.
        try c.encode(facesKnown ? faces : nil, forKey: .faces)
        try c.encode(scan.finished ? audience : nil, forKey: .audience)
        try c.encode(scan.finished ? linkage : nil, forKey: .linkage)
        try c.encode(facesKnown ? videos : nil, forKey: .videos)
        try c.encode(scan.finished ? findings : nil, forKey: .findings)
    }

    /// Every numeric metric by its dotted JSON path ("faces.owner.labelled"), for rules and diffs.
    /// A null metric maps to nil.
    public var metrics: [String: Double?] {
        var m: [String: Double?] = [:]
        m["items.total"] = Double(items.total); m["items.photos"] = Double(items.photos)
        m["items.videos"] = Double(items.videos); m["items.unreadable"] = Double(items.unreadable)
        m["items.missing"] = Double(items.missing); m["items.profile_pictures"] = Double(items.profilePictures)
        m["time.items_with_capture_time"] = Double(time.itemsWithCaptureTime)
        m["location.items_with_exif_gps"] = Double(location.itemsWithExifGPS)
        m["location.items_with_platform_location"] = Double(location.itemsWithPlatformLocation)
        m["location.items_with_any_location"] = Double(location.itemsWithAnyLocation)
        m["location.distinct_places"] = Double(location.distinctPlaces)
        m["location.upload_ips"] = Double(location.uploadIPs)
        m["devices.camera_models"] = Double(devices.cameraModels)
        m["devices.serial_numbers"] = Double(devices.serialNumbers)
        m["devices.owner_names"] = Double(devices.ownerNames)
        m["people.named"] = Double(people.named); m["people.tag_instances"] = Double(people.tagInstances)
        m["people.graph_edges"] = Double(people.graphEdges)
        m["faces.detected"] = Double(faces.detected); m["faces.items_with_faces"] = Double(faces.itemsWithFaces)
        m["faces.identities"] = Double(faces.identities)
        m["faces.owner.faces"] = Double(faces.owner.faces); m["faces.owner.labelled"] = Double(faces.owner.labelled)
        m["faces.owner.years"] = Double(faces.owner.years)
        m.updateValue(faces.owner.firstYear.map(Double.init), forKey: "faces.owner.first_year")  // keeps the key when null
        m.updateValue(faces.owner.lastYear.map(Double.init), forKey: "faces.owner.last_year")  // keeps the key when null
        m.updateValue(faces.owner.matchableFromProfile.map(Double.init), forKey: "faces.owner.matchable_from_profile")  // keeps the key when null
        m["faces.others.identities"] = Double(faces.others.identities)
        m["faces.others.faces"] = Double(faces.others.faces); m["faces.others.labelled"] = Double(faces.others.labelled)
        m["faces.small.detected"] = Double(faces.small.detected); m["faces.small.owner"] = Double(faces.small.owner)
        m["faces.small.others"] = Double(faces.small.others)
        for (key, value) in audience.metrics { m["audience." + key] = Double(value) }
        for (key, value) in linkage.metrics { m["linkage." + key] = Double(value) }
        m["videos.analysed"] = Double(videos.analysed); m["videos.seconds_analysed"] = videos.secondsAnalysed
        m["videos.tracks"] = Double(videos.tracks); m["videos.with_owner"] = Double(videos.withOwner)
        m["videos.owner_seconds"] = videos.ownerSeconds; m["videos.owner_views"] = Double(videos.ownerViews)
        m["videos.with_others"] = Double(videos.withOthers); m["videos.others_seconds"] = videos.othersSeconds
        if !facesKnown {
            // Unknown, not zero: every number that needs faces.
            for key in m.keys where key.hasPrefix("faces.") || key.hasPrefix("videos.") || Self.needsFaces.contains(key) {
                m.updateValue(nil, forKey: key)
            }
        }
        if !scan.finished {
            // The analysis of an unfinished scan is missing or stale.
            for key in m.keys where key.hasPrefix("audience.") || key.hasPrefix("linkage.") || key == "location.distinct_places" {
                m.updateValue(nil, forKey: key)
            }
        }
        return m
    }

    /// Metric paths outside `faces` and `videos` that count faces.
    public static let needsFaces: Set<String> = ["audience.public_owner_photos", "audience.public_labelled_faces", "linkage.identities"]
}

/// The summary's `audience` object, computed by the analysis (one type for both). An item's
/// audience is the widest of its appearances' (`Audience.widest`); "unknown" when the exports do
/// not say. The `public_*` counts are of public items (faces in dlib's range).
public struct AudienceMetrics: Codable, Equatable, Hashable, Sendable {
    public var publicItems = 0, sharedItems = 0, privateItems = 0, unknownItems = 0
    /// Public items with the owner's face.
    public var publicOwnerPhotos = 0
    /// Faces labelled with their person's name on public items.
    public var publicLabelledFaces = 0
    /// Public items with coordinates (EXIF or platform).
    public var publicItemsWithGPS = 0
    enum CodingKeys: String, CodingKey {
        case publicItems = "public_items", sharedItems = "shared_items", privateItems = "private_items"
        case unknownItems = "unknown_items", publicOwnerPhotos = "public_owner_photos"
        case publicLabelledFaces = "public_labelled_faces", publicItemsWithGPS = "public_items_with_gps"
    }
    public init() {}
    /// Key (JSON name) -> value, for `Summary.metrics`.
    public var metrics: [String: Int] {
        ["public_items": publicItems, "shared_items": sharedItems, "private_items": privateItems, "unknown_items": unknownItems,
         "public_owner_photos": publicOwnerPhotos, "public_labelled_faces": publicLabelledFaces,
         "public_items_with_gps": publicItemsWithGPS]
    }
}

/// The summary's `linkage` object, computed by the analysis: what ties different accounts (sources
/// of different platforms or owners) to each other.
public struct LinkageMetrics: Codable, Equatable, Hashable, Sendable {
    /// Accounts tied to at least one other by any link below.
    public var linkedAccounts = 0
    /// The same photo (byte-identical or re-posted: recompressed, resized, cropped, filtered) in
    /// more than one account: one per photo.
    public var repostedPhotos = 0
    /// Camera body or lens serial numbers in more than one account.
    public var cameraSerials = 0
    /// Camera owner names (CameraOwnerName, Artist) in more than one account.
    public var ownerNames = 0
    /// People (face identities) seen in more than one account.
    public var identities = 0
    enum CodingKeys: String, CodingKey {
        case linkedAccounts = "linked_accounts", repostedPhotos = "reposted_photos", cameraSerials = "camera_serials"
        case ownerNames = "owner_names", identities
    }
    public init() {}
    public var metrics: [String: Int] {
        ["linked_accounts": linkedAccounts, "reposted_photos": repostedPhotos, "camera_serials": cameraSerials,
         "owner_names": ownerNames, "identities": identities]
    }
}

/// The summary's `videos` object, computed by the analysis (one type for both). A video's face
/// track also counts as one face in `faces`.
public struct VideoFaceMetrics: Codable, Hashable, Sendable {
    /// Videos whose frames were searched for faces.
    public var analysed = 0
    /// Seconds of video the samples covered.
    public var secondsAnalysed = 0.0
    /// Face tracks in them (one person on screen across consecutive samples).
    public var tracks = 0
    /// Videos with a track of the owner.
    public var withOwner = 0
    /// Seconds of video with the owner's face on screen (tracks of one video merged where they overlap).
    public var ownerSeconds = 0.0
    /// Distinct views of the owner's face (frames at a head pose or descriptor not seen before in the track).
    public var ownerViews = 0
    /// Videos with a track of anyone else.
    public var withOthers = 0
    /// Seconds of video with someone else's face on screen.
    public var othersSeconds = 0.0
    enum CodingKeys: String, CodingKey {
        case analysed, secondsAnalysed = "seconds_analysed", tracks, withOwner = "with_owner", ownerSeconds = "owner_seconds"
        case ownerViews = "owner_views", withOthers = "with_others", othersSeconds = "others_seconds"
    }
    public init() {}
}
