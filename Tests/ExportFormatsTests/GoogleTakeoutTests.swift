import Foundation
import XCTest
import ExposureModel
@testable import ExportFormats

final class GoogleTakeoutTests: XCTestCase {
    let year = "Takeout/Google Photos/Photos from 2020"

    func testRecognizesClassicSupplementalAndSplitExports() {
        XCTAssertTrue(GoogleTakeoutExport.recognizes(tree(GoogleTakeoutFixtures.classicFiles())))
        XCTAssertTrue(GoogleTakeoutExport.recognizes(tree(GoogleTakeoutFixtures.supplementalFiles())))
        for part in GoogleTakeoutFixtures.splitParts() { XCTAssertTrue(GoogleTakeoutExport.recognizes(tree(part))) }
    }

    /// Without the Takeout folders, a photo with a `.jpg.json` sidecar is still recognized by its content.
    func testRecognizesBareSidecarsByContent() {
        let files: [String: Data] = [
            "IMG_1.jpg": FixtureBytes.jpeg(),
            "IMG_1.jpg.json": GoogleTakeoutFixtures.sidecar(title: "IMG_1.jpg", taken: "1600000000"),
        ]
        XCTAssertTrue(GoogleTakeoutExport.recognizes(tree(files)))
        XCTAssertFalse(GoogleTakeoutExport.recognizes(tree(["IMG_1.jpg": FixtureBytes.jpeg(),
                                                            "IMG_1.jpg.json": FixtureBytes.text(#"{ "width": 3 }"#)])))
    }

    func testExtractsClassicExport() throws {
        let files = GoogleTakeoutFixtures.classicFiles()
        try checkClassic(files, try GoogleTakeoutExport.read(tree(files)))
    }

    /// Two zip parts merged into one tree: each photo's sidecar came from the other part.
    func testExtractsSplitExportMerged() throws {
        var merged: [String: Data] = [:]
        for part in GoogleTakeoutFixtures.splitParts() { merged.merge(part) { a, _ in a } }
        try checkClassic(merged, try GoogleTakeoutExport.read(tree(merged)))
    }

    func checkClassic(_ files: [String: Data], _ parsed: ParsedExport) throws {
        assertEveryMediaFileListedOnce(files, parsed)
        XCTAssertEqual(parsed.platform, .googleTakeout)
        XCTAssertEqual(parsed.ownerName, "Anna Schmidt")
        XCTAssertEqual(parsed.media.count, 18, "\(parsed.media.map(\.path))")

        let anna = try item(parsed, "\(year)/IMG_20200920_131207.jpg")
        XCTAssertEqual(anna.appearances, [Appearance(kind: .uncategorized, caption: "Lake day", postTime: epoch(1600598769),
                                                     link: "https://photos.google.com/photo/AF1Qip-example")])
        XCTAssertEqual(anna.metadata.takenTime, epoch(1600596727), "photoTakenTime, never creationTime")
        XCTAssertEqual(anna.metadata.location, GeoPoint(latitude: 55.2694, longitude: 37.6655, altitude: 214.4))
        XCTAssertEqual(anna.metadata.people, ["Anna", "Boris"])
        XCTAssertEqual(anna.metadata.sourceFile, "\(year)/IMG_20200920_131207.jpg.json")

        let edited = try item(parsed, "\(year)/IMG_20200920_131207-edited.jpg")
        XCTAssertEqual(edited.metadata, anna.metadata, "an edited copy uses the original's sidecar")

        let live = try item(parsed, "\(year)/IMG_5000.MOV")
        XCTAssertEqual(live.metadata.takenTime, epoch(1600000000), "live-photo video borrows the photo's sidecar")

        XCTAssertEqual(try item(parsed, "\(year)/IMG_3479.JPG").metadata.takenTime, epoch(1500000000))
        XCTAssertEqual(try item(parsed, "\(year)/IMG_3479(1).JPG").metadata.takenTime, epoch(1500000111))

        let dsc = try item(parsed, "\(year)/DSC_0104(1).JPG")
        XCTAssertEqual(dsc.metadata, PlatformMetadata(), "DSC_0104.JPG.json is not DSC_0104(1).JPG's")
        let missing = try item(parsed, "\(year)/DSC_0104.JPG")
        XCTAssertFalse(missing.isPresent)
        XCTAssertEqual(missing.metadata.takenTime, epoch(1400000000))
        XCTAssertEqual(parsed.warnings, ["\(year): 1 sidecar JSON file(s) describe media not in the export"])

        XCTAssertEqual(try item(parsed, "\(year)/PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINA.jpg").metadata.takenTime, epoch(1691613289))
        XCTAssertEqual(try item(parsed, "\(year)/\(String(repeating: "😀", count: 30)).jpg").metadata.takenTime, epoch(1577836800))
        XCTAssertEqual(try item(parsed, "\(year)/20030616.jpg").metadata.takenTime, epoch(1055750400))

        let exifOnly = try item(parsed, "\(year)/IMG_6000.jpg")
        XCTAssertEqual(exifOnly.metadata.location, GeoPoint(latitude: 30.6578197, longitude: 104.06, altitude: 486.2),
                       "geoData (0, 0) falls back to geoDataExif")
        let nothing = try item(parsed, "\(year)/IMG_7000.jpg")
        XCTAssertNil(nothing.metadata.location)
        XCTAssertNil(nothing.metadata.takenTime, "photoTakenTime \"0\" is unknown")
        XCTAssertEqual(nothing.metadata.sourceFile, "\(year)/IMG_7000.jpg.json")

        XCTAssertEqual(try item(parsed, "\(year)/Cafe\u{301}.jpg").metadata.takenTime, epoch(1599000000), "NFD name, NFC sidecar")
        let shot = try item(parsed, "\(year)/Screenshot_1.png")
        XCTAssertEqual(shot.metadata, PlatformMetadata())
        XCTAssertEqual(shot.appearances, [Appearance(kind: .uncategorized)])

        let inAlbum = try item(parsed, "Takeout/Google Photos/Chair yoga/IMG_20200920_131207.jpg")
        XCTAssertEqual(inAlbum.appearances.map(\.album), ["Chair yoga"])
        XCTAssertEqual(inAlbum.appearances.map(\.kind), [.album])
        XCTAssertEqual(inAlbum.metadata.people, ["Anna", "Boris"])
        XCTAssertEqual(try item(parsed, "Takeout/Google Chat/Groups/DM abc/File-photo.jpg").appearances,
                       [Appearance(kind: .other, album: "DM abc")])
        XCTAssertEqual(try item(parsed, "Takeout/Google Photos/Vacances/IMG_8000.jpg").appearances,
                       [Appearance(kind: .album, album: "Vacances d'été")])
    }

    func testExtractsSupplementalMetadataEra() throws {
        let files = GoogleTakeoutFixtures.supplementalFiles()
        let parsed = try GoogleTakeoutExport.read(tree(files))
        assertEveryMediaFileListedOnce(files, parsed)
        let dir = "Takeout/Google Photos/Photos from 2024"
        XCTAssertEqual(parsed.ownerName, nil)
        XCTAssertEqual(parsed.warnings, [])
        XCTAssertEqual(parsed.media.count, 6)
        let expected: [(String, TimeInterval)] = [
            ("IMG_0001.jpg", 1704449410), ("PXL_20240105_101010123.LONG_EXPOSURE.jpg", 1704449411),
            ("PXL_20240202_121314555.MOTION-01.CO(1).jpg", 1706875994), ("skytree(1).jpg", 1710000001),
            ("skytree (2).jpg", 1710000002), ("IMG_0001-bearbeitet.jpg", 1704449410),
        ]
        for (name, taken) in expected {
            XCTAssertEqual(try item(parsed, "\(dir)/\(name)").metadata.takenTime, epoch(taken), name)
        }
        XCTAssertEqual(try item(parsed, "\(dir)/IMG_0001.jpg").metadata.location,
                       GeoPoint(latitude: 48.1371, longitude: 11.5754, altitude: 520))
    }

    func testTrashOlderAlbumWrapperAndTitleFallback() throws {
        let root = "Takeout/Google Photos"
        let files: [String: Data] = [
            "\(root)/Trash/IMG_1.jpg": FixtureBytes.jpeg("t"),
            "\(root)/Trash/IMG_1.jpg.json": GoogleTakeoutFixtures.sidecar(title: "IMG_1.jpg", taken: "1600000001"),
            "\(root)/Old album/IMG_2.jpg": FixtureBytes.jpeg("o"),
            "\(root)/Old album/metadata.json": FixtureBytes.text(#"{ "albumData": { "title": "Summer '09", "date": { "timestamp": "0" } } }"#),
            // A sidecar whose name follows no rule but whose title is the file name.
            "\(root)/Old album/IMG_3.jpg": FixtureBytes.jpeg("3"),
            "\(root)/Old album/IMG_3.jp.json": GoogleTakeoutFixtures.sidecar(title: "IMG_3.jpg", taken: "1600000003"),
        ]
        let parsed = try GoogleTakeoutExport.read(tree(files))
        XCTAssertEqual(try item(parsed, "\(root)/Trash/IMG_1.jpg").appearances.first, Appearance(kind: .other, album: "Trash", postTime: epoch(1600598769)))
        XCTAssertEqual(try item(parsed, "\(root)/Old album/IMG_2.jpg").appearances, [Appearance(kind: .album, album: "Summer '09")])
        XCTAssertEqual(try item(parsed, "\(root)/Old album/IMG_3.jpg").metadata.takenTime, epoch(1600000003))
        XCTAssertEqual(parsed.warnings, [])
    }

    func testSidecarCandidateNames() {
        let names = GoogleSidecarMatcher.candidateNames(for: "IMG_3479(1).JPG")
        XCTAssertTrue(names.contains("IMG_3479.JPG(1).json"))
        XCTAssertTrue(names.contains("IMG_3479(1).JPG.json"))
        XCTAssertTrue(names.contains("IMG_3479.JPG.supplemental-metadata(1).json"))
        XCTAssertFalse(names.contains("IMG_3479.JPG.json"), "never strip a counter")
        // The 46-character cut, into the suffix and into the name, in UTF-16 code units.
        XCTAssertTrue(GoogleSidecarMatcher.candidateNames(for: "PXL_20240105_101010123.LONG_EXPOSURE.jpg")
            .contains("PXL_20240105_101010123.LONG_EXPOSURE.jpg.suppl.json"))
        XCTAssertTrue(GoogleSidecarMatcher.candidateNames(for: "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINA.jpg")
            .contains("PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGIN.json"))
        XCTAssertTrue(GoogleSidecarMatcher.candidateNames(for: String(repeating: "😀", count: 30) + ".jpg")
            .contains(String(repeating: "😀", count: 23) + ".json"))
        XCTAssertTrue(GoogleSidecarMatcher.candidateNames(for: "PXL_20240202_121314555.MOTION-01.CO(1).jpg")
            .contains("PXL_20240202_121314555.MOTION-01.CO.jpg.supple(1).json"))
        XCTAssertTrue(GoogleSidecarMatcher.candidateNames(for: "IMG_1-edited.jpg").contains("IMG_1.jpg.json"))
        XCTAssertTrue(GoogleSidecarMatcher.candidateNames(for: "20030616.jpg").contains("20030616.json"))
    }

    func testCorruptFilesAreSkippedWithAWarningNamingThem() throws {
        var files = GoogleTakeoutFixtures.classicFiles()
        files["\(year)/IMG_3479.JPG.json"] = FixtureBytes.text(#"{ "title": "IMG_3479.JPG", "photoTakenTime": { "timest"#)
        files["\(year)/IMG_6000.jpg.json"] = FixtureBytes.text(#"[ { "title": "IMG_6000.jpg" } ]"#)
        files["\(year)/IMG_7000.jpg.json"] = FixtureBytes.text(#"{ "title": 7, "photoTakenTime": { "timestamp": [1] }, "geoData": "here", "people": "Anna" }"#)
        let parsed = try GoogleTakeoutExport.read(tree(files))
        assertEveryMediaFileListedOnce(files, parsed)
        let warnings = parsed.warnings.joined(separator: "\n")
        XCTAssertTrue(warnings.contains("\(year)/IMG_3479.JPG.json: not valid JSON"), warnings)
        XCTAssertTrue(warnings.contains("\(year)/IMG_6000.jpg.json: expected a JSON object, found an array"), warnings)
        XCTAssertEqual(try item(parsed, "\(year)/IMG_3479.JPG").metadata, PlatformMetadata())
        let wrongTypes = try item(parsed, "\(year)/IMG_7000.jpg")
        XCTAssertNil(wrongTypes.metadata.takenTime)
        XCTAssertEqual(wrongTypes.metadata.people, [])
        XCTAssertEqual(try item(parsed, "\(year)/IMG_20200920_131207.jpg").metadata.people, ["Anna", "Boris"])
    }
}
