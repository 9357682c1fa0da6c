import Foundation
import ExposureModel

/// Walks Instagram's JSON files (archive-formats.md §2.2 – §2.5).
struct InstagramReader {
    var collector = MediaCollector()
    var references: MetaReferences
    let loader: JSONLoader
    var ownerName: String?
    var ownerUsername: String?
    /// The account's "Private Account" setting from personal_information.json, with its evidence.
    var accountPrivacy: (isPrivate: Bool, evidence: String)?

    init(index: PathIndex, loader: JSONLoader) {
        self.references = MetaReferences(index: index)
        self.loader = loader
    }

    mutating func readFile(_ path: String, role: InstagramExport.FileRole) {
        guard let json = loader.load(path, into: &collector) else { return }
        switch role {
        case .posts(let album, let kind, let key):
            var posts = json
            if let key {
                guard let list = json[key], list.array != nil else {
                    collector.warn("\(path): expected an object with a \"\(key)\" list, found \(json.kindName); skipped")
                    return
                }
                posts = list
            }
            guard posts.array != nil || posts.object != nil else {
                collector.warn("\(path): expected a list of posts, found \(json.kindName); skipped")
                return
            }
            readPosts(posts.elements, path, album: album, kind: kind)
        case .stories:
            readFlatMedia(json, key: "ig_stories", path, kind: .story, isProfilePicture: false)
        case .profilePhotos:
            readFlatMedia(json, key: "ig_profile_picture", path, kind: .profilePicture, isProfilePicture: true)
        case .personalInformation: readPersonalInformation(json, path)
        case .legacyMedia: readLegacyMedia(json, path)
        case .legacyProfile:
            if let name = json["name"]?.text { ownerName = ownerName ?? name }
            if let username = json["username"]?.text { ownerUsername = ownerUsername ?? username }
        case .messages:
            guard let found = MetaMessages.media(in: json) else {
                collector.warn("\(path): expected a thread object with a \"messages\" list, found \(json.kindName); skipped")
                return
            }
            for (media, appearance) in found { addMedia(media, path, appearance: { _ in appearance }) }
        case .otherContent:
            var found: [JSONValue] = []
            json.forEachObject { object in
                if let uri = object["uri"]?.text, !PathText.isRemote(uri) { found.append(.object(object)) }
            }
            for media in found {
                addMedia(media, path, appearance: { Appearance(kind: .other, caption: $0.title, postTime: $0.creationTime) })
            }
        }
    }

    /// The "Private Account" setting's value ("True"/"False", ...) with its evidence; nil when not understood.
    static func privacy(_ flag: String, evidence path: String) -> (isPrivate: Bool, evidence: String)? {
        let value = flag.trimmingCharacters(in: .whitespaces).lowercased()
        guard ["true", "false", "yes", "no", "on", "off"].contains(value) else { return nil }
        return (["true", "yes", "on"].contains(value), "\(path): Private Account \"\(flag)\"")
    }

    /// Posts: `[{media: [{uri, creation_timestamp, title, media_metadata}], title?, creation_timestamp?}]`.
    /// Caption: the media's own title (single-media posts), else the post's (carousels).
    private mutating func readPosts(_ posts: [JSONValue], _ path: String, album: String?, kind: Appearance.Kind) {
        for post in posts {
            guard post.object != nil else { continue }
            let postTitle = post["title"]?.text
            let postTime = Timestamps.epoch(post["creation_timestamp"])
            let mediaList = post["media"]?.array ?? (post["uri"] != nil ? [post] : [])
            for media in mediaList {
                addMedia(media, path, appearance: {
                    Appearance(kind: kind, album: album, caption: $0.title ?? postTitle,
                               postTime: $0.creationTime ?? postTime)
                })
            }
        }
    }

    /// `{"<key>": [media…]}` (stories, profile photos).
    private mutating func readFlatMedia(_ json: JSONValue, key: String, _ path: String, kind: Appearance.Kind,
                                        isProfilePicture: Bool) {
        guard let list = json[key]?.array ?? json.array else {
            collector.warn("\(path): expected an object with a \"\(key)\" list, found \(json.kindName); skipped")
            return
        }
        for media in list {
            addMedia(media, path, appearance: { Appearance(kind: kind, caption: $0.title, postTime: $0.creationTime) },
                     isProfilePicture: isProfilePicture || (media["is_profile_picture"]?.bool ?? false))
        }
    }

    /// `{"profile_user": [{"string_map_data": {"Name": {"value"}, "Username": {"value"}},
    ///   "media_map_data": {"Profile Photo": {uri, …}}}]}`.
    private mutating func readPersonalInformation(_ json: JSONValue, _ path: String) {
        guard let user = (json["profile_user"] ?? json).elements.first, user.object != nil else {
            collector.warn("\(path): expected a \"profile_user\" list, found \(json.kindName); owner name unknown")
            return
        }
        let strings = user["string_map_data"]
        if let name = strings?["Name"]?["value"]?.text { ownerName = name }
        if let username = strings?["Username"]?["value"]?.text { ownerUsername = username }
        if let flag = (strings?["Private Account"] ?? strings?["Private account"])?["value"]?.text {
            accountPrivacy = Self.privacy(flag, evidence: path)
        }
        if let photo = user["media_map_data"]?["Profile Photo"] {
            addMedia(photo, path, appearance: { Appearance(kind: .profilePicture, caption: $0.title, postTime: $0.creationTime) },
                     isProfilePicture: true)
        }
    }

    /// 2018-2020 `media.json`: `{"photos": [{caption, taken_at, location, path}], "videos": …, "stories": …,
    /// "profile": …, "direct": …}`. `taken_at` is the upload time despite its name; `location` a place name.
    private mutating func readLegacyMedia(_ json: JSONValue, _ path: String) {
        guard let object = json.object else {
            collector.warn("\(path): expected an object of media lists, found \(json.kindName); skipped")
            return
        }
        for key in object.keys.sorted() {
            guard let list = object[key]?.array else { continue }
            let kind: Appearance.Kind
            var album: String?
            switch key {
            case "photos", "videos": kind = .post
            case "stories": kind = .story
            case "profile": kind = .profilePicture
            default: kind = .other; album = key
            }
            for entry in list {
                guard let uri = entry["path"]?.text, let (file, present) = references.resolve(uri, from: path) else { continue }
                var metadata = PlatformMetadata(sourceFile: path)
                metadata.placeName = entry["location"]?.text
                let appearance = Appearance(kind: kind, album: album, caption: entry["caption"]?.text,
                                            postTime: Timestamps.parseDateTime(entry["taken_at"]?.text))
                collector.add(path: file, present: present, appearance: appearance, metadata: metadata,
                              isProfilePicture: kind == .profilePicture)
            }
        }
    }

    private mutating func addMedia(_ value: JSONValue, _ jsonPath: String, appearance: (MetaMedia) -> Appearance,
                                   isProfilePicture: Bool = false) {
        guard let media = MetaMedia(value), let uri = media.uri else {
            references.malformed(in: jsonPath)
            return
        }
        guard let (path, present) = references.resolve(uri, from: jsonPath) else { return }
        collector.add(path: path, present: present, appearance: appearance(media),
                      metadata: media.metadata(sourceFile: jsonPath), isProfilePicture: isProfilePicture)
    }
}
