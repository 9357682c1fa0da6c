import Foundation

/// One generated Facebook account and one Instagram account (issue #16), each written both as the
/// JSON download and as the HTML download (Meta's default), so tests can check that both formats
/// give the same inventory. The HTML follows Meta's page template (archive-formats.md §2.4; the
/// `_a6-g` entry boxes with an `h2` heading, `_2pin` text, `img` media, a label/value `table` and
/// a `_a6-o` date footer), as parsers of real HTML exports read it.
public enum MetaAccountFixture {
    public struct Photo {
        public var path: String            // tree path = uri (relative to the export root)
        public var created: Int
        public var description: String? = nil
        public var uploadIP: String? = nil
        public var taken: Int? = nil       // Facebook taken_timestamp
        public var takenText: String? = nil // Instagram date_time_original
        public var camera: (String, String)? = nil
        public var location: (Double, Double)? = nil
        public var deviceID: String? = nil
        public var present = true
    }

    public struct Post {
        public var time: Int
        public var text: String?
        public var tags: [String] = []
        public var place: (String, Double, Double)? = nil
        public var photos: [Photo]
    }

    public static let facebookOwner = "Zoë Müller"
    static let fbMedia = "your_facebook_activity/posts/media"

    public static let facebookAlbum: [Photo] = [
        Photo(path: "\(fbMedia)/Mobileuploads_1015/mobile1.jpg", created: 1437454657, description: "Sunset at the lake",
              uploadIP: "203.0.113.7", taken: 1437148158, camera: ("Google", "Pixel 7"), location: (47.3769, 8.5417)),
        Photo(path: "\(fbMedia)/Mobileuploads_1015/gone.jpg", created: 1437454700, present: false),
    ]
    public static let facebookProfile = Photo(path: "\(fbMedia)/ProfilePictures_77/me.jpg", created: 1500000000, uploadIP: "198.51.100.1")
    public static let facebookPosts: [Post] = [
        Post(time: 1600000000, text: "Walking along the Seine", tags: ["Radosław Nowak", "Anna Schmidt"],
             place: ("Pont Neuf", 48.857, 2.341),
             photos: [Photo(path: "\(fbMedia)/your_posts/seine.jpg", created: 1600000005, uploadIP: "198.51.100.23", taken: 1599990000)]),
        Post(time: 1600500000, text: "Two friends", tags: ["Anna Schmidt"],
             photos: [Photo(path: "\(fbMedia)/your_posts/cafe.jpg", created: 1600500001, uploadIP: "198.51.100.23", taken: 1600400000)]),
    ]
    public static let facebookUncategorized = Photo(path: "\(fbMedia)/uncategorized/misc.jpg", created: 1610000000, uploadIP: "192.0.2.44")
    public static let facebookVideo = Photo(path: "\(fbMedia)/videos/clip.mp4", created: 1620000000, description: "Waves", uploadIP: "2001:db8::1")

    public static let instagramOwner = "Zoë Müller", instagramUsername = "zoe.m"
    public static let instagramPosts: [Post] = [
        Post(time: 1641036000, text: "New year, new trails", tags: ["anna_s"],
             photos: [Photo(path: "media/posts/202201/1111_2222_n_4444.webp", created: 1641036000, takenText: "2022:01:01 11:22:33",
                            location: (46.55, 7.98), deviceID: "android-0123456789abcdef")]),
        Post(time: 1530370226, text: "Which one looks best?",
             photos: [Photo(path: "media/posts/201806/aaa_17949994489068497.jpg", created: 1530370210, location: (52.52, 13.405)),
                      Photo(path: "media/posts/201806/bbb_17883999907227667.jpg", created: 1530370223, present: false)]),
    ]
    public static let instagramStory = Photo(path: "media/stories/202203/story1.mp4", created: 1646000000)
    public static let instagramProfile = Photo(path: "media/other/1168_3389_3002_n_1.jpg", created: 1596126357)

    // MARK: - Facebook

    static func fbExif(_ p: Photo, video: Bool = false) -> String {
        var fields: [String] = []
        if let ip = p.uploadIP { fields.append(#""upload_ip": "\#(ip)""#) }
        if let t = p.taken { fields.append(#""taken_timestamp": \#(t)"#) }
        if let (make, model) = p.camera { fields.append(#""camera_make": "\#(make)", "camera_model": "\#(model)""#) }
        if let (lat, lon) = p.location { fields.append(#""latitude": \#(lat), "longitude": \#(lon)"#) }
        return #"{ "\#(video ? "video" : "photo")_metadata": { "exif_data": [ { \#(fields.joined(separator: ", ")) } ] } }"#
    }

    static func fbMediaJSON(_ p: Photo, video: Bool = false) -> String {
        #"{ "uri": "\#(p.path)", "creation_timestamp": \#(p.created), "title": "", "description": "\#(p.description ?? "")", "media_metadata": \#(fbExif(p, video: video)) }"#
    }

    static func media(_ photos: [Photo], _ bytes: (String) -> Data) -> [String: Data] {
        var files: [String: Data] = [:]
        for p in photos where p.present { files[p.path] = bytes(p.path) }
        return files
    }

    static var facebookPhotos: [Photo] {
        facebookAlbum + [facebookProfile] + facebookPosts.flatMap(\.photos) + [facebookUncategorized, facebookVideo]
    }

    /// Facebook's JSON download. `bytes` makes each media file (given its path).
    public static func facebookJSON(_ bytes: (String) -> Data) -> [String: Data] {
        let root = "your_facebook_activity/posts"
        var files = media(facebookPhotos, bytes)
        func put(_ path: String, _ text: String) { files[path] = Data(text.utf8) }
        put("\(root)/album/0.json", #"{ "name": "Mobile uploads", "photos": [ \#(facebookAlbum.map { fbMediaJSON($0) }.joined(separator: ", ")) ] }"#)
        put("\(root)/album/1.json", #"{ "name": "Profile pictures", "photos": [ \#(fbMediaJSON(facebookProfile)) ] }"#)
        let posts = facebookPosts.map { post -> String in
            var attachments = post.photos.map { #"{ "data": [ { "media": \#(fbMediaJSON($0)) } ] }"# }
            if let (name, lat, lon) = post.place {
                attachments.append(#"{ "data": [ { "place": { "name": "\#(name)", "coordinate": { "latitude": \#(lat), "longitude": \#(lon) } } } ] }"#)
            }
            let tags = post.tags.map { #"{ "name": "\#($0)" }"# }.joined(separator: ", ")
            return #"{ "timestamp": \#(post.time), "data": [ { "post": "\#(post.text ?? "")" } ], "tags": [ \#(tags) ], "attachments": [ \#(attachments.joined(separator: ", ")) ] }"#
        }
        put("\(root)/your_posts__check_ins__photos_and_videos_1.json", "[ " + posts.joined(separator: ", ") + " ]")
        put("\(root)/your_uncategorized_photos.json", #"{ "other_photos_v2": [ \#(fbMediaJSON(facebookUncategorized)) ] }"#)
        put("\(root)/your_videos.json", #"{ "videos_v2": [ \#(fbMediaJSON(facebookVideo, video: true)) ] }"#)
        put("personal_information/profile_information/profile_information.json",
            #"{ "profile_v2": { "name": { "full_name": "\#(facebookOwner)" } } }"#)
        return files
    }

    /// "Jul 21, 2015 6:17:37 am": how Meta's HTML pages write times (here in UTC).
    public static func metaDate(_ epoch: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MMM dd, yyyy h:mm:ss a"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(epoch))).replacingOccurrences(of: "AM", with: "am")
            .replacingOccurrences(of: "PM", with: "pm")
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func row(_ label: String, _ value: String) -> String {
        #"<tr><td class="_2pin _a6_q">\#(escape(label))</td><td class="_2pin _a6_q"><div><div class="_a6-q">\#(escape(value))</div></div></td></tr>"#
    }

    static func page(_ title: String, _ boxes: [String]) -> Data {
        Data(("""
        <!DOCTYPE html><html><head><meta charset="utf-8" /><title>\(escape(title))</title>
        <style>._a6-g{margin:0}</style><script>var x = "<div class='_a6-g'>not data</div>";</script></head>
        <body class="_5vb_ _2yq _a7o5"><div class="clearfix _ikh"><div class="_4bl9"><div class="_li"><div class="_a705">
        <div class="_3-8y _3-95 _a70a"><div class="_a70d"><div class="_a70e">\(escape(title))</div></div></div>
        <div class="_a706" role="main">
        """ + boxes.joined(separator: "\n") + "</div></div></div></div></div></body></html>").utf8)
    }

    /// One entry box: heading, text, media, label/value rows, date footer.
    static func box(heading: String? = nil, text: String? = nil, media: [String] = [], video: Bool = false,
                    rows: [(String, String)] = [], date: Int?) -> String {
        var inner = ""
        if let text, !text.isEmpty { inner += #"<div class="_2pin"><div>\#(escape(text))</div></div>"# }
        for m in media {
            inner += video
                ? #"<div><video src="\#(escape(m))" controls="1"><a href="\#(escape(m))"></a></video></div>"#
                : #"<div><a target="_blank" href="\#(escape(m))"><img src="\#(escape(m))" class="_a6_o _3-96" /></a></div>"#
        }
        if !rows.isEmpty { inner += #"<table style="table-layout: fixed;">"# + rows.map { row($0.0, $0.1) }.joined() + "</table>" }
        return #"<div class="pam _3-95 _2ph- _a6-g uiBoxWhite noborder">"#
            + (heading.map { #"<h2 class="_3-95 _2pim _a6-h _a6-i">\#(escape($0))</h2>"# } ?? "")
            + #"<div class="_3-95 _a6-p">\#(inner)</div>"#
            + (date.map { #"<div class="_3-94 _a6-o">\#(metaDate($0))</div>"# } ?? "") + "</div>"
    }

    static func fbRows(_ p: Photo) -> [(String, String)] {
        var rows: [(String, String)] = []
        if let ip = p.uploadIP { rows.append(("Upload IP address", ip)) }
        if let t = p.taken { rows.append(("Taken", metaDate(t))) }
        if let (make, model) = p.camera { rows.append(("Camera make", make)); rows.append(("Camera model", model)) }
        if let (lat, lon) = p.location { rows.append(("Latitude", "\(lat)")); rows.append(("Longitude", "\(lon)")) }
        return rows
    }

    static func fbPhotoBox(_ p: Photo, video: Bool = false) -> String {
        box(text: p.description, media: [p.path], video: video, rows: fbRows(p), date: p.created)
    }

    /// The same account as Facebook's HTML download (the download page's default).
    public static func facebookHTML(_ bytes: (String) -> Data) -> [String: Data] {
        let root = "your_facebook_activity/posts"
        var files = media(facebookPhotos, bytes)
        files["\(root)/album/0.html"] = page("Mobile uploads", facebookAlbum.map { fbPhotoBox($0) })
        files["\(root)/album/1.html"] = page("Profile pictures", [fbPhotoBox(facebookProfile)])
        files["\(root)/your_posts__check_ins__photos_and_videos_1.html"] = page("Your posts", facebookPosts.map { post in
            var rows: [(String, String)] = []
            for name in post.tags { rows.append(("Tags", name)) }
            if let (name, lat, lon) = post.place {
                rows += [("Place", name), ("Latitude", "\(lat)"), ("Longitude", "\(lon)")]
            }
            // Media rows come first, as the page nests each photo's table inside its attachment.
            let photoBoxes = post.photos.map { box(media: [$0.path], rows: fbRows($0), date: $0.created) }
            return box(heading: "\(facebookOwner) updated her status.", text: post.text, rows: rows, date: post.time)
                .replacingOccurrences(of: #"<div class="_3-95 _a6-p">"#, with: #"<div class="_3-95 _a6-p">"# + photoBoxes.joined())
        })
        files["\(root)/your_uncategorized_photos.html"] = page("Your uncategorized photos", [fbPhotoBox(facebookUncategorized)])
        files["\(root)/your_videos.html"] = page("Your videos", [fbPhotoBox(facebookVideo, video: true)])
        files["personal_information/profile_information/profile_information.html"] = page("Profile information", [
            box(heading: "Profile information", rows: [("Name", facebookOwner), ("Gender", "Female")], date: nil),
        ])
        files["start_here.html"] = page("Your information", [box(text: "Download your information", date: nil)])
        return files
    }

    // MARK: - Instagram

    static var instagramPhotos: [Photo] { instagramPosts.flatMap(\.photos) + [instagramStory, instagramProfile] }

    static func igMediaJSON(_ p: Photo, title: String, video: Bool = false) -> String {
        var fields: [String] = []
        if let (lat, lon) = p.location { fields.append(#""latitude": \#(lat), "longitude": \#(lon)"#) }
        if let d = p.deviceID { fields.append(#""device_id": "\#(d)""#) }
        if let t = p.takenText { fields.append(#""date_time_original": "\#(t)""#) }
        let exif = fields.isEmpty ? "" : #", "media_metadata": { "\#(video ? "video" : "photo")_metadata": { "exif_data": [ { \#(fields.joined(separator: ", ")) } ] } }"#
        return #"{ "uri": "\#(p.path)", "creation_timestamp": \#(p.created), "title": "\#(title)"\#(exif) }"#
    }

    /// Instagram's JSON download (2024-25 layout). JSON has no tagged users (archive-formats.md §2.4).
    public static func instagramJSON(_ bytes: (String) -> Data) -> [String: Data] {
        var files = media(instagramPhotos, bytes)
        func put(_ path: String, _ text: String) { files[path] = Data(text.utf8) }
        let posts = instagramPosts.map { post -> String in
            if post.photos.count == 1 { return #"{ "media": [ \#(igMediaJSON(post.photos[0], title: post.text ?? "")) ] }"# }
            return #"{ "media": [ \#(post.photos.map { igMediaJSON($0, title: "") }.joined(separator: ", ")) ], "title": "\#(post.text ?? "")", "creation_timestamp": \#(post.time) }"#
        }
        put("your_instagram_activity/media/posts_1.json", "[ " + posts.joined(separator: ", ") + " ]")
        put("your_instagram_activity/media/stories.json", #"{ "ig_stories": [ \#(igMediaJSON(instagramStory, title: "", video: true)) ] }"#)
        put("your_instagram_activity/media/profile_photos.json",
            #"{ "ig_profile_picture": [ { "uri": "\#(instagramProfile.path)", "creation_timestamp": \#(instagramProfile.created), "title": "", "is_profile_picture": true } ] }"#)
        put("personal_information/personal_information/personal_information.json",
            #"{ "profile_user": [ { "string_map_data": { "Name": { "value": "\#(instagramOwner)" }, "Username": { "value": "\#(instagramUsername)" } } } ] }"#)
        return files
    }

    static func igRows(_ p: Photo) -> [(String, String)] {
        var rows: [(String, String)] = []
        if let (lat, lon) = p.location { rows.append(("Latitude", "\(lat)")); rows.append(("Longitude", "\(lon)")) }
        if let d = p.deviceID { rows.append(("Device ID", d)) }
        if let t = p.takenText { rows.append(("Date time original", t)) }
        return rows
    }

    /// The same account as Instagram's HTML download; "Tagged users" rows exist only here.
    public static func instagramHTML(_ bytes: (String) -> Data) -> [String: Data] {
        var files = media(instagramPhotos, bytes)
        files["your_instagram_activity/media/posts_1.html"] = page("Posts", instagramPosts.map { post in
            let photoBoxes = post.photos.map { box(media: [$0.path], rows: igRows($0), date: $0.created) }
            let tagged = post.tags.map { ("Tagged users", "\($0) (Tagged, 0.51, 0.42)") }
            return box(heading: post.text, rows: tagged, date: post.time)
                .replacingOccurrences(of: #"<div class="_3-95 _a6-p">"#, with: #"<div class="_3-95 _a6-p">"# + photoBoxes.joined())
        })
        files["your_instagram_activity/media/stories.html"] = page("Stories", [box(media: [instagramStory.path], video: true, date: instagramStory.created)])
        files["your_instagram_activity/media/profile_photos.html"] = page("Profile photos", [box(media: [instagramProfile.path], date: instagramProfile.created)])
        files["personal_information/personal_information/personal_information.html"] = page("Personal information", [
            box(rows: [("Username", instagramUsername), ("Name", instagramOwner)], date: nil),
        ])
        files["start_here.html"] = page("Your information", [box(text: "Instagram", date: nil)])
        return files
    }
}
