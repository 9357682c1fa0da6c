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

extension Platform {
    /// The platform's name as people say it.
    public var displayName: String {
        switch self {
        case .facebook: return "Facebook"
        case .instagram: return "Instagram"
        case .googleTakeout: return "Google Photos"
        case .twitter: return "X"
        case .snapchat: return "Snapchat"
        case .folder: return "Folder"
        }
    }
}
