import ExposureModel

/// Who could see what, from the fields the exports carry (archive-formats.md; every rule names
/// its evidence). What an export does not say stays unknown (nil): never guessed.
enum Audiences {
    /// A Meta audience or privacy value ("Public", "Friends", "Only me", "Friends of friends",
    /// "Custom", ...) as a level; nil for values not understood.
    static func metaLevel(_ value: String) -> Audience.Level? {
        let v = value.trimmingCharacters(in: .whitespaces).lowercased()
        if v.isEmpty { return nil }
        if v == "public" || v == "everyone" || v == "anyone" { return .public }
        if v == "only me" || v == "only_me" || v == "self" || v == "private" { return .private }
        if v.contains("friend") || v == "custom" || v.contains("specific") || v.contains("followers") || v.contains("close") {
            return .shared
        }
        return nil
    }

    /// Sets the audience of every appearance that has none and that `audience` decides for.
    static func fill(_ media: inout [MediaReference], _ audience: (Appearance) -> Audience?) {
        for m in media.indices {
            for a in media[m].appearances.indices where media[m].appearances[a].audience == nil {
                media[m].appearances[a].audience = audience(media[m].appearances[a])
            }
        }
    }
}
