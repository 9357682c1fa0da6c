import Foundation

/// Turning an archive's raw entry name into a safe relative path, or a reason to refuse it.
///
/// Entry names are attacker-controlled bytes. Nothing is ever written to disk under them
/// (ArchiveInput only reads into memory), but platform readers and the report see these
/// paths, so they must mean what they look like: relative, '/'-separated, no "." or ".."
/// segments, no drive letters, bounded length.
enum EntryNames {
    enum Verdict: Equatable {
        case accepted(String)
        /// A name that denotes no file (for example "./" or "dir//"): silently ignored.
        case empty
        case rejected(String)
    }

    /// Decodes raw name bytes: UTF-8 when valid, otherwise the legacy code page of the format
    /// (CP437 for zips without the UTF-8 flag, Latin-1 for tar headers). Never fails.
    static func decode(_ raw: [UInt8], legacy: LegacyEncoding) -> (name: String, wasLegacy: Bool) {
        if let utf8 = String(validating: raw, as: UTF8.self) { return (utf8, false) }
        switch legacy {
        case .cp437:
            var scalars = String.UnicodeScalarView()
            for byte in raw {
                scalars.append(byte < 0x80 ? Unicode.Scalar(byte) : cp437High[Int(byte - 0x80)])
            }
            return (String(scalars), true)
        case .latin1:
            return (String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) })), true)
        }
    }

    enum LegacyEncoding { case cp437, latin1 }

    /// Normalises a decoded name. Backslashes count as separators (old Windows zip tools wrote
    /// them), so `..\evil` is caught like `../evil`.
    static func sanitize(_ name: String, maxBytes: Int) -> Verdict {
        // Works on the UTF-8 bytes: '/', '\\', '.', ':' and NUL are ASCII and never occur
        // inside a multi-byte sequence, so byte-wise splitting is exact.
        let bytes = Array(name.utf8)
        if bytes.count > maxBytes {
            return .rejected("unsafe path: name is \(bytes.count) bytes, longer than \(maxBytes)")
        }
        if bytes.contains(0) { return .rejected("unsafe path: contains a NUL character") }
        let slash: UInt8 = 0x2f, backslash: UInt8 = 0x5c, dot: UInt8 = 0x2e
        if let first = bytes.first, first == slash || first == backslash {
            return .rejected("unsafe path: absolute path")
        }
        let segments = bytes.split(whereSeparator: { $0 == slash || $0 == backslash })
        if let first = segments.first, first.count >= 2, first[first.startIndex + 1] == 0x3a,
           (0x61...0x7a).contains(first[first.startIndex] | 0x20) {
            return .rejected("unsafe path: Windows drive letter")
        }
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        for segment in segments {
            if segment.count == 1 && segment.first == dot { continue }
            if segment.count == 2 && segment.allSatisfy({ $0 == dot }) {
                return .rejected("unsafe path: parent-directory segment '..'")
            }
            if !kept.isEmpty { kept.append(slash) }
            kept.append(contentsOf: segment)
        }
        if kept.isEmpty { return .empty }
        return .accepted(String(decoding: kept, as: UTF8.self))
    }

    /// CP437 bytes 0x80...0xFF (the IBM PC code page zip tools fall back to).
    private static let cp437High: [Unicode.Scalar] = Array(
        "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{00A0}"
            .unicodeScalars)

    /// Lower-cased extension of the last path segment ("" when none).
    static func pathExtension(_ path: String) -> String {
        let last = path.split(separator: "/").last ?? Substring(path)
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return "" }
        return last[last.index(after: dot)...].lowercased()
    }

    /// The last component of a file URL, for display (never the user's directories).
    static func displayName(_ url: URL) -> String {
        let name = url.standardizedFileURL.lastPathComponent
        return name.isEmpty ? "(input)" : name
    }
}
