import Foundation
import ReportAssets

/// Assembles one self-contained HTML page from the embedded skeleton, style and script.
enum Page {
    /// The Content-Security-Policy of every page: nothing may load from anywhere (`default-src 'none'`),
    /// images only from `data:` URIs, and only our own inline style and script, allowed by their SHA-256.
    static let contentSecurityPolicy: String = [
        "default-src 'none'",
        "img-src data:",
        "style-src " + CSPHash.source(ReportAssets.styleSheet),
        "script-src " + CSPHash.source(ReportAssets.script),
        "connect-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ].joined(separator: "; ")

    /// `title` is plain text (escaped here); `body` is already-escaped HTML; `json` comes from
    /// `HTML.jsonForScript`.
    static func assemble(title: String, body: String, json: String) -> String {
        fill(ReportAssets.pageTemplate, [
            "CSP": HTML.escapeAttribute(contentSecurityPolicy),
            "TITLE": HTML.escapeText(title),
            "STYLE": ReportAssets.styleSheet,
            "BODY": body,
            "DATA": json,
            "SCRIPT": ReportAssets.script,
        ])
    }

    /// Replaces `{{NAME}}` placeholders in one left-to-right pass, so text inside a value (an archive
    /// string that happens to read "{{SCRIPT}}") is never itself substituted. Unknown names stay as they are.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = String(afterOpen[..<close.lowerBound])
            if let value = values[name] {
                out += value
            } else {
                out += "{{" + name + "}}"
            }
            rest = afterOpen[close.upperBound...]
        }
        out += rest
        return out
    }

    /// A `data:` URI for a face crop, or nil if the bytes are not a JPEG, PNG or WebP image
    /// (anything else is dropped rather than handed to the browser under a guessed type).
    static func imageDataURI(_ bytes: Data) -> String? {
        let b = [UInt8](bytes.prefix(12))
        let mime: String
        if b.count >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF {
            mime = "image/jpeg"
        } else if b.count >= 8 && b[0] == 0x89 && b[1] == 0x50 && b[2] == 0x4E && b[3] == 0x47 {
            mime = "image/png"
        } else if b.count >= 12 && b[0] == 0x52 && b[1] == 0x49 && b[2] == 0x46 && b[3] == 0x46
                    && b[8] == 0x57 && b[9] == 0x45 && b[10] == 0x42 && b[11] == 0x50 {
            mime = "image/webp"
        } else {
            return nil
        }
        return "data:\(mime);base64," + bytes.base64EncodedString()
    }
}
