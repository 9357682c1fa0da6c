import Foundation

/// Small formatting helpers shared by the report and diff pages (locale-independent on purpose:
/// the same data gives the same page on every machine).
enum Text {
    /// 1234567 → "1,234,567".
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// "1 photo", "2 photos".
    static func plural(_ n: Int, _ one: String, _ many: String) -> String {
        "\(count(n)) \(n == 1 ? one : many)"
    }

    /// A metric value: integers with separators, other values with up to two decimals, nil as "–".
    static func metric(_ value: Double?) -> String {
        guard let value else { return "–" }
        if !value.isFinite { return "–" }
        if value == value.rounded() && abs(value) < 1e15 { return count(Int(value)) }
        return String(format: "%.2f", value)
    }

    /// Fixed-point for SVG coordinates.
    static func coord(_ v: Double) -> String { String(format: "%.1f", v) }

    /// "A", "A and B", "A, B and C".
    static func list(_ parts: [String]) -> String {
        switch parts.count {
        case 0: return ""
        case 1: return parts[0]
        default: return parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1]
        }
    }

    /// Shortens long names for chart labels (the full name stays in the tooltip and tables).
    static func short(_ s: String, _ limit: Int = 22) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }

    /// A generous estimate of how wide `s` is set in `size` px: per-character advances of DejaVu
    /// Sans, the widest of the report's fonts (bold 10% wider). Chart labels are fitted with it.
    static func labelWidth(_ s: String, size: Double, bold: Bool = false) -> Double {
        var em = 0.0
        for c in s.unicodeScalars {
            switch c {
            case "i", "j", "l", "I", ".", ",", ":", ";", "'", "!", "|", " ": em += 0.32
            case "f", "t", "r", "(", ")", "[", "]", "-", "/", "\\", "\"", "`", "*": em += 0.5
            case "m", "w": em += 0.98
            case "M", "W", "<", ">", "=", "+", "~", "#", "%", "&", "@": em += 1.0
            case "a"..."z", "0"..."9", "{", "}", "_", "?", "$", "^", "…": em += 0.66
            case "A"..."Z": em += 0.8
            default: em += c.value >= 0x2E80 ? 1.0 : 0.8
            }
        }
        return em * size * (bold ? 1.1 : 1)
    }

    /// `s`, shortened with "…" until `labelWidth` fits in `room` px.
    static func fit(_ s: String, room: Double, size: Double, bold: Bool = false) -> String {
        if labelWidth(s, size: size, bold: bold) <= room { return s }
        var kept = Array(s)
        while !kept.isEmpty && labelWidth(String(kept) + "…", size: size, bold: bold) > room { kept.removeLast() }
        return kept.isEmpty ? "" : String(kept) + "…"
    }
}
