import ExposureModel
import Foundation

/// Content-Security-Policy hashes of the page's inline style and script.
enum CSPHash {
    /// `'sha256-<base64>'`: the CSP source expression for the exact text of an inline element.
    static func source(_ text: String) -> String {
        "'sha256-" + Data(PureSHA256.digest(Array(text.utf8))).base64EncodedString() + "'"
    }
}
