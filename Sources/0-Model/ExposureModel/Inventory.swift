import Foundation

/// A point on Earth in degrees (WGS 84), altitude in metres when known.
public struct GeoPoint: Codable, Hashable, Sendable {
    public var latitude: Double
    public var longitude: Double
    public var altitude: Double?

    public init(latitude: Double, longitude: Double, altitude: Double? = nil) {
        self.latitude = latitude; self.longitude = longitude; self.altitude = altitude
    }

    /// Platforms write (0, 0) for "no location"; so do some cameras without a fix.
    public var isNullIsland: Bool { latitude == 0 && longitude == 0 }

    /// A coordinate that can be a real place: in range and not (0, 0).
    public var isMeaningful: Bool {
        !isNullIsland && latitude.isFinite && longitude.isFinite && abs(latitude) <= 90 && abs(longitude) <= 180
    }
}

/// Who could see an item where it was posted, as the export records it, with where it says so.
/// An appearance whose export says nothing has no audience (unknown): it is never guessed.
public struct Audience: Codable, Hashable, Sendable {
    public enum Level: String, Codable, Sendable, CaseIterable {
        /// Anyone, logged in or not: what scrapers and dataset builders could take.
        case `public`
        /// A chosen group: friends, followers of a private account, a shared album's members.
        case shared
        /// Only the account holder.
        case `private`
    }
    public var level: Level
    /// The export's evidence, e.g. "posts/your_posts_1.json: audience \"Friends\"".
    public var evidence: String

    public init(_ level: Level, evidence: String) { self.level = level; self.evidence = evidence }

    /// An item's audience over all its appearances (every album, post and export it is in): public
    /// when any is public; unknown (nil) when none is and any is unknown, or there are none;
    /// else shared when any is shared; else private.
    public static func widest(_ audiences: [Audience?]) -> Level? {
        if audiences.contains(where: { $0?.level == .public }) { return .public }
        if audiences.isEmpty || audiences.contains(where: { $0 == nil }) { return nil }
        return audiences.contains { $0?.level == .shared } ? .shared : .private
    }
}

/// Where an item appears in an export: an album, a post, a story, a tweet, a memory.
/// One photo (one SHA-256) can appear several times.
public struct Appearance: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case album, post, story, profilePicture = "profile_picture", uncategorized, tweet, memory, folder, other
    }
    public var kind: Kind
    /// Album or collection name as the platform shows it (mojibake repaired).
    public var album: String?
    /// Caption, post text or tweet text.
    public var caption: String?
    /// When the post was made (UTC). Never used as capture time.
    public var postTime: Date?
    /// The platform's id for the post or media (tweet id, media id, ...).
    public var platformID: String?
    /// A link to the post on the platform, when the export has one.
    public var link: String?
    /// Who could see it there; nil when the export does not say.
    public var audience: Audience?

    public init(kind: Kind, album: String? = nil, caption: String? = nil, postTime: Date? = nil,
                platformID: String? = nil, link: String? = nil, audience: Audience? = nil) {
        self.kind = kind; self.album = album; self.caption = caption
        self.postTime = postTime; self.platformID = platformID; self.link = link; self.audience = audience
    }
}

/// Metadata a platform recorded about a media file in its JSON, kept apart from the
/// metadata embedded in the file itself (never blindly merged).
public struct PlatformMetadata: Codable, Hashable, Sendable {
    /// A "taken" time from the platform (Google photoTakenTime, Facebook taken_timestamp,
    /// Instagram date_time_original), UTC. Never the upload or post time.
    public var takenTime: Date?
    /// Coordinates from the platform JSON, already filtered for (0, 0).
    public var location: GeoPoint?
    /// Place name from a check-in or place tag.
    public var placeName: String?
    public var cameraMake: String?
    public var cameraModel: String?
    /// IP address the platform recorded for the upload (Facebook `upload_ip`).
    public var uploadIP: String?
    /// Device identifier the platform recorded (Instagram `device_id`).
    public var deviceID: String?
    /// Names of people tagged on this item by the platform (Google `people[].name`,
    /// Facebook tags, ...). Raw strings as in the export, mojibake repaired.
    public var people: [String]
    /// Which JSON file this came from, relative to the export root.
    public var sourceFile: String?
    /// Snapchat: the memory came with a transparent caption/drawing layer (`-overlay.png`) beside it.
    /// The overlay is part of this item (caption content), never an item of its own. nil: no overlay known.
    public var hasOverlay: Bool? = nil

    public init(takenTime: Date? = nil, location: GeoPoint? = nil, placeName: String? = nil,
                cameraMake: String? = nil, cameraModel: String? = nil, uploadIP: String? = nil,
                deviceID: String? = nil, people: [String] = [], sourceFile: String? = nil) {
        self.takenTime = takenTime; self.location = location; self.placeName = placeName
        self.cameraMake = cameraMake; self.cameraModel = cameraModel; self.uploadIP = uploadIP
        self.deviceID = deviceID; self.people = people; self.sourceFile = sourceFile
    }
}

/// A media file the export's JSON (or folder layout) refers to.
public struct MediaReference: Codable, Hashable, Sendable {
    /// Path of the file inside the export, relative to its root, '/'-separated,
    /// as resolved by the reader against the entries that exist. When the file is
    /// absent, the path as written in the JSON.
    public var path: String
    public var appearances: [Appearance]
    public var metadata: PlatformMetadata
    public var isProfilePicture: Bool
    /// False when the JSON names the file but the archive does not contain it.
    public var isPresent: Bool

    public init(path: String, appearances: [Appearance] = [], metadata: PlatformMetadata = PlatformMetadata(),
                isProfilePicture: Bool = false, isPresent: Bool = true) {
        self.path = path; self.appearances = appearances; self.metadata = metadata
        self.isProfilePicture = isProfilePicture; self.isPresent = isPresent
    }
}

/// Everything a platform reader found in one export.
public struct ParsedExport: Codable, Sendable {
    public var platform: Platform
    /// The account owner's display name, where the export has it.
    public var ownerName: String?
    /// The account's handle (X `username`, Instagram `Username`), where the export has it.
    public var ownerUsername: String?
    /// Every media file, present or referenced but missing. A file referenced from
    /// several places appears once, with several appearances.
    public var media: [MediaReference]
    /// Problems met while parsing (a corrupt JSON file, an unresolvable uri): one line each,
    /// naming the file.
    public var warnings: [String]

    public init(platform: Platform, ownerName: String? = nil, media: [MediaReference] = [], warnings: [String] = [],
                ownerUsername: String? = nil) {
        self.platform = platform; self.ownerName = ownerName; self.media = media; self.warnings = warnings
        self.ownerUsername = ownerUsername
    }
}

/// The kind of media, from the file's magic bytes (falling back to its extension).
public enum MediaKind: String, Codable, Sendable {
    case photo, video
}
