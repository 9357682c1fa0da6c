import ExposureModel
import ExposureTestSupport
import Foundation
import MediaMetadata
import XCTest
@testable import ExposureAnalysis

/// Re-posted photos (perceptual fingerprints), links across accounts, and the audience counts.
final class LinkageTests: XCTestCase {
    /// The multi-index candidate search finds exactly the pairs that comparing every pair finds.
    func testCandidateSearchEqualsEveryPairComparison() {
        var rng = SplitMix64(seed: 7)
        var prints: [PerceptualFingerprint?] = []
        for k in 0..<400 {
            if k % 5 == 4, let base = prints[k - 1] {
                // A near-duplicate of the previous one: 0-14 bits flipped in each hash.
                let flipped = base.hashes.map { h -> UInt64 in
                    var h = h
                    for _ in 0..<Int(rng.next() % 15) { h ^= 1 << (rng.next() % 64) }
                    return h
                }
                prints.append(PerceptualFingerprint(hashes: flipped, grid: base.grid))
            } else if k % 37 == 0 {
                prints.append(nil)
            } else {
                prints.append(PerceptualFingerprint(hashes: (0..<19).map { _ in rng.next() }, grid: [UInt8](repeating: 0, count: 1024)))
            }
        }
        for threshold in [6, 10, 12] {
            let fast = NearDuplicates.candidates(prints, hashThreshold: threshold)
            XCTAssertEqual(fast, NearDuplicates.candidatesReference(prints, hashThreshold: threshold), "threshold \(threshold)")
            XCTAssertGreaterThan(fast.count, 30, "the planted near-duplicates are found")
        }
    }

    /// Generated photos and their re-posts (resized, cropped, filtered, re-encoded): each re-post is
    /// linked to its photo, and no two different photos are linked.
    func testRepostsAreLinkedAndDifferentPhotosAreNot() throws {
        var rng = SplitMix64(seed: 0x5EED)
        var prints: [PerceptualFingerprint?] = [], photoOf: [Int] = []
        let photos = 60
        for p in 0..<photos {
            let scene = SyntheticScenes.scene(width: 320 + Int(rng.next() % 160), height: 240, seed: rng.next())
            prints.append(try PerceptualHash.fingerprint(ofEncoded: try ImageEncoder.jpeg(scene, quality: 90),
                                                         width: scene.width, height: scene.height))
            photoOf.append(p)
            let repost = SyntheticScenes.Repost.random(&rng)
            let changed = repost.apply(scene)
            prints.append(try PerceptualHash.fingerprint(ofEncoded: try ImageEncoder.jpeg(changed, quality: repost.jpegQuality),
                                                         width: changed.width, height: changed.height))
            photoOf.append(p)
        }
        let pairs = NearDuplicates.pairs(prints)
        let right = pairs.filter { photoOf[$0.first] == photoOf[$0.second] }.count
        XCTAssertEqual(pairs.count - right, 0, "no false link: \(pairs.filter { photoOf[$0.first] != photoOf[$0.second] })")
        XCTAssertGreaterThanOrEqual(Double(right) / Double(photos), 0.95, "recall \(right)/\(photos)")
    }

    /// 5,000 distinct generated photos: not one pair linked (the acceptance's count; small pictures
    /// so that the test is quick: the fingerprint's grid is 32x32 either way).
    func testNoFalseLinkAmongFiveThousandDistinctPhotos() {
        var rng = SplitMix64(seed: 0xD15)
        let prints = (0..<5000).map { _ in PerceptualHash.fingerprint(of: SyntheticScenes.scene(width: 96, height: 72, seed: rng.next())) }
        XCTAssertEqual(prints.compactMap { $0 }.count, 5000)
        XCTAssertEqual(NearDuplicates.pairs(prints), [])
    }

    func testFingerprintStoredFormRoundTrips() throws {
        let scene = SyntheticScenes.scene(width: 200, height: 150, seed: 3)
        let print = try XCTUnwrap(PerceptualHash.fingerprint(of: scene))
        XCTAssertEqual(print.hashes.count, PerceptualFingerprint.windows.count)
        XCTAssertEqual(print.hashes.count, 19)
        XCTAssertEqual(PerceptualFingerprint(data: print.data), print)
        XCTAssertNil(PerceptualFingerprint(data: print.data.dropLast()), "a truncated blob is refused")
        XCTAssertNil(PerceptualHash.fingerprint(of: RGBImage(width: 50, height: 50)), "a flat picture has nothing to recognise")
    }

    /// Two accounts share a camera serial, an owner name, a re-posted photo and a person; a third
    /// item sits in one account only.
    func testLinksAcrossAccounts() throws {
        let scene = SyntheticScenes.scene(width: 240, height: 180, seed: 11)
        let repost = SyntheticScenes.Repost(scale: 0.6, keptWidth: 0.9, keptHeight: 0.95, offsetX: 0.3, offsetY: 0.7,
                                            filter: .warm, jpegQuality: 70).apply(scene)
        let person = (0..<128).map { Float($0 % 5) * 0.02 }, stranger = (0..<128).map { Float($0 % 3) * 0.05 }
        var items = [
            ItemInput(id: 1, bodySerialNumber: "SN-42", cameraOwnerName: "Pat Example"),
            ItemInput(id: 2, bodySerialNumber: " SN-42 ", artist: "Pat Example"),
            ItemInput(id: 3), ItemInput(id: 4), ItemInput(id: 5, lensSerialNumber: "L-9"),
        ]
        items[0].accounts = [0]; items[1].accounts = [1]; items[2].accounts = [0]; items[3].accounts = [1]; items[4].accounts = [0]
        items[2].fingerprint = PerceptualHash.fingerprint(of: scene)
        items[3].fingerprint = PerceptualHash.fingerprint(of: repost)
        let faces = [FaceInput(itemID: 1, faceIndex: 0, descriptor: person), FaceInput(itemID: 2, faceIndex: 0, descriptor: person),
                     FaceInput(itemID: 5, faceIndex: 0, descriptor: stranger)]
        var input = AnalysisInput(faces: faces, items: items)
        input.accounts = [AccountInput(label: "Facebook (a.zip)"), AccountInput(label: "Instagram (b.zip)")]
        let result = Analysis.run(input)
        let m = result.linkage.metrics
        XCTAssertEqual(m.linkedAccounts, 2)
        XCTAssertEqual(m.repostedPhotos, 1)
        XCTAssertEqual(m.cameraSerials, 1, "L-9 is in one account only")
        XCTAssertEqual(m.ownerNames, 1)
        XCTAssertEqual(m.identities, 1, "the stranger is in one account only")
        let photo = try XCTUnwrap(result.linkage.links.first { $0.kind == .repostedPhoto })
        XCTAssertEqual(photo.items, [3, 4])
        XCTAssertEqual(photo.accounts, ["Facebook (a.zip)", "Instagram (b.zip)"])
        XCTAssertEqual(result.linkage.links.first { $0.kind == .cameraSerial }?.value, "SN-42")
        XCTAssertEqual(result.metrics["linkage.linked_accounts"], 2)
        XCTAssertEqual(result.itemCounts["linkage.reposted_photos"], 2)

        // One account: nothing ties it to anything.
        var alone = input
        alone.items = alone.items.map { var i = $0; i.accounts = [0]; return i }
        XCTAssertEqual(Analysis.run(alone).linkage.metrics, LinkageMetrics())
    }

    /// Items with the owner's face, labelled and located, at every audience.
    func testAudienceCounts() {
        let me = (0..<128).map { Float($0 % 7) * 0.01 }
        var items: [ItemInput] = []
        for (id, level) in [(1, Audience.Level.public), (2, .public), (3, .shared), (4, .private), (5, nil), (6, .public)] as [(Int64, Audience.Level?)] {
            var item = ItemInput(id: id, platformPeople: ["Pat"], exifLocation: id == 1 ? GeoPoint(latitude: 48.85, longitude: 2.29) : nil)
            item.audience = level
            items.append(item)
        }
        items[5].platformPeople = []
        let faces = (1...6).map { FaceInput(itemID: Int64($0), faceIndex: 0, descriptor: me) }
        let result = Analysis.run(AnalysisInput(faces: faces, items: items, ownerName: "Pat"))
        let a = result.audience
        XCTAssertEqual([a.publicItems, a.sharedItems, a.privateItems, a.unknownItems], [3, 1, 1, 1])
        XCTAssertEqual(a.publicOwnerPhotos, 3)
        XCTAssertEqual(a.publicLabelledFaces, 2, "item 6 carries no name")
        XCTAssertEqual(a.publicItemsWithGPS, 1)
        XCTAssertEqual(result.metrics["audience.public_owner_photos"], 3)
    }

    func testAnItemsAudienceIsItsWidest() {
        let p = Audience(.public, evidence: "p"), s = Audience(.shared, evidence: "s"), x = Audience(.private, evidence: "x")
        XCTAssertEqual(Audience.widest([x, s, p]), .public)
        XCTAssertEqual(Audience.widest([x, nil, s]), nil, "unknown somewhere, public nowhere: unknown")
        XCTAssertEqual(Audience.widest([x, s]), .shared)
        XCTAssertEqual(Audience.widest([x]), .private)
        XCTAssertEqual(Audience.widest([]), nil)
    }
}
