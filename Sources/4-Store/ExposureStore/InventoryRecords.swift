import ExposureModel
import Foundation

/// A source as stored: one archive (or one group of split-zip parts) or folder.
public struct SourceRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var platform: String
    public var ownerName: String?
    public var listed: Bool
}

/// One occurrence of a media file in a source, with what the platform says about it.
public struct ItemFileRecord: Sendable {
    public var id: Int64
    public var itemID: Int64
    public var sourceID: Int64
    public var path: String
    public var isProfilePicture: Bool
    public var appearances: [Appearance]
    public var platformMetadata: PlatformMetadata?
}

/// A person tag on an item. `origin` is "platform", "xmp_region" or "person_in_image".
public struct PersonTagRecord: Sendable, Equatable {
    public var itemID: Int64
    public var name: String
    public var nameKey: String
    public var origin: String
    public var region: FaceRegion?
}

/// A stored face.
public struct FaceRecord: Sendable {
    public var id: Int64
    public var itemID: Int64
    public var faceIndex: Int
    public var face: DetectedFace
    public var thumbnail: Data?
    public var identityID: Int64?
    public var labelled: Bool
}

/// A distinct media file.
public struct ItemRecord: Sendable {
    public var id: Int64
    public var sha256: String
    public var kind: MediaKind
    public var byteSize: Int64
    public var unreadableReason: String?
    public var embedded: EmbeddedMetadata?
    public var facesAnalysed: Bool
    /// nil for videos, unreadable files and items scanned before fingerprints existed.
    public var fingerprint: PerceptualFingerprint? = nil
}

/// Everything in one inventory, read in one transaction: the input of summary,
/// analysis, report, diff and plan.
public struct InventorySnapshot: Sendable {
    public var sources: [SourceRecord]
    public var items: [ItemRecord]
    public var files: [ItemFileRecord]
    public var tags: [PersonTagRecord]
    public var faces: [FaceRecord]
    public var missing: [(sourceID: Int64, path: String)]
    public var skipped: [(sourceID: Int64?, path: String, reason: String)]
    /// The analysis's results beside identities, places and devices (every part nil before it ran).
    public var storedAnalysis: StoredAnalysis
    public var identities: [IdentityRecord]
    public var places: [AnalysisWrite.Place]
    public var devices: [AnalysisWrite.Device]
    /// How the inventory was made (the `setting` table: the face search, ...).
    public var settings: [String: String] = [:]
    /// Analysed videos by item id, with their tracks.
    public var videos: [Int64: VideoAnalysis] = [:]
    /// Identity id per video track, by item id and track index (nil before the analysis ran).
    public var trackIdentities: [Int64: [Int: Int64]] = [:]
}

/// An identity found by the analysis (a cluster of faces of one person).
public struct IdentityRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String?
    public var isOwner: Bool
    public var faceCount: Int
}

/// What the scan writes for one media file of one source, in one transaction.
public struct ItemWrite: Sendable {
    public var sha256: String
    public var kind: MediaKind
    public var byteSize: Int64
    public var sourceID: Int64
    public var path: String
    public var reference: MediaReference
    public var embedded: EmbeddedMetadata?
    public var unreadableReason: String?
    /// nil when faces were not analysed (scan --no-faces, unreadable images and videos).
    public var faces: [FaceWrite]?
    /// The photo's perceptual fingerprint (nil for videos, unreadable and featureless pictures).
    public var fingerprint: PerceptualFingerprint?
    /// A video's sampling and face tracks, written with its faces.
    public var video: VideoAnalysis?

    public init(sha256: String, kind: MediaKind, byteSize: Int64, sourceID: Int64, path: String,
                reference: MediaReference, embedded: EmbeddedMetadata?, unreadableReason: String?, faces: [FaceWrite]?,
                fingerprint: PerceptualFingerprint? = nil, video: VideoAnalysis? = nil) {
        self.sha256 = sha256; self.kind = kind; self.byteSize = byteSize; self.sourceID = sourceID
        self.path = path; self.reference = reference; self.embedded = embedded
        self.unreadableReason = unreadableReason; self.faces = faces; self.fingerprint = fingerprint; self.video = video
    }
}

public struct FaceWrite: Sendable {
    public var face: DetectedFace
    /// A small JPEG of the face for the report.
    public var thumbnail: Data?
    public init(face: DetectedFace, thumbnail: Data?) { self.face = face; self.thumbnail = thumbnail }
}

/// Analysis results, written as a whole.
public struct AnalysisWrite: Sendable {
    public struct Identity: Sendable {
        public var id: Int64
        public var name: String?
        public var isOwner: Bool
        public var faceIDs: [Int64]
        public init(id: Int64, name: String?, isOwner: Bool, faceIDs: [Int64]) {
            self.id = id; self.name = name; self.isOwner = isOwner; self.faceIDs = faceIDs
        }
    }
    public struct Place: Sendable {
        public var latitude: Double, longitude: Double, itemCount: Int, nightDays: Int
        public var isHome: Bool, isRegular: Bool, city: String?, country: String?
        public init(latitude: Double, longitude: Double, itemCount: Int, nightDays: Int,
                    isHome: Bool, isRegular: Bool, city: String?, country: String?) {
            self.latitude = latitude; self.longitude = longitude; self.itemCount = itemCount
            self.nightDays = nightDays; self.isHome = isHome; self.isRegular = isRegular
            self.city = city; self.country = country
        }
    }
    public struct Device: Sendable {
        public var kind: String, value: String, itemCount: Int
        public init(kind: String, value: String, itemCount: Int) { self.kind = kind; self.value = value; self.itemCount = itemCount }
    }
    public var identities: [Identity]
    public var labelledFaceIDs: Set<Int64>
    public var places: [Place]
    public var devices: [Device]
    /// The rest of the results: metrics, the summary's analysed objects, linkage, per-video facts.
    public var analysis: StoredAnalysis

    public init(identities: [Identity], labelledFaceIDs: Set<Int64>, places: [Place], devices: [Device], analysis: StoredAnalysis) {
        self.identities = identities; self.labelledFaceIDs = labelledFaceIDs; self.places = places
        self.devices = devices; self.analysis = analysis
    }
}

public extension String {
    /// The key under which person names are compared: NFC, trimmed, case-folded.
    var personNameKey: String {
        precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
            .lowercased()
    }
}
