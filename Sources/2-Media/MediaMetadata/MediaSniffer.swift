// Which kind of file is this? Magic bytes first, the name only when the bytes say nothing.
import ExposureModel
import Foundation

public enum MediaFormat: String, Codable, Sendable, CaseIterable {
    case jpeg, png, gif, webp, heic, avif, tiff, bmp, mp4, mov, webm, unknown

    public var kind: MediaKind? {
        switch self {
        case .jpeg, .png, .gif, .webp, .heic, .avif, .tiff, .bmp: return .photo
        case .mp4, .mov, .webm: return .video
        case .unknown: return nil
        }
    }
}

public enum MediaSniffer {
    /// The format the bytes declare (magic numbers), or `.unknown`.
    ///   JPEG FF D8 FF | PNG 89 'PNG' 0D 0A 1A 0A | GIF 'GIF87a'/'GIF89a' | WebP 'RIFF' .... 'WEBP'
    ///   TIFF 'II*\0'/'MM\0*' | BMP 'BM' | ISO BMFF: size, 'ftyp', major brand (HEIC/AVIF/MP4/MOV)
    ///   Matroska/WebM 1A 45 DF A3
    public static func format(of data: Data) -> MediaFormat {
        let b = [UInt8](data.prefix(32))
        func at(_ offset: Int, _ bytes: [UInt8]) -> Bool {
            b.count >= offset + bytes.count && Array(b[offset..<offset + bytes.count]) == bytes
        }
        if at(0, [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if at(0, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if at(0, Array("GIF87a".utf8)) || at(0, Array("GIF89a".utf8)) { return .gif }
        if at(0, Array("RIFF".utf8)) && at(8, Array("WEBP".utf8)) { return .webp }
        if at(0, [0x49, 0x49, 0x2A, 0x00]) || at(0, [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if at(4, Array("ftyp".utf8)), b.count >= 12 {
            let brand = String(decoding: b[8..<12], as: UTF8.self)
            switch brand {
            case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1": return .heic
            case "avif", "avis": return .avif
            case "qt  ": return .mov
            default: return .mp4  // isom, mp41, mp42, M4V, 3gp4, ...
            }
        }
        // QuickTime files without ftyp start with a 'moov'/'mdat'/'wide'/'free' atom.
        if b.count >= 8, ["moov", "mdat", "wide", "free", "skip"].contains(String(decoding: b[4..<8], as: UTF8.self)) {
            return .mov
        }
        if at(0, Array("BM".utf8)) && b.count >= 14 { return .bmp }
        // Matroska/WebM: the EBML header's magic (Instagram and Snapchat exports hold WebM clips).
        if at(0, [0x1A, 0x45, 0xDF, 0xA3]) { return .webm }
        return .unknown
    }

    /// Format by file name extension (case-insensitive), for files whose bytes say nothing.
    public static func format(forExtension name: String) -> MediaFormat {
        let ext = (name as NSString).pathExtension.lowercased()
        switch ext {
        case "jpg", "jpeg", "jpe", "jfif": return .jpeg
        case "png": return .png
        case "gif": return .gif
        case "webp": return .webp
        case "heic", "heif": return .heic
        case "avif": return .avif
        case "tif", "tiff", "dng": return .tiff
        case "bmp": return .bmp
        case "mp4", "m4v", "3gp", "avi": return .mp4
        case "webm", "mkv": return .webm
        case "mov", "qt": return .mov
        default: return .unknown
        }
    }

    /// Magic bytes, falling back to the extension.
    public static func classify(_ data: Data, filename: String) -> MediaFormat {
        let byBytes = format(of: data)
        return byBytes != .unknown ? byBytes : format(forExtension: filename)
    }

    /// Photo or video, nil when neither bytes nor name say.
    public static func kind(of data: Data, filename: String) -> MediaKind? {
        classify(data, filename: filename).kind
    }
}
