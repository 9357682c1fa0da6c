import Foundation
import XCTest
import ExposureModel
@testable import ExportFormats

final class RegistryTests: XCTestCase {
    func testRegistryOrderIsExplicitWithFolderLast() {
        // Each HTML-format reader sits before its platform's JSON reader (issue #16).
        XCTAssertEqual(ExportFormatRegistry.all.map { $0.platform },
                       [.facebook, .facebook, .instagram, .instagram, .googleTakeout, .twitter, .snapchat, .folder])
        XCTAssertEqual(ExportFormatRegistry.all.map { $0 is any HTMLExportFormat.Type },
                       [true, false, true, false, false, false, false, false])
        XCTAssertTrue(ExportFormatRegistry.format(for: .facebook) == FacebookExport.self)
        XCTAssertTrue(ExportFormatRegistry.htmlFormat(for: .instagram) == InstagramHTMLExport.self)
        XCTAssertTrue(ExportFormatRegistry.format(for: .twitter) == TwitterExport.self)
    }

    func testDetectsEveryFixtureAsItsOwnPlatform() {
        for (platform, era, files) in allPlatformFixtures() {
            XCTAssertEqual(ExportFormatRegistry.detect(tree(files)).platform, platform, "\(platform) \(era)")
        }
    }

    /// Each platform reader recognizes its own fixtures and claims no other platform's.
    func testNoReaderClaimsAnotherPlatformsExport() {
        // (The HTML readers claim only HTML downloads; HTMLExportTests checks them on both kinds.)
        for format in ExportFormatRegistry.all where format.platform != .folder && !(format is any HTMLExportFormat.Type) {
            for (platform, era, files) in allPlatformFixtures() {
                XCTAssertEqual(format.recognizes(tree(files)), platform == format.platform,
                               "\(format.platform) on \(platform) \(era)")
            }
        }
    }

    /// Detection looks at content only: the same tree under a wrapping folder named like another
    /// platform's archive is still detected by what is inside.
    func testDetectionIgnoresArchiveNames() {
        var wrapped: [String: Data] = [:]
        for (path, data) in TwitterFixtures.files(.current2022) { wrapped["facebook-takeout-instagram/" + path] = data }
        XCTAssertEqual(ExportFormatRegistry.detect(tree(wrapped)).platform, .twitter)
    }

    func testEmptyTreeFallsBackToFolderWithNothingInIt() throws {
        let empty = tree([:])
        XCTAssertEqual(ExportFormatRegistry.detect(empty).platform, .folder)
        XCTAssertFalse(FolderExport.recognizes(empty))
        XCTAssertEqual(try FolderExport.read(empty).media.count, 0)
    }

    func testEveryReaderListsEveryMediaFileOnce() throws {
        for (platform, era, files) in allPlatformFixtures() {
            let parsed = try ExportFormatRegistry.format(for: platform).read(tree(files))
            XCTAssertEqual(parsed.platform, platform, era)
            assertEveryMediaFileListedOnce(files, parsed)
        }
    }
}

final class CommonTests: XCTestCase {
    func testMojibakeRepair() {
        XCTAssertEqual(Mojibake.repair("T\u{c3}\u{a9}l\u{c3}\u{a9}chargements"), "Téléchargements")
        XCTAssertEqual(Mojibake.repair("Rados\u{c5}\u{82}aw"), "Radosław")
        XCTAssertEqual(Mojibake.repair("\u{f0}\u{9f}\u{98}\u{82}"), "😂")
        XCTAssertEqual(Mojibake.repair("café"), "café", "genuine Latin-1 text is kept")
        XCTAssertEqual(Mojibake.repair("Radosław"), "Radosław", "already correct text is kept")
        XCTAssertEqual(Mojibake.repair("plain"), "plain")
        // decomposed accent (e + U+0301 as UTF-8 bytes CC 81) comes out NFC
        XCTAssertEqual(Mojibake.repair("e\u{cc}\u{81}").unicodeScalars.map(\.value), [0xE9])
    }

    func testMojibakeRepairAppliesToKeysAndValues() throws {
        let json = try JSONValue.parse(Data(#"{ "Aplicaci\u00c3\u00b3": ["n\u00c3\u00a6sten"] }"#.utf8), repairingMojibake: true)
        XCTAssertEqual(json["Aplicació"]?.array?.first?.string, "næsten")
    }

    func testTimestampsSecondsAndMilliseconds() {
        XCTAssertEqual(Timestamps.epoch(.int(1600000000)), epoch(1600000000))
        XCTAssertEqual(Timestamps.epoch(.int(1600000000123)), epoch(1600000000.123))
        XCTAssertEqual(Timestamps.epoch(.string("1600596727")), epoch(1600596727))
        XCTAssertNil(Timestamps.epoch(.string("0")))
        XCTAssertNil(Timestamps.epoch(.string("soon")))
    }

    func testDateTimeParsing() {
        XCTAssertEqual(Timestamps.parseDateTime("2022:01:01 11:22:33"), epoch(1641036153))
        XCTAssertEqual(Timestamps.parseDateTime("2018-12-31T08:05:13"), epoch(1546243513))
        XCTAssertEqual(Timestamps.parseDateTime("2018-12-31T08:05:13.123456"), epoch(1546243513))
        XCTAssertEqual(Timestamps.parseDateTime("2019-07-14 18:22:05 UTC"), epoch(1563128525))
        XCTAssertEqual(Timestamps.parseDateTime("2006-11-15T13:18:50.000Z"), epoch(1163596730))
        XCTAssertEqual(Timestamps.parseDateTime("2022-10-14T12:30:00-07:00"), epoch(1665775800))
        XCTAssertNil(Timestamps.parseDateTime("0000:00:00 00:00:00"))
        XCTAssertNil(Timestamps.parseDateTime("yesterday"))
    }

    func testPathHelpers() {
        XCTAssertEqual(PathText.basename("a/b/c.jpg"), "c.jpg")
        XCTAssertEqual(PathText.basename("c.jpg"), "c.jpg")
        XCTAssertEqual(PathText.directory("a/b/c.jpg"), "a/b")
        XCTAssertEqual(PathText.directory("c.jpg"), "")
        XCTAssertEqual(PathText.segments("a//Fotky_z_časové_osy/c.jpg"), ["a", "Fotky_z_časové_osy", "c.jpg"])
        XCTAssertEqual(PathText.fileExtension(of: "a/.hidden"), "")
        XCTAssertEqual(PathText.stem("IMG_1.jpg"), "IMG_1")
        XCTAssertTrue(PathText.contains("x.jpg.supplemental-metadata.json", ".supplemental-"))
        XCTAssertFalse(PathText.contains("x.jpg.json", ".supplemental-"))
        XCTAssertFalse(PathText.contains("ab", "abc"))
        XCTAssertTrue(PathText.contains("été/__MACOSX/x", "/__MACOSX/"))
        XCTAssertEqual(PathText.trimmed("  Café \n"), "Café")
        XCTAssertEqual(PathText.trimmed(" \t "), "")
        XCTAssertEqual(PathText.nfc("Cafe\u{301}").unicodeScalars.count, 4)
        XCTAssertTrue(PathText.isRemote("https://facebook.com/"))
        XCTAssertFalse(PathText.isRemote("posts/media/a.jpg"))
        XCTAssertTrue(MediaFiles.isMedia("a/B.HEIC"))
        XCTAssertFalse(MediaFiles.isMedia("a/._B.jpg"))
        XCTAssertFalse(MediaFiles.isMedia("a/b.json"))
    }

    func testPathResolution() {
        let index = PathIndex(["export/your_facebook_activity/posts/media/a/1.jpg", "posts/media/b/2.jpg", "x/3.jpg", "y/3.jpg"])
        XCTAssertEqual(index.resolve("your_facebook_activity/posts/media/a/1.jpg"), "export/your_facebook_activity/posts/media/a/1.jpg")
        XCTAssertEqual(index.resolve("wrong/posts/media/b/2.jpg"), "posts/media/b/2.jpg")
        XCTAssertEqual(index.resolve("somewhere/else/2.jpg"), "posts/media/b/2.jpg", "unique basename")
        XCTAssertNil(index.resolve("elsewhere/3.jpg"), "ambiguous basename")
        XCTAssertNil(index.resolve("https://facebook.com/"))
        XCTAssertNil(index.resolve("posts/media/b/missing.jpg"))
    }
}
