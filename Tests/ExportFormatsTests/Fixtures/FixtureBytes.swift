import Foundation

/// Small fake media and text for synthetic exports. The bytes only need the right magic numbers:
/// readers list media by path and never decode them.
public enum FixtureBytes {
    /// SOI + APP0 "JFIF" + EOI, tagged so that different photos have different bytes (and hashes).
    public static func jpeg(_ tag: String = "") -> Data {
        Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + Data("JFIF\0\(tag)".utf8) + Data([0xFF, 0xD9])
    }
    public static func png(_ tag: String = "") -> Data {
        Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(tag.utf8)
    }
    public static func webp(_ tag: String = "") -> Data { Data("RIFF\0\0\0\0WEBPVP8 \(tag)".utf8) }
    public static func heic(_ tag: String = "") -> Data { Data([0, 0, 0, 0x18]) + Data("ftypheic\(tag)".utf8) }
    public static func mp4(_ tag: String = "") -> Data { Data([0, 0, 0, 0x18]) + Data("ftypisom\(tag)".utf8) }
    public static func mov(_ tag: String = "") -> Data { Data([0, 0, 0, 0x14]) + Data("ftypqt  \(tag)".utf8) }
    public static func text(_ s: String) -> Data { Data(s.utf8) }
}
