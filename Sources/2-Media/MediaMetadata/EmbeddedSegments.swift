// Finding metadata inside image files without decoding pixels.
//
// JPEG (ITU T.81 §B.1): FF D8, then segments `FF mm LLLL payload` (LLLL big-endian,
// counting itself) until SOS (FF DA), after which entropy-coded data follows. We read:
//   SOFn (C0-CF except C4 DHT, C8 JPG, CC DAC): precision, height, width, components;
//   APP1 "Exif\0\0" + TIFF: the EXIF block (first one wins);
//   APP1 "http://ns.adobe.com/xap/1.0/\0" + packet: XMP.
// PNG (ISO 15948): 8-byte signature, then chunks `LLLL type data CRC`. We read IHDR
// (width, height), eXIf (raw TIFF) and iTXt "XML:com.adobe.xmp" (uncompressed; a
// compressed XMP iTXt is rare and is skipped). CRCs are not checked here: libpng checks
// them when pixels are decoded.
// Every offset is bounds-checked; a malformed length ends the walk with what was found.
import Foundation

struct EmbeddedSegments {
    static let xmpNamespace = "http://ns.adobe.com/xap/1.0/"
    /// XMP packets larger than this are ignored (a real one is a few KiB).
    static let maxXMPBytes = 1 << 20

    var width: Int?
    var height: Int?
    /// TIFF bytes of the EXIF block (without the "Exif\0\0" header).
    var exifTIFF: Data?
    var xmp: Data?
    /// Set when the structure ended early (truncated or malformed); fields found so far are kept.
    var malformed: String?

    static func read(_ data: Data, format: MediaFormat) -> EmbeddedSegments {
        switch format {
        case .jpeg: return readJPEG(data)
        case .png: return readPNG(data)
        case .webp: return readWebP(data)
        default: return EmbeddedSegments()
        }
    }

    static func readJPEG(_ data: Data) -> EmbeddedSegments {
        var result = EmbeddedSegments()
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            let n = b.count
            guard n >= 4, b[0] == 0xFF, b[1] == 0xD8 else { result.malformed = "no SOI"; return }
            var p = 2
            while p + 4 <= n {
                guard b[p] == 0xFF else { result.malformed = "bad marker at \(p)"; return }
                var m = b[p + 1]
                while m == 0xFF && p + 2 < n { p += 1; m = b[p + 1] }  // fill bytes
                p += 2
                if m == 0xD8 || m == 0x01 || (0xD0...0xD7).contains(m) { continue }
                if m == 0xD9 || m == 0xDA { return }
                guard p + 2 <= n else { break }
                let length = Int(b[p]) << 8 | Int(b[p + 1])
                guard length >= 2, p + length <= n else { result.malformed = "segment past end of file"; return }
                let start = p + 2, end = p + length
                if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC, end - start >= 6, result.width == nil {
                    result.height = Int(b[start + 1]) << 8 | Int(b[start + 2])
                    result.width = Int(b[start + 3]) << 8 | Int(b[start + 4])
                } else if m == 0xE1 {
                    let payload = UnsafeBufferPointer(rebasing: b[start..<end])
                    if result.exifTIFF == nil, payload.starts(with: [0x45, 0x78, 0x69, 0x66, 0, 0]) {
                        result.exifTIFF = Data(payload.dropFirst(6))
                    } else if result.xmp == nil, payload.count > xmpNamespace.utf8.count,
                              payload.starts(with: Array(xmpNamespace.utf8) + [0]) {
                        result.xmp = Data(payload.dropFirst(xmpNamespace.utf8.count + 1))
                    }
                }
                p = end
            }
            result.malformed = result.malformed ?? "truncated before image data"
        }
        return result
    }

    static func readPNG(_ data: Data) -> EmbeddedSegments {
        var result = EmbeddedSegments()
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            let n = b.count
            guard n >= 8, b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
                result.malformed = "no PNG signature"; return
            }
            func be32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
            var p = 8
            while p + 8 <= n {
                let length = be32(p)
                let type = String(decoding: UnsafeBufferPointer(rebasing: b[p + 4..<p + 8]), as: UTF8.self)
                let start = p + 8
                guard length <= n - start else { result.malformed = "chunk \(type) past end of file"; return }
                let end = start + length
                switch type {
                case "IHDR" where length >= 8:
                    result.width = be32(start); result.height = be32(start + 4)
                case "eXIf" where result.exifTIFF == nil:
                    result.exifTIFF = Data(UnsafeBufferPointer(rebasing: b[start..<end]))
                case "iTXt" where result.xmp == nil && length <= maxXMPBytes:
                    let chunk = UnsafeBufferPointer(rebasing: b[start..<end])
                    let keyword = Array("XML:com.adobe.xmp".utf8) + [0]
                    guard chunk.starts(with: keyword) else { break }
                    var q = keyword.count
                    guard q + 2 <= chunk.count, chunk[q] == 0 else { break }  // compression flag 0 only
                    q += 2
                    for _ in 0..<2 {  // language tag, translated keyword
                        guard let z = chunk[q...].firstIndex(of: 0) else { q = chunk.count + 1; break }
                        q = z + 1
                    }
                    if q <= chunk.count { result.xmp = Data(chunk[q...]) }
                case "IEND":
                    return
                default: break
                }
                p = end + 4  // CRC
            }
            result.malformed = "truncated before IEND"
        }
        return result
    }

    /// WebP (RIFF): "RIFF" size "WEBP", then chunks `type(4) size(4, LE) data pad-to-even`.
    /// "EXIF" holds TIFF (some writers prefix "Exif\0\0"), "XMP " the packet.
    static func readWebP(_ data: Data) -> EmbeddedSegments {
        var result = EmbeddedSegments()
        let b = [UInt8](data)
        var p = 12
        while p + 8 <= b.count {
            let type = String(decoding: b[p..<p + 4], as: UTF8.self)
            let size = Int(b[p + 4]) | Int(b[p + 5]) << 8 | Int(b[p + 6]) << 16 | Int(b[p + 7]) << 24
            let start = p + 8
            guard size <= b.count - start else { result.malformed = "chunk \(type) past end of file"; break }
            var payload = Data(b[start..<start + size])
            if type == "EXIF", result.exifTIFF == nil {
                if payload.starts(with: [0x45, 0x78, 0x69, 0x66, 0, 0]) { payload = payload.dropFirst(6) }
                result.exifTIFF = Data(payload)
            } else if type == "XMP ", result.xmp == nil, size <= maxXMPBytes {
                result.xmp = payload
            }
            p = start + size + (size & 1)
        }
        return result
    }

    /// The EXIF orientation (1...8) of a JPEG or PNG, nil when absent or out of range.
    static func orientation(in data: Data, format: MediaFormat) -> Int? {
        guard let tiff = read(data, format: format).exifTIFF, let view = TIFFView(tiff) else { return nil }
        return view.orientation
    }
}

/// A bounds-checked look at TIFF-structured EXIF: just enough to find a few entries
/// without libexif (orientation on the decode path; locating the MakerNote to defuse it).
struct TIFFView {
    let bytes: [UInt8]
    let littleEndian: Bool
    let ifd0: Int

    init?(_ tiff: Data) {
        bytes = [UInt8](tiff)
        guard bytes.count >= 8 else { return nil }
        if bytes[0] == 0x49 && bytes[1] == 0x49 { littleEndian = true }
        else if bytes[0] == 0x4D && bytes[1] == 0x4D { littleEndian = false }
        else { return nil }
        var offset = 0
        guard Self.read32(bytes, 4, littleEndian, &offset) else { return nil }
        ifd0 = offset
    }

    private static func read32(_ b: [UInt8], _ i: Int, _ le: Bool, _ out: inout Int) -> Bool {
        guard i >= 0, i + 4 <= b.count else { return false }
        out = le ? Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24
                 : Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
        return true
    }

    func u16(_ i: Int) -> Int? {
        guard i >= 0, i + 2 <= bytes.count else { return nil }
        return littleEndian ? Int(bytes[i]) | Int(bytes[i + 1]) << 8 : Int(bytes[i]) << 8 | Int(bytes[i + 1])
    }

    func u32(_ i: Int) -> Int? {
        var v = 0
        return Self.read32(bytes, i, littleEndian, &v) ? v : nil
    }

    /// Byte offset of the 12-byte entry for `tag` in the IFD at `ifd`, nil when absent.
    func entry(_ tag: Int, inIFDAt ifd: Int) -> Int? {
        guard let count = u16(ifd), count > 0 else { return nil }
        for i in 0..<count {
            let e = ifd + 2 + 12 * i
            guard let t = u16(e) else { return nil }
            if t == tag { return e }
        }
        return nil
    }

    /// An ASCII (type 2) value of `tag` in the IFD at `ifd`, trimmed at its first NUL; nil when
    /// absent, of another type, empty or pointing outside the data.
    func ascii(_ tag: Int, inIFDAt ifd: Int) -> String? {
        guard let e = entry(tag, inIFDAt: ifd), u16(e + 2) == 2, let count = u32(e + 4), count > 0, count < 1 << 16 else { return nil }
        let start = count <= 4 ? e + 8 : (u32(e + 8) ?? -1)
        guard start >= 0, start + count <= bytes.count else { return nil }
        let text = String(decoding: bytes[start..<(start + count)].prefix { $0 != 0 }, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// EXIF Orientation (IFD0 tag 0x0112, SHORT), when 1...8.
    var orientation: Int? {
        guard let e = entry(0x0112, inIFDAt: ifd0), u16(e + 2) == 3, let v = u16(e + 8), (1...8).contains(v) else { return nil }
        return v
    }

    /// Offset of the EXIF sub-IFD (IFD0 tag 0x8769), when it points inside the data.
    var exifIFD: Int? {
        guard let e = entry(0x8769, inIFDAt: ifd0), let v = u32(e + 8), v >= 8, v < bytes.count else { return nil }
        return v
    }
}
