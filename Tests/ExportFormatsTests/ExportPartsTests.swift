import Foundation
import XCTest
import ExposureModel
import ExposureTestSupport
@testable import ExportFormats

/// Issue #16: parts of one download are recognised from their content and names, in any order.
final class ExportPartsTests: XCTestCase {
    typealias Input = ExportParts.Input

    func snapMain() -> Input {
        Input(names: [SnapchatPartsFixture.mainPartName], tree: tree(SnapchatPartsFixture.mainPart(jpeg: FixtureBytes.jpeg, mp4: FixtureBytes.mp4)))
    }
    func snapMemories(name: String = SnapchatPartsFixture.memoriesPartName) -> Input {
        Input(names: [name], tree: tree(SnapchatPartsFixture.memoriesPart(jpeg: FixtureBytes.jpeg, mp4: FixtureBytes.mp4, png: FixtureBytes.png)))
    }

    /// The 2021 Facebook fixture split as Meta delivers a large download: JSON in one zip, media in another.
    func metaParts(era: FacebookFixtures.Era = .posts2021) -> (json: [String: Data], media: [String: Data]) {
        var json: [String: Data] = [:], media: [String: Data] = [:]
        for (path, data) in FacebookFixtures.files(era) {
            if MediaFiles.isMedia(path) { media[path] = data } else { json[path] = data }
        }
        return (json, media)
    }

    func testSchemeNames() {
        XCTAssertEqual(ExportParts.schemeName("mydata~1733140000000.zip")?.key, "snapchat|1733140000000")
        XCTAssertEqual(ExportParts.schemeName("mydata~1733140000000-2.zip")?.number, 2)
        XCTAssertEqual(ExportParts.schemeName("mydata~1733140000000.zip")?.number, 1)
        XCTAssertEqual(ExportParts.schemeName("takeout-20240712T112341Z-003.zip")?.number, 3)
        XCTAssertEqual(ExportParts.schemeName("facebook-zoe.mueller-2024-05-01-AbCdEf.zip")?.key, "meta|facebook-zoe.mueller|2024-05-01")
        XCTAssertEqual(ExportParts.schemeName("facebook-zoe.mueller-2024-05-01-XyZ12.zip")?.key, "meta|facebook-zoe.mueller|2024-05-01")
        XCTAssertEqual(ExportParts.schemeName("instagram-zoe-20240501-7.zip")?.key, "meta|instagram-zoe|20240501")
        XCTAssertNil(ExportParts.schemeName("facebook.zip"))
        XCTAssertNil(ExportParts.schemeName("holiday photos"))
    }

    func testSnapchatPartsJoinInEitherOrder() {
        for inputs in [[snapMain(), snapMemories()], [snapMemories(), snapMain()]] {
            let plan = ExportParts.plan(inputs)
            let first = inputs[0].names[0] == SnapchatPartsFixture.mainPartName ? 0 : 1
            XCTAssertEqual(plan.groups, [[first, 1 - first]], "the unnumbered part first")
            XCTAssertEqual(plan.notes, [[]])
        }
    }

    func testSnapchatPartsJoinByContentWhateverTheirNames() {
        // Renamed files: the memories' days are among the JSON's missing memories.
        let plan = ExportParts.plan([Input(names: ["a.zip"], tree: snapMain().tree), snapMemories(name: "b.zip")])
        XCTAssertEqual(plan.groups, [[0, 1]])
        // A memories-only part whose days are not the JSON's stays apart, and says what it lacks.
        let other = Input(names: ["c.zip"], tree: tree(["memories/2001-01-01_X-main.jpg": FixtureBytes.jpeg("x")]))
        let apart = ExportParts.plan([Input(names: ["a.zip"], tree: snapMain().tree), other])
        XCTAssertEqual(apart.groups, [[0], [1]])
        XCTAssertEqual(apart.notes[1], ["holds Snapchat memories only: the part with json/memories_history.json (their dates and places) was not given"])
    }

    func testASnapchatPartGivenAloneSaysWhichPartItExpects() {
        XCTAssertEqual(ExportParts.plan([snapMain()]).notes, [[
            "json/memories_history.json lists memories this part does not hold: Snapchat delivers them in mydata~1733140000000-2.zip (memories/); give every part in one scan",
        ]])
        XCTAssertEqual(ExportParts.plan([snapMemories()]).notes, [[
            "mydata~1733140000000.zip (json/, html/, chat_media/) was not given: without its json/memories_history.json these memories have no dates or places",
        ]])
        let third = Input(names: ["mydata~1733140000000-3.zip"], tree: tree(["chat_media/2021-03-03_b~X.jpg": FixtureBytes.jpeg("3")]))
        XCTAssertEqual(ExportParts.plan([snapMain(), third]).groups, [[0, 1]])
        XCTAssertEqual(ExportParts.plan([snapMain(), third]).notes, [[
            "part mydata~1733140000000-2.zip of this Snapchat download was not given",
            "json/memories_history.json lists memories this part does not hold: Snapchat delivers them in mydata~1733140000000-2.zip (memories/); give every part in one scan",
        ]])
    }

    func testMetaPartsJoinByReferenceInAnyOrderAndWithAnyNames() {
        for era in [FacebookFixtures.Era.posts2021, .facebookActivity2024] {
            let (json, media) = metaParts(era: era)
            for names in [("facebook-zoe-2024-05-01-AbC.zip", "facebook-zoe-2024-05-01-XyZ.zip"), ("one.zip", "two.zip")] {
                let a = Input(names: [names.0], tree: tree(json)), b = Input(names: [names.1], tree: tree(media))
                XCTAssertEqual(ExportParts.plan([a, b]).groups, [[0, 1]], "\(era) \(names)")
                XCTAssertEqual(ExportParts.plan([b, a]).groups, [[1, 0]], "\(era) \(names): the JSON part first")
            }
        }
    }

    func testInstagramAndHTMLPartsJoinByReference() {
        let bytes: (String) -> Data = { FixtureBytes.jpeg($0) }
        for (label, files) in [("instagram json", MetaAccountFixture.instagramJSON(bytes)), ("instagram html", MetaAccountFixture.instagramHTML(bytes)),
                               ("facebook html", MetaAccountFixture.facebookHTML(bytes))] {
            var pages: [String: Data] = [:], media: [String: Data] = [:]
            for (path, data) in files { if MediaFiles.isMedia(path) { media[path] = data } else { pages[path] = data } }
            let a = Input(names: ["instagram-zoe.m-20240501-1.zip"], tree: tree(pages)), b = Input(names: ["part2.zip"], tree: tree(media))
            XCTAssertEqual(ExportParts.plan([b, a]).groups, [[1, 0]], label)
            XCTAssertEqual(ExportParts.plan([a, b]).groups, [[0, 1]], label)
        }
    }

    func testMetaPartGivenAloneSaysItExpectsTheOthers() {
        let (json, media) = metaParts()
        XCTAssertEqual(ExportParts.plan([Input(names: ["facebook-zoe-2024-05-01-AbC.zip"], tree: tree(json))]).notes, [[
            "7 files named by this download's JSON are in none of the given zips: Meta delivers a large download as several zips of one account (facebook-zoe-2024-05-01-…); give them all in one scan",
        ]])
        XCTAssertEqual(ExportParts.plan([Input(names: ["facebook-zoe-2024-05-01-XyZ.zip"], tree: tree(media))]).notes, [[
            "holds media only: the zip of this download with its JSON (facebook-zoe-2024-05-01-…) was not given",
        ]])
        // Joined, only the one photo the JSON lists and no part holds is left.
        XCTAssertEqual(ExportParts.plan([Input(names: ["facebook-zoe-2024-05-01-AbC.zip"], tree: tree(json)),
                                         Input(names: ["facebook-zoe-2024-05-01-XyZ.zip"], tree: tree(media))]).notes, [[
            "1 file named by this download's JSON is in none of the given zips: Meta delivers a large download as several zips of one account (facebook-zoe-2024-05-01-…); give them all in one scan",
        ]])
    }

    func testDifferentExportsStayApart() {
        let facebook = Input(names: ["facebook-zoe-2024-05-01-AbC.zip"], tree: tree(FacebookFixtures.files(.posts2021)))
        let instagram = Input(names: ["instagram-zoe-2024-05-01-AbC.zip"], tree: tree(InstagramFixtures.files(.content2022)))
        let takeout = Input(names: ["takeout-20240712T112341Z-001.zip"], tree: tree(GoogleTakeoutFixtures.classicFiles()))
        let snapchat = snapMain()
        let folder = Input(names: ["Holidays"], tree: tree(FolderFixtures.files()))
        let plan = ExportParts.plan([facebook, instagram, takeout, snapchat, folder])
        XCTAssertEqual(plan.groups, [[0], [1], [2], [3], [4]])
        // Two downloads of one account on different days are two exports.
        let later = Input(names: ["facebook-zoe-2025-01-01-AbC.zip"], tree: tree(FacebookFixtures.files(.posts2021)))
        XCTAssertEqual(ExportParts.plan([facebook, later]).groups, [[0], [1]])
        // Same name scheme but two platforms: never joined.
        let fakeSnap = Input(names: ["mydata~1733140000000-2.zip"], tree: tree(FacebookFixtures.files(.posts2021)))
        XCTAssertEqual(ExportParts.plan([snapchat, fakeSnap]).groups, [[0], [1]])
    }

    func testSharedDistinctiveRootJoins() {
        let (json, media) = metaParts(era: .facebookActivity2024)
        // No reference crosses (the media part holds only a sticker), but both sit under facebook-zoe/.
        let sticker = media.filter { $0.key.contains("sticker") }
        XCTAssertEqual(ExportParts.plan([Input(names: ["x.zip"], tree: tree(json)), Input(names: ["y.zip"], tree: tree(sticker))]).groups, [[0, 1]])
        // A generic root (Takeout/) is no evidence.
        let takeoutA = Input(names: ["a.zip"], tree: tree(GoogleTakeoutFixtures.classicFiles()))
        let takeoutB = Input(names: ["b.zip"], tree: tree(["Takeout/Google Photos/Other/x.jpg": FixtureBytes.jpeg("x")]))
        XCTAssertEqual(ExportParts.plan([takeoutA, takeoutB]).groups, [[0], [1]])
    }

    func testTakeoutPartsGivenWithAGapNameTheMissingPart() {
        let a = Input(names: ["takeout-20240712T112341Z-001.zip", "takeout-20240712T112341Z-003.zip"], tree: tree(GoogleTakeoutFixtures.classicFiles()))
        XCTAssertEqual(ExportParts.plan([a]).notes, [[
            "part takeout-20240712T112341Z-002 of this split Takeout export was not given: photos and sidecars in it are missing",
        ]])
        let b = Input(names: ["takeout-20240712T112341Z-002.zip"], tree: tree(["Takeout/Google Photos/Other/x.jpg": FixtureBytes.jpeg("x")]))
        XCTAssertEqual(ExportParts.plan([a, b]).groups, [[0, 1]])
        XCTAssertEqual(ExportParts.plan([a, b]).notes, [[]])
    }

    func testASingleInputNamedLikeNoPartIsNotLookedAt() {
        XCTAssertEqual(ExportParts.plan([Input(names: ["facebook.zip"], tree: tree(metaParts().json))]), ExportParts.Plan(groups: [[0]], notes: [[]]))
    }
}
