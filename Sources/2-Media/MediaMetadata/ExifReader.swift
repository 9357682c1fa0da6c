// Reading EXIF with libexif, defensively.
//
// libexif parses MakerNotes whenever a MakerNote entry (EXIF tag 0x927C) is present, and
// has no option to skip that (reliability.md §3.1); that is where most of its CVEs live.
// So before libexif sees the block we walk the TIFF structure ourselves (bounds-checked,
// every IFD visited once) and blank the tag and type of every 0x927C entry: libexif then
// skips the entry as an empty/unknown one and never calls its MakerNote parsers.
// We also switch off FOLLOW_SPECIFICATION (which would invent default tags) and read
// only whitelisted tags from their raw bytes, never through exif_entry_get_value (the
// formatter where the divide-by-zero and over-read bugs were).
import CExif
import ExposureModel
import Foundation

/// The whitelisted EXIF fields of one file (`ExifFields`), as the EXIF-borne fields of
/// `metadata` (`result.make` is `result.metadata.make`), and how the reading went.
@dynamicMemberLookup
public struct ExifResult: Sendable, Equatable {
    /// An EXIF block was found and libexif loaded it.
    public var found = false
    /// Orientation, capture time, GPS (nil when absent, (0, 0), out of range or with a zero
    /// denominator), camera texts, serials and owner names; `hasThumbnail`. Nothing else is set.
    public var metadata = EmbeddedMetadata()
    /// The embedded (IFD1) thumbnail bytes, usually a JPEG.
    public var thumbnail: Data?
    /// MakerNote entries blanked before parsing.
    public var makerNotesSkipped = 0
    /// Why the block could not be read (nil when fine or absent).
    public var problem: String?

    public init() {}

    public subscript<T>(dynamicMember field: KeyPath<EmbeddedMetadata, T>) -> T { metadata[keyPath: field] }
}

public enum ExifReader {
    /// EXIF blocks larger than this are refused (one APP1 segment holds at most 64 KiB;
    /// PNG eXIf chunks have no such limit).
    public static let maxBlockBytes = 4 << 20

    /// EXIF of a JPEG (APP1) or PNG (eXIf chunk). Never throws; garbage gives `found == false`.
    public static func read(_ data: Data) -> ExifResult {
        let format = MediaSniffer.format(of: data)
        guard let tiff = EmbeddedSegments.read(data, format: format).exifTIFF else { return ExifResult() }
        return read(tiff: tiff)
    }

    /// EXIF from the TIFF structure (the APP1 payload without "Exif\0\0").
    public static func read(tiff: Data) -> ExifResult {
        var result = ExifResult()
        guard tiff.count <= maxBlockBytes else { result.problem = "EXIF block too large (\(tiff.count) bytes)"; return result }
        guard let view = TIFFView(tiff) else { result.problem = "EXIF block is not TIFF"; return result }
        var bytes = Array("Exif".utf8) + [0, 0] + view.bytes
        result.makerNotesSkipped = blankMakerNotes(view, in: &bytes, offset: 6)
        guard let exif = exif_data_new() else { result.problem = "libexif: out of memory"; return result }
        defer { exif_data_unref(exif) }
        exif_data_unset_option(exif, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION)
        exif_data_set_option(exif, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS)
        bytes.withUnsafeBufferPointer { exif_data_load_data(exif, $0.baseAddress, UInt32($0.count)) }
        let order = exif_data_get_byte_order(exif)
        let entry = { (ifd: ExifIfd, tag: Int) -> UnsafeMutablePointer<ExifEntry>? in
            guard let content = content(exif, ifd) else { return nil }
            return exif_content_get_entry(content, ExifTag(rawValue: UInt32(tag)))
        }
        let total = (0..<Int(EXIF_IFD_COUNT.rawValue)).reduce(0) { $0 + Int(content(exif, ExifIfd(rawValue: UInt32($1)))?.pointee.count ?? 0) }
        result.found = total > 0 || exif.pointee.size > 0
        if !result.found { result.problem = "EXIF block holds no readable entries" }

        func text(_ ifd: ExifIfd, _ tag: Int) -> String? {
            guard let e = entry(ifd, tag), let data = e.pointee.data, e.pointee.size > 0,
                  e.pointee.format == EXIF_FORMAT_ASCII || e.pointee.format == EXIF_FORMAT_UNDEFINED
                    || e.pointee.format == EXIF_FORMAT_BYTE else { return nil }
            let raw = UnsafeBufferPointer(start: data, count: Int(e.pointee.size))
            let cut = raw.prefix { $0 != 0 }
            let s = String(decoding: cut, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return s.isEmpty ? nil : s
        }
        func shortValue(_ ifd: ExifIfd, _ tag: Int) -> Int? {
            guard let e = entry(ifd, tag), let data = e.pointee.data, e.pointee.size >= 2 else { return nil }
            if e.pointee.format == EXIF_FORMAT_SHORT { return Int(exif_get_short(data, order)) }
            if e.pointee.format == EXIF_FORMAT_LONG, e.pointee.size >= 4 { return Int(exif_get_long(data, order)) }
            return nil
        }
        func byteValue(_ ifd: ExifIfd, _ tag: Int) -> Int? {
            guard let e = entry(ifd, tag), let data = e.pointee.data, e.pointee.size >= 1 else { return nil }
            return Int(data[0])
        }
        func rationals(_ ifd: ExifIfd, _ tag: Int) -> [Double]? {
            guard let e = entry(ifd, tag), let data = e.pointee.data,
                  e.pointee.format == EXIF_FORMAT_RATIONAL || e.pointee.format == EXIF_FORMAT_SRATIONAL else { return nil }
            let n = min(Int(e.pointee.components), Int(e.pointee.size) / 8, 3)
            guard n > 0 else { return nil }
            var values: [Double] = []
            for i in 0..<n {
                let r = exif_get_rational(data + 8 * i, order)
                guard r.denominator != 0 else { return nil }  // E4: "invalid", never a division by zero
                values.append(Double(r.numerator) / Double(r.denominator))
            }
            return values
        }

        if let o = shortValue(EXIF_IFD_0, ExifFields.orientation), (1...8).contains(o) { result.metadata.orientation = o }
        for f in ExifFields.text {
            result.metadata[keyPath: f.field] = text(f.ifd, f.tag) ?? f.alsoInIFD0.lazy.compactMap { view.ascii($0, inIFDAt: view.ifd0) }.first
        }
        let original = text(EXIF_IFD_EXIF, ExifFields.dateTimeOriginal) ?? text(EXIF_IFD_EXIF, ExifFields.dateTimeDigitized)
        result.metadata.captureTime = original.flatMap { parseDateTime($0, offset: text(EXIF_IFD_EXIF, ExifFields.offsetTimeOriginal)) }

        if let lat = rationals(EXIF_IFD_GPS, ExifFields.gpsLatitude), let lon = rationals(EXIF_IFD_GPS, ExifFields.gpsLongitude) {
            func degrees(_ v: [Double]) -> Double { v[0] + (v.count > 1 ? v[1] / 60 : 0) + (v.count > 2 ? v[2] / 3600 : 0) }
            var latitude = degrees(lat), longitude = degrees(lon)
            if text(EXIF_IFD_GPS, ExifFields.gpsLatitudeRef)?.uppercased().hasPrefix("S") == true { latitude = -latitude }
            if text(EXIF_IFD_GPS, ExifFields.gpsLongitudeRef)?.uppercased().hasPrefix("W") == true { longitude = -longitude }
            var altitude = rationals(EXIF_IFD_GPS, ExifFields.gpsAltitude)?.first
            if altitude != nil, byteValue(EXIF_IFD_GPS, ExifFields.gpsAltitudeRef) == 1 { altitude = -altitude! }
            if let a = altitude, !a.isFinite { altitude = nil }
            let point = GeoPoint(latitude: latitude, longitude: longitude, altitude: altitude)
            if point.isMeaningful { result.metadata.gps = point }
        }
        if let thumb = exif.pointee.data, exif.pointee.size > 0 {
            result.thumbnail = Data(bytes: thumb, count: Int(exif.pointee.size))
            result.metadata.hasThumbnail = true
        }
        return result
    }

    /// "YYYY:MM:DD HH:MM:SS" (also with '-' in the date or 'T'), optional "+HH:MM" offset.
    /// All-zero and out-of-range values (cameras without a clock) give nil.
    static func parseDateTime(_ text: String, offset: String?) -> LocalDateTime? {
        let digits = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard digits.count >= 5 else { return nil }
        let (y, mo, d, h, mi) = (digits[0], digits[1], digits[2], digits[3], digits[4])
        let s = digits.count > 5 ? digits[5] : 0
        guard (1800...2200).contains(y), (1...12).contains(mo), (1...31).contains(d), (0...23).contains(h),
              (0...59).contains(mi), (0...60).contains(s) else { return nil }
        var offsetSeconds: Int?
        if let offset = offset?.trimmingCharacters(in: .whitespaces), let sign = offset.first, sign == "+" || sign == "-" {
            let parts = offset.dropFirst().split(separator: ":").compactMap { Int($0) }
            if parts.count == 2, (0...14).contains(parts[0]), (0...59).contains(parts[1]) {
                offsetSeconds = (sign == "-" ? -1 : 1) * (parts[0] * 3600 + parts[1] * 60)
            }
        }
        return LocalDateTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s, utcOffsetSeconds: offsetSeconds)
    }

    /// Blanks (tag = 0, type = 0) every MakerNote entry in every IFD libexif would visit:
    /// IFD0, the IFD chain after it, and the EXIF (0x8769), GPS (0x8825) and Interoperability
    /// (0xA005) IFDs, wherever their pointers sit. Each IFD is visited at most once, at most
    /// 64 in all, so loops and pointer cycles end. `offset` is where the TIFF starts in `bytes`.
    static func blankMakerNotes(_ view: TIFFView, in bytes: inout [UInt8], offset: Int) -> Int {
        var pending = [view.ifd0], visited = Set<Int>(), blanked = 0
        while let ifd = pending.popLast(), visited.count < 64 {
            guard ifd >= 8, !visited.contains(ifd), let count = view.u16(ifd) else { continue }
            visited.insert(ifd)
            for i in 0..<min(count, 1000) {
                let e = ifd + 2 + 12 * i
                guard let tag = view.u16(e) else { break }
                switch tag {
                case ExifFields.makerNote:
                    for k in 0..<4 { bytes[offset + e + k] = 0 }
                    blanked += 1
                case 0x8769, 0x8825, 0xA005:
                    if let target = view.u32(e + 8) { pending.append(target) }
                default: break
                }
            }
            if let next = view.u32(ifd + 2 + 12 * count), next != 0 { pending.append(next) }
        }
        return blanked
    }

    static func content(_ exif: UnsafeMutablePointer<ExifData>, _ ifd: ExifIfd) -> UnsafeMutablePointer<ExifContent>? {
        let all = exif.pointee.ifd
        switch ifd {
        case EXIF_IFD_0: return all.0
        case EXIF_IFD_1: return all.1
        case EXIF_IFD_EXIF: return all.2
        case EXIF_IFD_GPS: return all.3
        case EXIF_IFD_INTEROPERABILITY: return all.4
        default: return nil
        }
    }
}

extension ExifReader {
    /// For tests: whether libexif builds MakerNote data from this block, with or without
    /// our blanking. Shows the defence is what stops the MakerNote parsers.
    static func libexifParsesMakerNote(tiff: Data, blank: Bool) -> Bool {
        guard let view = TIFFView(tiff), let exif = exif_data_new() else { return false }
        defer { exif_data_unref(exif) }
        var bytes = Array("Exif".utf8) + [0, 0] + view.bytes
        if blank { _ = blankMakerNotes(view, in: &bytes, offset: 6) }
        exif_data_unset_option(exif, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION)
        bytes.withUnsafeBufferPointer { exif_data_load_data(exif, $0.baseAddress, UInt32($0.count)) }
        return exif_data_get_mnote_data(exif) != nil
    }
}
