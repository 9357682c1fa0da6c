// Building EXIF blocks with libexif, for tests and the demo archive generator (never on
// the scan path: Exposure does not modify input).
import CExif
import ExposureModel
import Foundation

public enum ExifWriter {
    /// What to write: the EXIF-borne fields of `metadata` that are set (`spec.make` is
    /// `spec.metadata.make`; size, XMP regions and thumbnail flags are not EXIF), and how.
    @dynamicMemberLookup
    public struct Spec: Sendable {
        public var metadata: EmbeddedMetadata
        /// JPEG bytes of the embedded thumbnail (IFD1).
        public var thumbnailJPEG: Data?
        /// Raw MakerNote bytes (EXIF tag 0x927C), for robustness tests.
        public var makerNote: Data?
        /// Motorola (big-endian) instead of Intel byte order.
        public var bigEndian: Bool

        public init(_ metadata: EmbeddedMetadata = EmbeddedMetadata(), thumbnailJPEG: Data? = nil, makerNote: Data? = nil,
                    bigEndian: Bool = false) {
            self.metadata = metadata; self.thumbnailJPEG = thumbnailJPEG; self.makerNote = makerNote; self.bigEndian = bigEndian
        }

        public subscript<T>(dynamicMember field: WritableKeyPath<EmbeddedMetadata, T>) -> T {
            get { metadata[keyPath: field] }
            set { metadata[keyPath: field] = newValue }
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
        let m = spec.metadata
        if let o = m.orientation { add(EXIF_IFD_0, ExifFields.orientation, EXIF_FORMAT_SHORT, 1, u16(o)) }
        if let t = m.captureTime {
            let text = String(format: "%04d:%02d:%02d %02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute, t.second)
            ascii(EXIF_IFD_EXIF, ExifFields.dateTimeOriginal, text)
            if let offset = t.utcOffsetSeconds {
                let sign = offset < 0 ? "-" : "+", a = abs(offset)
                ascii(EXIF_IFD_EXIF, ExifFields.offsetTimeOriginal, String(format: "%@%02d:%02d", sign, a / 3600, a % 3600 / 60))
            }
        }
        for f in ExifFields.text { ascii(f.ifd, f.tag, m[keyPath: f.field]) }
        if let note = spec.makerNote { add(EXIF_IFD_EXIF, ExifFields.makerNote, EXIF_FORMAT_UNDEFINED, note.count, [UInt8](note)) }
        if let gps = m.gps {
            func dms(_ degrees: Double) -> [UInt8] {
                let a = abs(degrees), d = a.rounded(.down), m = ((a - d) * 60).rounded(.down), s = (a - d - m / 60) * 3600
                return rational(d, 1) + rational(m, 1) + rational(s, 10000)
            }
            add(EXIF_IFD_GPS, ExifFields.gpsVersion, EXIF_FORMAT_BYTE, 4, [2, 3, 0, 0])
            ascii(EXIF_IFD_GPS, ExifFields.gpsLatitudeRef, gps.latitude < 0 ? "S" : "N")
            add(EXIF_IFD_GPS, ExifFields.gpsLatitude, EXIF_FORMAT_RATIONAL, 3, dms(gps.latitude))
            ascii(EXIF_IFD_GPS, ExifFields.gpsLongitudeRef, gps.longitude < 0 ? "W" : "E")
            add(EXIF_IFD_GPS, ExifFields.gpsLongitude, EXIF_FORMAT_RATIONAL, 3, dms(gps.longitude))
            if let alt = gps.altitude {
                add(EXIF_IFD_GPS, ExifFields.gpsAltitudeRef, EXIF_FORMAT_BYTE, 1, [alt < 0 ? 1 : 0])
                add(EXIF_IFD_GPS, ExifFields.gpsAltitude, EXIF_FORMAT_RATIONAL, 1, rational(abs(alt), 100))
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
