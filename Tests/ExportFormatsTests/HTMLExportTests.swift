import Foundation
import XCTest
import ExposureModel
import ExposureTestSupport
import HTMLDocument
@testable import ExportFormats

/// Issue #16: Facebook's and Instagram's HTML downloads, read through the same ExportFormat
/// interface, give what the JSON downloads of the same generated account give.
final class HTMLExportTests: XCTestCase {
    let bytes: (String) -> Data = { FixtureBytes.jpeg($0) }

    // MARK: Recognise

    func testHTMLReadersRecognizeOnlyHTMLDownloads() {
        let fbHTML = tree(MetaAccountFixture.facebookHTML(bytes)), fbJSON = tree(MetaAccountFixture.facebookJSON(bytes))
        let igHTML = tree(MetaAccountFixture.instagramHTML(bytes)), igJSON = tree(MetaAccountFixture.instagramJSON(bytes))
        XCTAssertTrue(FacebookHTMLExport.recognizes(fbHTML))
        XCTAssertFalse(FacebookHTMLExport.recognizes(fbJSON))
        XCTAssertFalse(FacebookHTMLExport.recognizes(igHTML))
        XCTAssertTrue(InstagramHTMLExport.recognizes(igHTML))
        XCTAssertFalse(InstagramHTMLExport.recognizes(igJSON))
        XCTAssertFalse(InstagramHTMLExport.recognizes(fbHTML))
        XCTAssertTrue(ExportFormatRegistry.detect(fbHTML) == FacebookHTMLExport.self)
        XCTAssertTrue(ExportFormatRegistry.detect(fbJSON) == FacebookExport.self)
        XCTAssertTrue(ExportFormatRegistry.detect(igHTML) == InstagramHTMLExport.self)
        XCTAssertTrue(ExportFormatRegistry.detect(igJSON) == InstagramExport.self)
        for (platform, era, files) in allPlatformFixtures() {
            XCTAssertFalse(FacebookHTMLExport.recognizes(tree(files)), "\(platform) \(era)")
            XCTAssertFalse(InstagramHTMLExport.recognizes(tree(files)), "\(platform) \(era)")
        }
    }

    // MARK: Extract

    /// What summaries count, per item: comparable between the two formats.
    func essentials(_ parsed: ParsedExport) -> [String] {
        parsed.media.map { m in
            let loc = m.metadata.location.map { "\($0.latitude),\($0.longitude)" } ?? "-"
            return [m.path, m.isPresent ? "present" : "missing", m.isProfilePicture ? "profile" : "",
                    m.metadata.takenTime.map { "\(Int($0.timeIntervalSince1970))" } ?? "-", loc, m.metadata.uploadIP ?? "-",
                    m.metadata.cameraMake ?? "-", m.metadata.cameraModel ?? "-", m.metadata.deviceID ?? "-",
                    m.metadata.placeName ?? "-", m.metadata.people.joined(separator: "+"),
                    m.appearances.map(\.kind.rawValue).joined(separator: "+")].joined(separator: "|")
        }
    }

    func testFacebookHTMLGivesWhatTheJSONGives() throws {
        let json = try FacebookExport.read(tree(MetaAccountFixture.facebookJSON(bytes)))
        let html = try FacebookHTMLExport.read(tree(MetaAccountFixture.facebookHTML(bytes)))
        XCTAssertEqual(html.ownerName, "Zoë Müller")
        XCTAssertEqual(html.ownerName, json.ownerName)
        XCTAssertEqual(essentials(html), essentials(json))
        XCTAssertEqual(html.media.count, 7)
        let seine = try item(html, "your_facebook_activity/posts/media/your_posts/seine.jpg")
        XCTAssertEqual(seine.metadata.people, ["Radosław Nowak", "Anna Schmidt"])
        XCTAssertEqual(seine.metadata.placeName, "Pont Neuf")
        assertLocation(seine.metadata.location, 48.857, 2.341)
        XCTAssertEqual(seine.metadata.takenTime, epoch(1599990000))
        XCTAssertEqual(seine.appearances, [Appearance(kind: .post, caption: "Walking along the Seine", postTime: epoch(1600000000))])
        let mobile = try item(html, "your_facebook_activity/posts/media/Mobileuploads_1015/mobile1.jpg")
        XCTAssertEqual(mobile.appearances, [Appearance(kind: .album, album: "Mobile uploads", caption: "Sunset at the lake", postTime: epoch(1437454657))])
        XCTAssertEqual(mobile.metadata.uploadIP, "203.0.113.7")
        XCTAssertEqual(mobile.metadata.sourceFile, "your_facebook_activity/posts/album/0.html")
        XCTAssertTrue(try item(html, "your_facebook_activity/posts/media/ProfilePictures_77/me.jpg").isProfilePicture)
        XCTAssertFalse(try item(html, "your_facebook_activity/posts/media/Mobileuploads_1015/gone.jpg").isPresent)
        XCTAssertEqual(html.warnings, ["your_facebook_activity/posts/album/0.html: 1 referenced media file(s) not in the export (e.g. your_facebook_activity/posts/media/Mobileuploads_1015/gone.jpg)"])
    }

    func testInstagramHTMLGivesWhatTheJSONGivesAndTaggedUsers() throws {
        let json = try InstagramExport.read(tree(MetaAccountFixture.instagramJSON(bytes)))
        let html = try InstagramHTMLExport.read(tree(MetaAccountFixture.instagramHTML(bytes)))
        XCTAssertEqual(html.ownerName, json.ownerName)
        XCTAssertEqual(html.ownerUsername, "zoe.m")
        XCTAssertEqual(html.ownerUsername, json.ownerUsername)
        // The JSON download has no tagged users; the HTML one has them, the rest is the same.
        let withoutPeople = { (parsed: ParsedExport) -> [String] in
            var p = parsed
            for i in p.media.indices { p.media[i].metadata.people = [] }
            return self.essentials(p)
        }
        XCTAssertEqual(withoutPeople(html), withoutPeople(json))
        XCTAssertEqual(html.media.count, 5)
        let trail = try item(html, "media/posts/202201/1111_2222_n_4444.webp")
        XCTAssertEqual(trail.metadata.people, ["anna_s"])
        XCTAssertEqual(try item(json, "media/posts/202201/1111_2222_n_4444.webp").metadata.people, [])
        assertLocation(trail.metadata.location, 46.55, 7.98)
        XCTAssertEqual(trail.metadata.deviceID, "android-0123456789abcdef")
        XCTAssertEqual(trail.metadata.takenTime, epoch(1641036153))
        XCTAssertEqual(trail.appearances, [Appearance(kind: .post, caption: "New year, new trails", postTime: epoch(1641036000))])
        XCTAssertEqual(try item(html, "media/stories/202203/story1.mp4").appearances.map(\.kind), [.story])
        XCTAssertTrue(try item(html, "media/other/1168_3389_3002_n_1.jpg").isProfilePicture)
    }

    func testMessengerThreadPagesAndBoxlessPages() throws {
        var files = MetaAccountFixture.facebookHTML(bytes)
        files["your_facebook_activity/messages/inbox/anna_1/photos/sent.jpg"] = bytes("sent")
        files["your_facebook_activity/messages/inbox/anna_1/message_1.html"] = Data("""
        <html><head><title>Anna Schmidt</title></head><body><div class="_a6-g"><div class="_2pin"><div>look</div></div>
        <a href="your_facebook_activity/messages/inbox/anna_1/photos/sent.jpg"><img src="your_facebook_activity/messages/inbox/anna_1/photos/sent.jpg"></a>
        <div class="_a6-o">Sep 13, 2020 12:26:40 pm</div></div></body></html>
        """.utf8)
        // A page without Meta's boxes is one entry.
        files["your_facebook_activity/posts/album/2.html"] = Data("<html><head><title>Old album</title></head><body><p><img src='../../your_facebook_activity/posts/media/old/o.jpg'></p></body></html>".utf8)
        files["your_facebook_activity/posts/media/old/o.jpg"] = bytes("old")
        let parsed = try FacebookHTMLExport.read(tree(files))
        XCTAssertEqual(try item(parsed, "your_facebook_activity/messages/inbox/anna_1/photos/sent.jpg").appearances, [
            Appearance(kind: .other, album: "Messages: Anna Schmidt", caption: "look", postTime: epoch(1600000000),
                       audience: Audience(.shared, evidence: "Messages: Anna Schmidt: sent in a private conversation")),
        ])
        XCTAssertEqual(try item(parsed, "your_facebook_activity/posts/media/old/o.jpg").appearances, [Appearance(kind: .album, album: "Old album")])
        XCTAssertEqual(parsed.media.count, 9)
    }

    // MARK: Reject

    func testCorruptPagesAreSkippedWithAWarningNamingThem() throws {
        let page = "your_facebook_activity/posts/album/0.html"
        for (content, expected) in [
            (Data(), "\(page): not readable as HTML, skipped (empty file)"),
            (Data([0xFF, 0xFE, 0x00, 0x00, 0xC3, 0x28, 0xA0]), nil),
            (Data("<html><body><div class=\"_a6-g\"><img src=\"https://x/1.jpg\"><table><tr><td>Taken<td>not a date".utf8), nil),
        ] as [(Data, String?)] {
            var files = MetaAccountFixture.facebookHTML(bytes)
            files[page] = content
            let parsed = try FacebookHTMLExport.read(tree(files))
            if let expected { XCTAssertTrue(parsed.warnings.contains(expected), "\(parsed.warnings)") }
            // The album's photos are no longer referenced: they stay items, without metadata.
            let mobile = try item(parsed, "your_facebook_activity/posts/media/Mobileuploads_1015/mobile1.jpg")
            XCTAssertEqual(mobile.appearances, [])
            XCTAssertNil(mobile.metadata.takenTime)
            XCTAssertFalse(parsed.media.contains { $0.path.hasSuffix("gone.jpg") })
            XCTAssertEqual(parsed.media.count, 6)
            XCTAssertEqual(parsed.ownerName, "Zoë Müller")
        }
        var files = MetaAccountFixture.instagramHTML(bytes)
        files["personal_information/personal_information/personal_information.html"] = Data("\u{0}\u{0}<<<>>>".utf8)
        let parsed = try InstagramHTMLExport.read(tree(files))
        XCTAssertNil(parsed.ownerName)
        XCTAssertEqual(parsed.media.count, 5)
    }

    // MARK: Hostile HTML (HTMLDocument on libxml2)

    func testDeepNestingIsCutAtTheDepthLimitWithoutCrashing() throws {
        let depth = 100_000
        let html = "<html><body>" + String(repeating: "<div>", count: depth) + "deep" + String(repeating: "</div>", count: depth) + "</body></html>"
        let document = try HTMLDocument.parse(Data(html.utf8))
        XCTAssertTrue(document.truncated)
        XCTAssertLessThanOrEqual(document.nodes.map(\.depth).max() ?? 0, HTMLDocument.Limits.default.maxDepth)
        var files = MetaAccountFixture.facebookHTML(bytes)
        files["your_facebook_activity/posts/album/0.html"] = Data(html.utf8)
        let parsed = try FacebookHTMLExport.read(tree(files))
        XCTAssertTrue(parsed.warnings.contains { $0.hasPrefix("your_facebook_activity/posts/album/0.html:") }, "\(parsed.warnings)")
    }

    func testHugeAttributesAreCut() throws {
        let huge = String(repeating: "a", count: 3 << 20)
        let document = try HTMLDocument.parse(Data("<html><body><img src=\"\(huge).jpg\" alt=\"x\"></body></html>".utf8))
        let img = try XCTUnwrap(document.elements("img").first)
        XCTAssertLessThanOrEqual(document.attribute("src", of: img)?.utf8.count ?? 0, HTMLDocument.Limits.default.maxTextBytes)
        XCTAssertTrue(document.truncated)
    }

    func testBrokenEncodingsDecodeWithReplacementsAndDeclaredCharsetsAreHonoured() throws {
        let latin1 = Data("<html><head><meta charset=\"iso-8859-1\"></head><body><h2>Caf".utf8) + Data([0xE9]) + Data("</h2></body></html>".utf8)
        let document = try HTMLDocument.parse(latin1)
        XCTAssertEqual(document.text(of: try XCTUnwrap(document.elements("h2").first)), "Café")
        let broken = Data("<html><body><h2>ok ".utf8) + Data([0xC3, 0x28, 0xFF, 0xFE]) + Data(" end</h2></body></html>".utf8)
        let parsedBroken = try HTMLDocument.parse(broken)
        let text = parsedBroken.text(of: try XCTUnwrap(parsedBroken.elements("h2").first))
        XCTAssertTrue(text.hasPrefix("ok") && text.hasSuffix("end"), text)
        XCTAssertThrowsError(try HTMLDocument.parse(Data()))
        var limits = HTMLDocument.Limits(); limits.maxInputBytes = 10
        XCTAssertThrowsError(try HTMLDocument.parse(Data("<html><body>too long</body></html>".utf8), limits: limits))
    }

    func testScriptsAndExternalEntitiesAreNeverData() throws {
        let html = #"<!DOCTYPE html SYSTEM "http://192.0.2.1/evil.dtd"><html><body><script>var a = "<div class='_a6-g'><img src='x.jpg'></div>";</script><div class="_a6-g"><img src="media/a.jpg"></div></body></html>"#
        let document = try HTMLDocument.parse(Data(html.utf8))
        XCTAssertEqual(MetaHTML.entries(document).map { $0.media.map(\.uri) }, [["media/a.jpg"]])
    }

    func testMetaDatesAndTaggedUsers() {
        XCTAssertEqual(MetaHTML.parseDate("Jul 21, 2015 6:17:37 am"), epoch(1437459457))
        XCTAssertEqual(MetaHTML.parseDate("Jul 21, 2015, 6:17 PM"), epoch(1437502620))
        XCTAssertEqual(MetaHTML.parseDate("Dec 12, 2012 12:05:00 am"), epoch(1355270700))
        XCTAssertNil(MetaHTML.parseDate("Feb 30, 2015 6:17 am"))
        XCTAssertNil(MetaHTML.parseDate("not a date"))
        XCTAssertEqual(MetaHTML.taggedNames("anna_s (Tagged, 0.51, 0.42), bob.b (Tagged, 0.1, 0.2)"), ["anna_s", "bob.b"])
        XCTAssertEqual(MetaHTML.taggedNames("Anna Schmidt"), ["Anna Schmidt"])
        XCTAssertEqual(MetaHTML.localURI("../../media/posts/a%20b.jpg?x=1"), "media/posts/a b.jpg")
        XCTAssertNil(MetaHTML.localURI("https://scontent.xx.fbcdn.net/a.jpg"))
    }
}
