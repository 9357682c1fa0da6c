import Foundation

/// Meta (Facebook, Instagram) writes every byte of a string's UTF-8 encoding as its own `\u00XX`
/// escape, so "é" arrives as "\u00c3\u00a9" and a JSON parser yields "Ã©" (archive-formats.md §1.7).
enum Mojibake {
    /// Undoes the quirk on one parsed string: when every scalar fits in a byte (≤ U+00FF) and those
    /// bytes form valid UTF-8 containing a multi-byte sequence, the decoded text is the intended one.
    /// A string with any scalar above U+00FF was written correctly and is kept; so is genuine
    /// Latin-1 text such as "café", whose bytes are not valid UTF-8. The result is NFC-normalized
    /// (decomposed accents occur in real data).
    static func repair(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.unicodeScalars.count)
        var sawHighByte = false
        for scalar in s.unicodeScalars {
            guard scalar.value <= 0xFF else { return s }
            if scalar.value >= 0x80 { sawHighByte = true }
            bytes.append(UInt8(scalar.value))
        }
        guard sawHighByte, let decoded = String(validating: bytes, as: UTF8.self) else { return s }
        return decoded.precomposedStringWithCanonicalMapping
    }
}
