// Fuzz target: the HTML readers (Facebook and Instagram HTML downloads) and HTMLDocument (libxml2).
// The first input byte picks a slot: a platform and the path of one of its pages; the rest of the
// input becomes that page, in an in-memory tree with the media files it may refer to. The HTML
// reader reads it, and so does the registry. Hostile pages (deep nesting, huge attributes, broken
// encodings) must give a warning or nothing: never a trap, a hang or output on stderr.
import ExportFormats
import ExposureModel
import Foundation
import FuzzSupport
import HTMLDocument

let slots: [(Platform, String, [String])] = [
    (.facebook, "your_facebook_activity/posts/album/0.html", ["your_facebook_activity/posts/media/Mobileuploads_1015/mobile1.jpg"]),
    (.facebook, "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.html",
     ["your_facebook_activity/posts/media/your_posts/seine.jpg"]),
    (.facebook, "personal_information/profile_information/profile_information.html", ["your_facebook_activity/posts/album/1.html"]),
    (.instagram, "your_instagram_activity/media/posts_1.html", ["media/posts/202201/1111_2222_n_4444.webp"]),
    (.instagram, "personal_information/personal_information/personal_information.html", ["your_instagram_activity/media/stories.html"]),
]

func filler(_ path: String) -> Data {
    if path.hasSuffix(".html") { return Data("<html><body><div class=\"_a6-g\">x</div></body></html>".utf8) }
    return Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + Data("JFIF\0".utf8) + Data([0xFF, 0xD9])
}

func fuzzOne(_ data: Data) {
    guard let selector = data.first else { return }
    let (platform, keyPath, others) = slots[Int(selector) % slots.count]
    var files: [String: Data] = [:]
    for path in others { files[path] = filler(path) }
    files[keyPath] = data.dropFirst()
    let tree = InMemoryFileTree(files)
    _ = try? ExportFormatRegistry.htmlFormat(for: platform)?.read(tree)
    _ = try? ExportFormatRegistry.read(tree)
    if let document = try? HTMLDocument.parse(data.dropFirst()) {
        _ = document.title
        for index in document.nodes.indices.prefix(64) { _ = document.text(of: index) }
    }
}

// MARK: - Entry points (see Sources/8-Tools/FuzzSupport/FuzzDriver.swift)
#if FUZZING
@_cdecl("FuzzHTMLExport_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzOne)
}
#else
@main
enum Replay {
    static func main() throws { try FuzzDriver.replay("FuzzHTMLExport", fuzzOne) }
}
#endif
