import Foundation
import ExposureModel

/// Walks Facebook's JSON files (archive-formats.md §1.2 – §1.5, §1.4a).
struct FacebookReader {
    var collector = MediaCollector()
    var references: MetaReferences
    let loader: JSONLoader
    var ownerName: String?

    init(index: PathIndex, loader: JSONLoader) {
        self.references = MetaReferences(index: index)
        self.loader = loader
    }

    mutating func readFile(_ path: String, role: FacebookExport.FileRole) {
        guard let json = loader.load(path, into: &collector) else { return }
        switch role {
        case .album: readAlbum(json, path)
        case .posts: readPosts(json, path, kind: .post)
        case .stories: readPosts(list(json, key: "archived_stories_v2", path), path, kind: .story)
        case .profileUpdates: readPosts(list(json, key: "profile_updates_v2", path), path, kind: .profilePicture)
        case .uncategorized:
            for media in list(json, key: "other_photos_v2", path).elements {
                addMedia(media, path, appearance: { Appearance(kind: .uncategorized, caption: $0.description,
                                                                postTime: $0.creationTime, link: $0.link) })
            }
        case .videos:
            for media in list(json, key: "videos_v2", path).elements {
                addMedia(media, path, appearance: { Appearance(kind: .post, caption: $0.description,
                                                                postTime: $0.creationTime, link: $0.link) })
            }
        case .profileInformation: readProfile(json, path)
        case .otherPostMedia: readAnyMedia(json, path)
        case .messages: readMessages(json, path)
        }
    }

    /// `{"<key>": [...]}`; an array at the top level is accepted too. Anything else: a warning and nothing.
    private mutating func list(_ json: JSONValue, key: String, _ path: String) -> JSONValue {
        if let value = json[key], value.array != nil { return value }
        if json.array != nil { return json }
        collector.warn("\(path): expected an object with a \"\(key)\" list, found \(json.kindName); skipped")
        return .array([])
    }

    // MARK: Albums: {name, photos[], cover_photo, description}

    private mutating func readAlbum(_ json: JSONValue, _ path: String) {
        guard let album = json.object else {
            collector.warn("\(path): expected an album object, found \(json.kindName); skipped")
            return
        }
        let name = album["name"]?.text
        let isProfileAlbum = name.map { FacebookExport.profilePictureAlbumNames.contains($0.lowercased()) } ?? false
        let albumAudience = Self.audience(album, path)
        let appearance: (MetaMedia) -> Appearance = {
            Appearance(kind: isProfileAlbum ? .profilePicture : .album, album: name, caption: $0.description,
                       postTime: $0.creationTime, link: $0.link, audience: albumAudience)
        }
        var albumPaths: Set<String> = []
        for media in album["photos"]?.array ?? [] {
            if let added = addMedia(media, path, appearance: appearance, isProfilePicture: isProfileAlbum) {
                albumPaths.insert(added)
            }
        }
        // The cover is usually one of the photos (or a URL); only a local file not listed is added.
        if let cover = MetaMedia(album["cover_photo"]), let uri = cover.uri, !PathText.isRemote(uri),
           let resolved = references.index.resolve(uri), !albumPaths.contains(resolved) {
            addMedia(.object(cover.object), path, appearance: appearance, isProfilePicture: isProfileAlbum)
        }
    }

    // MARK: Posts, stories, profile updates: [{timestamp, data[{post}], attachments[{data[{media|place|note}]}], tags}]

    private mutating func readPosts(_ json: JSONValue, _ path: String, kind: Appearance.Kind) {
        var posts = json.array
        if posts == nil, let object = json.object {
            // Some older files wrap the list in an object ({"status_updates": [...]}).
            posts = object.values.first { $0.array != nil }?.array
        }
        guard let posts else {
            collector.warn("\(path): expected a list of posts, found \(json.kindName); skipped")
            return
        }
        for post in posts {
            guard let postObject = post.object else { continue }
            let postTime = Timestamps.epoch(postObject["timestamp"])
            let text = (postObject["data"]?.array ?? []).lazy.compactMap { $0["post"]?.text }.first
            let title = postObject["title"]?.text
            var people = Self.tagNames(postObject["tags"])
            var placeName: String?
            var placeLocation: GeoPoint?
            var mediaObjects: [JSONValue] = []
            for attachment in postObject["attachments"]?.array ?? [] {
                for element in attachment["data"]?.array ?? [] {
                    if let media = element["media"] { mediaObjects.append(media) }
                    if let place = element["place"]?.object {
                        placeName = placeName ?? place["name"]?.text
                        placeLocation = placeLocation ?? Geo.point(latitude: place["coordinate"]?["latitude"],
                                                                   longitude: place["coordinate"]?["longitude"])
                    }
                    if let note = element["note"]?.object {
                        mediaObjects.append(contentsOf: note["media"]?.array ?? [])
                        for name in Self.tagNames(note["tags"]) where !people.contains(name) { people.append(name) }
                    }
                }
            }
            // A profile-update post is a profile picture unless its narration says it is the cover photo.
            let isCover = kind == .profilePicture && (title?.lowercased().contains("cover") ?? false)
            let postAudience = Self.audience(postObject, path)
            for media in mediaObjects {
                addMedia(media, path, appearance: {
                    Appearance(kind: isCover ? .other : kind, album: isCover ? "Cover photos" : nil,
                               caption: text ?? $0.description, postTime: postTime ?? $0.creationTime, link: $0.link,
                               audience: postAudience)
                }, extra: PlatformMetadata(location: placeLocation, placeName: placeName, people: people),
                isProfilePicture: kind == .profilePicture && !isCover)
            }
        }
    }

    /// A post's or album's audience where the export writes one: `audience` or `privacy`, a
    /// string ("Public", "Friends", "Only me", ...) or an object with a `value`/`name`/`text`.
    static func audience(_ object: [String: JSONValue], _ path: String) -> Audience? {
        for key in ["audience", "privacy"] {
            guard let field = object[key] else { continue }
            let value = field.text ?? field["value"]?.text ?? field["name"]?.text ?? field["text"]?.text
            if let value, let level = Audiences.metaLevel(value) {
                return Audience(level, evidence: "\(path): \(key) \"\(value)\"")
            }
        }
        return nil
    }

    /// `tags`: `[{"name": …}]` or plain strings.
    static func tagNames(_ value: JSONValue?) -> [String] {
        var names: [String] = []
        for tag in value?.array ?? [] {
            if let name = tag.text ?? tag["name"]?.text, !names.contains(name) { names.append(name) }
        }
        return names
    }

    // MARK: Owner: {"profile_v2": {"name": {"full_name": …}}} or older {"profile": {"name": "…"}}

    private mutating func readProfile(_ json: JSONValue, _ path: String) {
        guard let profile = json["profile_v2"] ?? json["profile"] else {
            collector.warn("\(path): no profile_v2 or profile object; owner name unknown")
            return
        }
        let name = profile["name"]
        if let plain = name?.text { ownerName = plain; return }
        if let full = name?["full_name"]?.text { ownerName = full; return }
        let parts = ["first_name", "middle_name", "last_name"].compactMap { name?[$0]?.text }
        if !parts.isEmpty { ownerName = parts.joined(separator: " ") }
    }

    // MARK: Any other file under posts/: every object with a local `uri` is a media object.

    private mutating func readAnyMedia(_ json: JSONValue, _ path: String) {
        var found: [[String: JSONValue]] = []
        json.forEachObject { object in
            if let uri = object["uri"]?.text, !PathText.isRemote(uri), MediaFiles.isMedia(uri) { found.append(object) }
        }
        for object in found {
            addMedia(.object(object), path, appearance: {
                Appearance(kind: .other, caption: $0.description, postTime: $0.creationTime, link: $0.link)
            })
        }
    }

    // MARK: Messenger threads

    private mutating func readMessages(_ json: JSONValue, _ path: String) {
        guard let found = MetaMessages.media(in: json) else {
            collector.warn("\(path): expected a thread object with a \"messages\" list, found \(json.kindName); skipped")
            return
        }
        for (media, appearance) in found { addMedia(media, path, appearance: { _ in appearance }) }
    }

    // MARK: One media object

    /// Records one media object; returns the path recorded (nil for a URL or a malformed object).
    @discardableResult
    private mutating func addMedia(_ value: JSONValue, _ jsonPath: String, appearance: (MetaMedia) -> Appearance,
                                   extra: PlatformMetadata = PlatformMetadata(), isProfilePicture: Bool = false) -> String? {
        guard let media = MetaMedia(value), let uri = media.uri else {
            references.malformed(in: jsonPath)
            return nil
        }
        guard let (path, present) = references.resolve(uri, from: jsonPath) else { return nil }
        let metadata = MediaCollector.merge(media.metadata(sourceFile: jsonPath), extra)
        collector.add(path: path, present: present, appearance: appearance(media), metadata: metadata,
                      isProfilePicture: isProfilePicture)
        return path
    }
}
