import Foundation

/// A capture time as a camera wrote it: a local wall-clock time, with the UTC offset
/// when the file records one (EXIF OffsetTimeOriginal).
public struct LocalDateTime: Codable, Hashable, Sendable {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    /// Offset from UTC in seconds, when known.
    public var utcOffsetSeconds: Int?

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, utcOffsetSeconds: Int? = nil) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// "YYYY-MM-DD" of the local date.
    public var dateString: String { String(format: "%04d-%02d-%02d", year, month, day) }
}

/// A named face region from XMP (MWG `mwg-rs:RegionList`), in normalized image
/// coordinates (0...1): centre x, centre y, width, height, as MWG defines them.
public struct FaceRegion: Codable, Hashable, Sendable {
    public var name: String
    public var centerX: Double
    public var centerY: Double
    public var width: Double
    public var height: Double

    public init(name: String, centerX: Double, centerY: Double, width: Double, height: Double) {
        self.name = name; self.centerX = centerX; self.centerY = centerY; self.width = width; self.height = height
    }
}

/// What a media file says about itself: EXIF (via libexif) and XMP.
public struct EmbeddedMetadata: Codable, Hashable, Sendable {
    /// Pixel size after EXIF orientation.
    public var width: Int?
    public var height: Int?
    /// EXIF orientation tag (1...8), when present.
    public var orientation: Int?
    /// DateTimeOriginal with OffsetTimeOriginal.
    public var captureTime: LocalDateTime?
    /// GPS position; nil when absent or (0, 0).
    public var gps: GeoPoint?
    public var make: String?
    public var model: String?
    /// BodySerialNumber (0xA431).
    public var bodySerialNumber: String?
    /// LensSerialNumber (0xA435).
    public var lensSerialNumber: String?
    /// CameraOwnerName (0xA430).
    public var cameraOwnerName: String?
    public var artist: String?
    public var software: String?
    public var imageUniqueID: String?
    /// An EXIF thumbnail is embedded.
    public var hasThumbnail: Bool
    /// The embedded thumbnail shows something other than the main image (a stale crop
    /// or an earlier edit). Nil when there is no thumbnail or it could not be compared.
    public var thumbnailDiffers: Bool?
    /// MWG face regions with names.
    public var faceRegions: [FaceRegion]
    /// IPTC Extension PersonInImage names.
    public var personInImage: [String]

    public init(width: Int? = nil, height: Int? = nil, orientation: Int? = nil, captureTime: LocalDateTime? = nil,
                gps: GeoPoint? = nil, make: String? = nil, model: String? = nil, bodySerialNumber: String? = nil,
                lensSerialNumber: String? = nil, cameraOwnerName: String? = nil, artist: String? = nil,
                software: String? = nil, imageUniqueID: String? = nil, hasThumbnail: Bool = false,
                thumbnailDiffers: Bool? = nil, faceRegions: [FaceRegion] = [], personInImage: [String] = []) {
        self.width = width; self.height = height; self.orientation = orientation; self.captureTime = captureTime
        self.gps = gps; self.make = make; self.model = model; self.bodySerialNumber = bodySerialNumber
        self.lensSerialNumber = lensSerialNumber; self.cameraOwnerName = cameraOwnerName; self.artist = artist
        self.software = software; self.imageUniqueID = imageUniqueID; self.hasThumbnail = hasThumbnail
        self.thumbnailDiffers = thumbnailDiffers; self.faceRegions = faceRegions; self.personInImage = personInImage
    }
}
