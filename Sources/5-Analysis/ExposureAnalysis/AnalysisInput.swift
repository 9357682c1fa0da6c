import Foundation
import ExposureModel

// The inputs of the analysis: plain values the scan pipeline reads from the SQLite
// inventory. Nothing here touches a database or a file.

/// One detected face: which item it is in, where, and its 128-D dlib descriptor.
public struct FaceInput: Codable, Hashable, Sendable {
    /// The inventory id of the item (photo) the face was found in.
    public var itemID: Int64
    /// The face's index within its item (detector order).
    public var faceIndex: Int
    /// 128 floats; faces of one person lie within 0.6 of each other (L2).
    public var descriptor: [Float]
    /// Pixel box in the decoded image after EXIF orientation; used to match XMP face regions.
    public var box: DetectedFace.Box?
    /// Found by the proposal network below dlib's detector's 40 px window
    /// (`DetectedFace.belowDetectorRange`): clustered like any face, counted apart (`faces.small.*`).
    public var belowDetectorRange: Bool

    public init(itemID: Int64, faceIndex: Int, descriptor: [Float], box: DetectedFace.Box? = nil, belowDetectorRange: Bool = false) {
        self.itemID = itemID; self.faceIndex = faceIndex; self.descriptor = descriptor; self.box = box
        self.belowDetectorRange = belowDetectorRange
    }
}

/// One media item with the metadata the analysis uses. Fill it directly, or with
/// `init(id:embedded:platform:isProfilePicture:)` from the model types.
public struct ItemInput: Codable, Hashable, Sendable {
    public var id: Int64
    /// The item appears as a profile picture in the export.
    public var isProfilePicture: Bool
    /// EXIF DateTimeOriginal: local wall-clock time (preferred for years and night hours).
    public var captureTime: LocalDateTime?
    /// The platform's "taken" time (UTC), used when there is no EXIF capture time.
    public var takenTime: Date?
    /// Names of people the platform tagged on the item (Google people, Facebook tags, ...).
    public var platformPeople: [String]
    /// IPTC Extension PersonInImage names.
    public var personInImage: [String]
    /// Named XMP (MWG) face regions, normalized to the image size below.
    public var faceRegions: [FaceRegion]
    /// Pixel size after EXIF orientation (needed to place face regions).
    public var width: Int?
    public var height: Int?
    /// GPS from EXIF.
    public var exifLocation: GeoPoint?
    /// Coordinates from the platform's JSON.
    public var platformLocation: GeoPoint?
    /// EXIF Make / Model.
    public var cameraMake: String?
    public var cameraModel: String?
    /// Make / model the platform recorded.
    public var platformCameraMake: String?
    public var platformCameraModel: String?
    /// EXIF BodySerialNumber and LensSerialNumber.
    public var bodySerialNumber: String?
    public var lensSerialNumber: String?
    /// EXIF CameraOwnerName and Artist.
    public var cameraOwnerName: String?
    public var artist: String?
    /// Upload IP address the platform recorded (Facebook).
    public var uploadIP: String?
    /// Device id the platform recorded (Instagram).
    public var deviceID: String?
    /// The embedded EXIF thumbnail shows something other than the main image.
    public var thumbnailDiffers: Bool?
    /// Indices into `AnalysisInput.accounts` of the accounts whose exports hold the item.
    public var accounts: [Int] = []
    /// Who could see it (`Audience.widest` of its appearances); nil: the exports do not say.
    public var audience: Audience.Level? = nil
    /// Its perceptual fingerprint (photos), for finding it re-posted as other files.
    public var fingerprint: PerceptualFingerprint? = nil

    public init(id: Int64, isProfilePicture: Bool = false, captureTime: LocalDateTime? = nil, takenTime: Date? = nil,
                platformPeople: [String] = [], personInImage: [String] = [], faceRegions: [FaceRegion] = [],
                width: Int? = nil, height: Int? = nil, exifLocation: GeoPoint? = nil, platformLocation: GeoPoint? = nil,
                cameraMake: String? = nil, cameraModel: String? = nil,
                platformCameraMake: String? = nil, platformCameraModel: String? = nil,
                bodySerialNumber: String? = nil, lensSerialNumber: String? = nil,
                cameraOwnerName: String? = nil, artist: String? = nil,
                uploadIP: String? = nil, deviceID: String? = nil, thumbnailDiffers: Bool? = nil) {
        self.id = id; self.isProfilePicture = isProfilePicture; self.captureTime = captureTime; self.takenTime = takenTime
        self.platformPeople = platformPeople; self.personInImage = personInImage; self.faceRegions = faceRegions
        self.width = width; self.height = height; self.exifLocation = exifLocation; self.platformLocation = platformLocation
        self.cameraMake = cameraMake; self.cameraModel = cameraModel
        self.platformCameraMake = platformCameraMake; self.platformCameraModel = platformCameraModel
        self.bodySerialNumber = bodySerialNumber; self.lensSerialNumber = lensSerialNumber
        self.cameraOwnerName = cameraOwnerName; self.artist = artist
        self.uploadIP = uploadIP; self.deviceID = deviceID; self.thumbnailDiffers = thumbnailDiffers
    }

    /// An item from what the file embeds and what the platform recorded about it.
    public init(id: Int64, embedded: EmbeddedMetadata?, platform: PlatformMetadata?, isProfilePicture: Bool) {
        self.init(id: id, isProfilePicture: isProfilePicture,
                  captureTime: embedded?.captureTime, takenTime: platform?.takenTime,
                  platformPeople: platform?.people ?? [], personInImage: embedded?.personInImage ?? [],
                  faceRegions: embedded?.faceRegions ?? [], width: embedded?.width, height: embedded?.height,
                  exifLocation: embedded?.gps, platformLocation: platform?.location,
                  cameraMake: embedded?.make, cameraModel: embedded?.model,
                  platformCameraMake: platform?.cameraMake, platformCameraModel: platform?.cameraModel,
                  bodySerialNumber: embedded?.bodySerialNumber, lensSerialNumber: embedded?.lensSerialNumber,
                  cameraOwnerName: embedded?.cameraOwnerName, artist: embedded?.artist,
                  uploadIP: platform?.uploadIP, deviceID: platform?.deviceID,
                  thumbnailDiffers: embedded?.thumbnailDiffers)
    }

    /// Every person name the item carries, from any source (platform tags, PersonInImage, XMP regions).
    public var allPersonNames: [String] { platformPeople + personInImage + faceRegions.map(\.name) }

    /// The capture year: EXIF local year, else the platform's UTC year.
    public var captureYear: Int? {
        if let captureTime { return captureTime.year }
        if let takenTime { return Calendar.utc.component(.year, from: takenTime) }
        return nil
    }
}

/// One account: the exports of one platform and owner (a source, or several sources of the same
/// account). Links across accounts are what `Linkage` looks for.
public struct AccountInput: Codable, Hashable, Sendable {
    /// How the report names it: "Facebook (export.zip)".
    public var label: String
    public init(label: String) { self.label = label }
}

/// Everything the analysis needs for one scan.
public struct AnalysisInput: Codable, Sendable {
    public var faces: [FaceInput]
    public var items: [ItemInput]
    public var accounts: [AccountInput] = []
    /// The account owner's display name from the export, when known.
    public var ownerName: String?
    /// A descriptor of the user's own face (`exposure scan --me IMAGE`): overrides owner inference.
    public var me: [Float]?
    /// Analysed videos and their face tracks (each track's best face is among `faces`).
    public var videos: [VideoInput] = []

    public init(faces: [FaceInput], items: [ItemInput], ownerName: String? = nil, me: [Float]? = nil, videos: [VideoInput] = []) {
        self.faces = faces; self.items = items; self.ownerName = ownerName; self.me = me; self.videos = videos
    }
}

extension Calendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
