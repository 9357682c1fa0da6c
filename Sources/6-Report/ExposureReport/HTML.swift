import Foundation

/// Encoding of untrusted strings (captions, album, person, file and city names from an archive)
/// for the place they land in the report. Every archive string goes through one of these;
/// nothing from an archive is ever placed into a URL, a style, or script source.
public enum HTML {
    /// For text between tags. Escapes `&`, `<`, `>` (quotes are harmless there) and makes
    /// invisible control and bidirectional-override characters visible as a marked badge,
    /// so a name like "photo\u{202E}gpj.exe" cannot pass for "photoexe.jpg".
    public static func escapeText(_ string: String) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default:
                if isInvisibleControl(scalar) {
                    out += "<span class=\"ctl\" title=\"invisible control character\">" + codePointName(scalar) + "</span>"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// For a double-quoted attribute value (`title="..."`, `alt="..."`). Also escapes both quotes,
    /// so the value stays inside its attribute even if someone forgets the quotes' kind.
    /// Control characters become a visible `[U+XXXX]`.
    public static func escapeAttribute(_ string: String) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "`": out += "&#96;"
            default:
                if isInvisibleControl(scalar) || scalar == "\n" || scalar == "\r" || scalar == "\t" {
                    out += "[" + codePointName(scalar) + "]"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// JSON for a `<script type="application/json">` element, to be read back with
    /// `JSON.parse(element.textContent)`. Foundation's encoder leaves `<!--`, `<script`, `&` and raw
    /// U+2028/U+2029 in its output (reliability.md §5.2), so after encoding `<`, `>`, `&`, U+2028 and
    /// U+2029 become `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`: the result can contain
    /// neither `</script`, nor `<!--`, nor a line terminator JavaScript would choke on.
    /// Values that cannot be encoded (there are none in this module's types) give `null`.
    public static func jsonForScript<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        guard let data = try? encoder.encode(value) else { return "null" }
        return escapeJSONForScript(String(decoding: data, as: UTF8.self))
    }

    /// The escaping step of `jsonForScript` on already-encoded JSON text. Inside JSON these
    /// characters can only occur in strings, where `\uXXXX` means the same character.
    public static func escapeJSONForScript(_ json: String) -> String {
        var out = ""
        out.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// C0/C1 controls (other than tab and newline), DEL, and the bidirectional marks, embeddings,
    /// overrides and isolates that can reorder how a name is displayed.
    static func isInvisibleControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 { return v != 0x09 && v != 0x0A && v != 0x0D }
        if v == 0x7F || (0x80...0x9F).contains(v) { return true }
        if v == 0x061C || v == 0x200E || v == 0x200F { return true }
        if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) { return true }
        return false
    }

    static func codePointName(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
