// Building EXIF blocks with libexif, for tests and the demo archive generator (never on
// the scan path: Exposure does not modify input).
import CExif
import ExposureModel
import Foundation

public enum ExifWriter {
    /// What to write. Every field is optional; only what is set is written.
    public struct Spec: Sendable {
        public var orientation: Int?
        public var captureTime: LocalDateTime?
        public var gps: GeoPoint?
        public var make: String?
        public var model: String?
        public var bodySerialNumber: String?
        public var lensSerialNumber: String?
        public var cameraOwnerName: String?
        public var artist: String?
        public var software: String?
        public var imageUniqueID: String?
        /// JPEG bytes of the embedded thumbnail (IFD1).
        public var thumbnailJPEG: Data?
        /// Raw MakerNote bytes (EXIF tag 0x927C), for robustness tests.
        public var makerNote: Data?
        /// Motorola (big-endian) instead of Intel byte order.
        public var bigEndian: Bool

        public init(orientation: Int? = nil, captureTime: LocalDateTime? = nil, gps: GeoPoint? = nil,
                    make: String? = nil, model: String? = nil, bodySerialNumber: String? = nil,
                    lensSerialNumber: String? = nil, cameraOwnerName: String? = nil, artist: String? = nil,
                    software: String? = nil, imageUniqueID: String? = nil, thumbnailJPEG: Data? = nil,
                    makerNote: Data? = nil, bigEndian: Bool = false) {
            self.orientation = orientation; self.captureTime = captureTime; self.gps = gps
            self.make = make; self.model = model; self.bodySerialNumber = bodySerialNumber
            self.lensSerialNumber = lensSerialNumber; self.cameraOwnerName = cameraOwnerName
            self.artist = artist; self.software = software; self.imageUniqueID = imageUniqueID
            self.thumbnailJPEG = thumbnailJPEG; self.makerNote = makerNote; self.bigEndian = bigEndian
        }

        /// The EXIF-borne fields of `metadata` (size, XMP regions and thumbnail flags are not EXIF).
        public init(_ metadata: EmbeddedMetadata, thumbnailJPEG: Data? = nil) {
            self.init(orientation: metadata.orientation, captureTime: metadata.captureTime, gps: metadata.gps,
                      make: metadata.make, model: metadata.model, bodySerialNumber: metadata.bodySerialNumber,
                      lensSerialNumber: metadata.lensSerialNumber, cameraOwnerName: metadata.cameraOwnerName,
                      artist: metadata.artist, software: metadata.software, imageUniqueID: metadata.imageUniqueID,
                      thumbnailJPEG: thumbnailJPEG)
        }
    }

    public struct WriteError: Error, CustomStringConvertible { public let description: String }

    /// The APP1 payload: "Exif\0\0" followed by the TIFF structure. Pass it to
    /// `ImageEncoder.jpeg(exif:)`; for a PNG eXIf chunk drop the first 6 bytes.
    public static func app1Payload(_ spec: Spec) throws -> Data {
        guard let exif = exif_data_new() else { throw WriteError(description: "libexif: out of memory") }
        defer { exif_data_unref(exif) }
        exif_data_unset_option(exif, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION)
        let order = spec.bigEndian ? EXIF_BYTE_ORDER_MOTOROLA : EXIF_BYTE_ORDER_INTEL
        exif_data_set_byte_order(exif, order)
        let le = !spec.bigEndian
        func u16(_ v: Int) -> [UInt8] { le ? [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] : [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func u32(_ v: UInt32) -> [UInt8] {
            let b = [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
            return le ? b : b.reversed()
        }
        func rational(_ value: Double, _ denominator: UInt32) -> [UInt8] {
            u32(UInt32((value * Double(denominator)).rounded())) + u32(denominator)
        }
        func add(_ ifd: ExifIfd, _ tag: Int, _ format: ExifFormat, _ components: Int, _ bytes: [UInt8]) {
            guard let entry = exif_entry_new() else { return }
            defer { exif_entry_unref(entry) }
            entry.pointee.tag = ExifTag(rawValue: UInt32(tag))
            entry.pointee.format = format
            entry.pointee.components = UInt(components)
            entry.pointee.size = UInt32(bytes.count)
            let buffer = malloc(max(1, bytes.count))!.assumingMemoryBound(to: UInt8.self)
            bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: bytes.count) }
            entry.pointee.data = buffer
            exif_content_add_entry(ExifReader.content(exif, ifd), entry)
        }
        func ascii(_ ifd: ExifIfd, _ tag: Int, _ text: String?) {
            guard let text else { return }
            let bytes = Array(text.utf8) + [0]
            add(ifd, tag, EXIF_FORMAT_ASCII, bytes.count, bytes)
        }
        if let o = spec.orientation { add(EXIF_IFD_0, 0x0112, EXIF_FORMAT_SHORT, 1, u16(o)) }
        ascii(EXIF_IFD_0, 0x010F, spec.make)
        ascii(EXIF_IFD_0, 0x0110, spec.model)
        ascii(EXIF_IFD_0, 0x0131, spec.software)
        ascii(EXIF_IFD_0, 0x013B, spec.artist)
        if let t = spec.captureTime {
            let text = String(format: "%04d:%02d:%02d %02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute, t.second)
            ascii(EXIF_IFD_EXIF, 0x9003, text)
            if let offset = t.utcOffsetSeconds {
                let sign = offset < 0 ? "-" : "+", a = abs(offset)
                ascii(EXIF_IFD_EXIF, 0x9011, String(format: "%@%02d:%02d", sign, a / 3600, a % 3600 / 60))
            }
        }
        ascii(EXIF_IFD_EXIF, 0xA420, spec.imageUniqueID)
        ascii(EXIF_IFD_EXIF, 0xA430, spec.cameraOwnerName)
        ascii(EXIF_IFD_EXIF, 0xA431, spec.bodySerialNumber)
        ascii(EXIF_IFD_EXIF, 0xA435, spec.lensSerialNumber)
        if let note = spec.makerNote { add(EXIF_IFD_EXIF, 0x927C, EXIF_FORMAT_UNDEFINED, note.count, [UInt8](note)) }
        if let gps = spec.gps {
            func dms(_ degrees: Double) -> [UInt8] {
                let a = abs(degrees), d = a.rounded(.down), m = ((a - d) * 60).rounded(.down), s = (a - d - m / 60) * 3600
                return rational(d, 1) + rational(m, 1) + rational(s, 10000)
            }
            add(EXIF_IFD_GPS, 0x0000, EXIF_FORMAT_BYTE, 4, [2, 3, 0, 0])
            ascii(EXIF_IFD_GPS, 0x0001, gps.latitude < 0 ? "S" : "N")
            add(EXIF_IFD_GPS, 0x0002, EXIF_FORMAT_RATIONAL, 3, dms(gps.latitude))
            ascii(EXIF_IFD_GPS, 0x0003, gps.longitude < 0 ? "W" : "E")
            add(EXIF_IFD_GPS, 0x0004, EXIF_FORMAT_RATIONAL, 3, dms(gps.longitude))
            if let alt = gps.altitude {
                add(EXIF_IFD_GPS, 0x0005, EXIF_FORMAT_BYTE, 1, [alt < 0 ? 1 : 0])
                add(EXIF_IFD_GPS, 0x0006, EXIF_FORMAT_RATIONAL, 1, rational(abs(alt), 100))
            }
        }
        if let thumb = spec.thumbnailJPEG, !thumb.isEmpty {
            let buffer = malloc(thumb.count)!.assumingMemoryBound(to: UInt8.self)
            thumb.copyBytes(to: buffer, count: thumb.count)
            exif.pointee.data = buffer
            exif.pointee.size = UInt32(thumb.count)
        }
        var out: UnsafeMutablePointer<UInt8>?
        var size: UInt32 = 0
        exif_data_save_data(exif, &out, &size)
        guard let out, size > 0 else { throw WriteError(description: "libexif could not serialise the EXIF block") }
        defer { free(out) }
        guard size <= 65533 else { throw WriteError(description: "EXIF block too large for one APP1 segment (\(size) bytes)") }
        return Data(bytes: out, count: Int(size))
    }
}
