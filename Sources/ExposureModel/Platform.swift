/// The platforms whose exports Exposure reads. Raw values are the names used in
/// `exposure summary --json` ("sources[].platform").
public enum Platform: String, Codable, CaseIterable, Sendable {
    case facebook
    case instagram
    case googleTakeout = "google-takeout"
    case twitter
    case snapchat
    case folder
}
