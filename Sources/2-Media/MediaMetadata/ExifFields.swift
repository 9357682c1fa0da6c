// The EXIF fields Exposure reads (ExifReader) and writes (ExifWriter), in one place. They land
// in, and are written from, the EXIF-borne fields of `EmbeddedMetadata`.
import CExif
import ExposureModel

/// One EXIF text field: its tag, the IFD it belongs in, and its `EmbeddedMetadata` field.
struct ExifTextField {
    let tag: Int
    let ifd: ExifIfd
    /// Tags read from IFD0's raw TIFF structure when `ifd` lacks the field: some software writes
    /// serial and owner tags in IFD0 (ExifTool reads them there; Pillow's broken_exif_dpi.jpg has
    /// SerialNumber so), and libexif drops tags it does not expect in IFD0. DNG's
    /// CameraSerialNumber (0xC62F) lives in IFD0 by definition.
    let alsoInIFD0: [Int]
    let field: WritableKeyPath<EmbeddedMetadata, String?>

    init(_ tag: Int, _ ifd: ExifIfd, alsoInIFD0: [Int] = [], _ field: WritableKeyPath<EmbeddedMetadata, String?>) {
        self.tag = tag; self.ifd = ifd; self.alsoInIFD0 = alsoInIFD0; self.field = field
    }
}

enum ExifFields {
    /// The text fields, in the order the writer adds them (per IFD, libexif saves entries in that order).
    static let text: [ExifTextField] = [
        ExifTextField(0x010F, EXIF_IFD_0, \.make),
        ExifTextField(0x0110, EXIF_IFD_0, \.model),
        ExifTextField(0x0131, EXIF_IFD_0, \.software),
        ExifTextField(0x013B, EXIF_IFD_0, \.artist),
        ExifTextField(0xA420, EXIF_IFD_EXIF, \.imageUniqueID),
        ExifTextField(0xA430, EXIF_IFD_EXIF, alsoInIFD0: [0xA430], \.cameraOwnerName),
        ExifTextField(0xA431, EXIF_IFD_EXIF, alsoInIFD0: [0xA431, 0xC62F], \.bodySerialNumber),
        ExifTextField(0xA435, EXIF_IFD_EXIF, alsoInIFD0: [0xA435], \.lensSerialNumber),
    ]

    // The fields that are not one text each, read and written by code of their own.
    /// Orientation (SHORT 1...8), IFD0: `orientation`.
    static let orientation = 0x0112
    /// DateTimeOriginal, else DateTimeDigitized, with OffsetTimeOriginal, EXIF IFD: `captureTime`.
    static let dateTimeOriginal = 0x9003, dateTimeDigitized = 0x9004, offsetTimeOriginal = 0x9011
    /// GPS IFD: version, latitude ref and value, longitude ref and value, altitude ref and value: `gps`.
    static let gpsVersion = 0x0000, gpsLatitudeRef = 0x0001, gpsLatitude = 0x0002, gpsLongitudeRef = 0x0003
    static let gpsLongitude = 0x0004, gpsAltitudeRef = 0x0005, gpsAltitude = 0x0006
    /// MakerNote, EXIF IFD: never parsed (blanked before libexif sees the block); written for tests only.
    static let makerNote = 0x927C
}
