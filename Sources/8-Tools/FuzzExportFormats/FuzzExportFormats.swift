// Fuzz target: each platform reader's JSON front end.
// The first input byte picks a slot: a platform and the path of one of its key files (posts,
// albums, messages, profile, sidecars, tweets.js, memories_history.json...). The rest of the input
// becomes that file, in an in-memory tree with a few media files the JSON may refer to. The
// slot's reader reads the tree, and so does the registry (detection peeks at key files too).
// Readers must record warnings for corrupt files, never trap.
import ExportFormats
import ExposureModel
import Foundation
import FuzzSupport

/// (platform, key file path, other files present). Seeds name their slot in the first byte.
let slots: [(Platform, String, [String])] = [
    (.facebook, "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json",
     ["your_facebook_activity/posts/media/your_posts/seine.jpg"]),
    (.facebook, "your_facebook_activity/posts/album/0.json",
     ["your_facebook_activity/posts/media/Mobileuploads_1015/mobile1.jpg"]),
    (.facebook, "your_facebook_activity/posts/your_uncategorized_photos.json",
     ["your_facebook_activity/posts/media/uncategorized/misc.jpg"]),
    (.facebook, "your_facebook_activity/posts/your_videos.json", ["your_facebook_activity/posts/media/videos/clip.mp4"]),
    (.facebook, "messages/inbox/anna_1/message_1.json",
     ["messages/inbox/anna_1/photos/messenger.jpg", "your_facebook_activity/posts/album/1.json"]),
    (.facebook, "personal_information/profile_information/profile_information.json",
     ["your_facebook_activity/posts/album/1.json"]),
    (.instagram, "your_instagram_activity/media/posts_1.json", ["media/posts/202201/1111_2222_3333_n_4444.webp"]),
    (.instagram, "your_instagram_activity/media/stories.json", ["media/stories/202203/story1.mp4"]),
    (.instagram, "your_instagram_activity/media/profile_photos.json", ["media/other/1168_3389_3002_n_1.jpg"]),
    (.instagram, "personal_information/personal_information/personal_information.json",
     ["your_instagram_activity/media/stories.json"]),
    (.googleTakeout, "Takeout/Google Photos/Photos from 2020/IMG_1.jpg.json", ["Takeout/Google Photos/Photos from 2020/IMG_1.jpg"]),
    (.googleTakeout, "Takeout/Google Photos/Photos from 2020/IMG_1.jpg.supplemental-metadata.json",
     ["Takeout/Google Photos/Photos from 2020/IMG_1.jpg"]),
    (.googleTakeout, "Takeout/Google Photos/Vacances/metadata.json", ["Takeout/Google Photos/Vacances/IMG_2.jpg"]),
    (.googleTakeout, "Takeout/Profile/Profile.json", ["Takeout/Google Photos/Photos from 2020/IMG_1.jpg"]),
    (.twitter, "data/tweets.js", ["data/tweets_media/1580000000000000001-FeXaMpLe123.jpg", "data/account.js"]),
    (.twitter, "data/account.js", ["data/tweets.js"]),
    (.twitter, "data/profile.js", ["data/account.js", "data/profile_media/12345-1500000000.jpg"]),
    (.snapchat, "json/memories_history.json", ["memories/2019-07-14_ABC-123-main.jpg", "json/account.json"]),
    (.snapchat, "json/account.json", ["memories/2019-07-14_ABC-123-main.jpg"]),
]

/// Bytes the other files get: a tiny JPEG, or (for .json/.js) a small valid document.
func filler(_ path: String) -> Data {
    if path.hasSuffix(".js") { return Data("window.YTD.account.part0 = [ { \"account\" : { \"username\" : \"zoe\" } } ]".utf8) }
    if path.hasSuffix(".json") { return Data("{ \"name\": \"Profile pictures\", \"photos\": [] }".utf8) }
    if path.hasSuffix(".mp4") { return Data([0, 0, 0, 0x18]) + Data("ftypisom".utf8) }
    return Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + Data("JFIF\0".utf8) + Data([0xFF, 0xD9])
}

func fuzzOne(_ data: Data) {
    guard let selector = data.first else { return }
    let (platform, keyPath, others) = slots[Int(selector) % slots.count]
    var files: [String: Data] = [:]
    for path in others { files[path] = filler(path) }
    files[keyPath] = data.dropFirst()
    let tree = InMemoryFileTree(files)
    _ = try? ExportFormatRegistry.format(for: platform).read(tree)
    if ExportFormatRegistry.detect(tree).platform != platform {
        _ = try? ExportFormatRegistry.read(tree)
    }
}

// MARK: - Entry points (see Sources/8-Tools/FuzzSupport/FuzzDriver.swift)
#if FUZZING
@_cdecl("FuzzExportFormats_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzOne)
}
#else
@main
enum Replay {
    static func main() throws { try FuzzDriver.replay("FuzzExportFormats", fuzzOne) }
}
#endif
