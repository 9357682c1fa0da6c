import ExposureModel
@testable import ExposureStore
import ExposureTestSupport
import Foundation
import XCTest

final class InventoryDatabaseTests: XCTestCase {
    func face(_ seed: Float) -> FaceWrite {
        FaceWrite(face: DetectedFace(box: .init(left: 10, top: 20, right: 110, bottom: 120), confidence: 1.25,
                                     landmarks: [.init(x: 1, y: 2), .init(x: 3, y: 4)],
                                     descriptor: (0..<128).map { Float($0) * seed }),
                  thumbnail: Data([0xFF, 0xD8, 0xFF]))
    }

    func testSameBytesInTwoAlbumsIsOneItemWithTwoOccurrences() throws {
        let db = try InventoryDatabase()
        let source = try db.source(name: "facebook.zip", platform: .facebook, ownerName: "Ann Example")
        let ref1 = MediaReference(path: "a/1.jpg", appearances: [Appearance(kind: .album, album: "Holidays")],
                                  metadata: PlatformMetadata(uploadIP: "10.0.0.1", people: ["Bob", " bob "]))
        let ref2 = MediaReference(path: "b/1.jpg", appearances: [Appearance(kind: .post, caption: "hi", platformID: "p1")],
                                  isProfilePicture: true)
        let embedded = EmbeddedMetadata(width: 640, height: 480, captureTime: LocalDateTime(year: 2015, month: 6, day: 1, hour: 22),
                                        gps: GeoPoint(latitude: 48.85, longitude: 2.35), make: "Canon", model: "EOS",
                                        bodySerialNumber: "123", faceRegions: [FaceRegion(name: "Ann Example", centerX: 0.5, centerY: 0.5, width: 0.2, height: 0.3)])
        let id1 = try db.write(ItemWrite(sha256: "aa", kind: .photo, byteSize: 100, sourceID: source, path: "a/1.jpg",
                                         reference: ref1, embedded: embedded, unreadableReason: nil, faces: [face(1), face(2)]))
        let id2 = try db.write(ItemWrite(sha256: "aa", kind: .photo, byteSize: 100, sourceID: source, path: "b/1.jpg",
                                         reference: ref2, embedded: embedded, unreadableReason: nil, faces: [face(1)]))
        XCTAssertEqual(id1, id2)
        let s = try db.snapshot()
        XCTAssertEqual(s.items.count, 1)
        XCTAssertEqual(s.files.count, 2)
        XCTAssertEqual(s.faces.count, 2, "faces are analysed once per item")
        XCTAssertEqual(s.faces[1].face.descriptor[3], 6)
        XCTAssertEqual(s.faces[0].face.landmarks, [.init(x: 1, y: 2), .init(x: 3, y: 4)])
        XCTAssertEqual(s.items[0].embedded?.bodySerialNumber, "123")
        XCTAssertEqual(s.items[0].embedded?.captureTime?.hour, 22)
        XCTAssertEqual(Set(s.tags.map(\.nameKey)), ["bob", "ann example"])
        XCTAssertEqual(s.tags.filter { $0.origin == "xmp_region" }.first?.region?.height, 0.3)
        XCTAssertEqual(s.files.first { $0.path == "a/1.jpg" }?.platformMetadata?.uploadIP, "10.0.0.1")
        XCTAssertEqual(s.files.first { $0.path == "b/1.jpg" }?.isProfilePicture, true)
        XCTAssertEqual(s.files.first { $0.path == "b/1.jpg" }?.appearances.first?.platformID, "p1")
        XCTAssertEqual(try db.writtenPaths(sourceID: source), ["a/1.jpg": true, "b/1.jpg": true])
        XCTAssertEqual(try db.integrityCheck(), "ok")
    }

    /// A scan commits several files per transaction: ids in order, shared bytes still one
    /// item, and a batch that fails part-way leaves nothing of itself behind.
    func testBatchWriteIsOneTransaction() throws {
        let db = try InventoryDatabase()
        let source = try db.source(name: "x", platform: .folder, ownerName: nil)
        func write(_ sha: String, _ path: String, source: Int64) -> ItemWrite {
            ItemWrite(sha256: sha, kind: .photo, byteSize: 1, sourceID: source, path: path,
                      reference: MediaReference(path: path), embedded: EmbeddedMetadata(make: sha), unreadableReason: nil, faces: nil)
        }
        let ids = try db.write([write("d1", "1.jpg", source: source), write("d2", "2.jpg", source: source),
                                write("d1", "copy/1.jpg", source: source)])
        XCTAssertEqual(ids.count, 3)
        XCTAssertEqual(ids[0], ids[2])
        XCTAssertNotEqual(ids[0], ids[1])
        XCTAssertThrowsError(try db.write([write("d3", "3.jpg", source: source), write("d4", "4.jpg", source: 999)]),
                             "an unknown source violates the foreign key")
        let s = try db.snapshot()
        XCTAssertEqual(s.items.map { $0.embedded?.make }.compactMap { $0 }.sorted(), ["d1", "d2"], "d3 rolled back with d4")
        XCTAssertEqual(Set(s.files.map(\.path)), ["1.jpg", "2.jpg", "copy/1.jpg"])
        XCTAssertEqual(try db.integrityCheck(), "ok")
    }

    func testRewritingAnOccurrenceReplacesItsAppearances() throws {
        let db = try InventoryDatabase()
        let source = try db.source(name: "x", platform: .folder, ownerName: nil)
        XCTAssertEqual(try db.source(name: "x", platform: .folder, ownerName: "Late Name"), source)
        let ref = MediaReference(path: "p.jpg", appearances: [Appearance(kind: .folder, album: "A")])
        for _ in 0..<3 {
            try db.write(ItemWrite(sha256: "bb", kind: .photo, byteSize: 1, sourceID: source, path: "p.jpg",
                                   reference: ref, embedded: nil, unreadableReason: nil, faces: nil))
        }
        let s = try db.snapshot()
        XCTAssertEqual(s.files.count, 1)
        XCTAssertEqual(s.files[0].appearances.count, 1)
        XCTAssertEqual(s.sources[0].ownerName, "Late Name")
        XCTAssertEqual(try db.writtenPaths(sourceID: source), ["p.jpg": false])
        try db.writeFaces(itemID: s.items[0].id, faces: [face(3)])
        XCTAssertEqual(try db.writtenPaths(sourceID: source), ["p.jpg": true])
    }

    func testFileDatabaseReopensAndAnalysisIsReplacedWhole() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("inv.sqlite").path
        do {
            let db = try InventoryDatabase(path: path)
            let source = try db.source(name: "s", platform: .folder, ownerName: nil)
            try db.write(ItemWrite(sha256: "cc", kind: .photo, byteSize: 1, sourceID: source, path: "q.jpg",
                                   reference: MediaReference(path: "q.jpg"), embedded: nil, unreadableReason: nil,
                                   faces: [face(1), face(1)]))
            let faces = try db.snapshot().faces.map(\.id)
            try db.replaceAnalysis(AnalysisWrite(identities: [.init(id: 1, name: "Ann", isOwner: true, faceIDs: faces)],
                                                 labelledFaceIDs: [faces[0]], places: [], devices: [], analysis: StoredAnalysis(ownerReason: "me", distinctPlaces: 1)))
            try db.replaceAnalysis(AnalysisWrite(identities: [.init(id: 7, name: nil, isOwner: false, faceIDs: [faces[1]])],
                                                 labelledFaceIDs: [], places: [], devices: [.init(kind: "serial_number", value: "S1", itemCount: 1)],
                                                 analysis: StoredAnalysis(distinctPlaces: 2, staleThumbnails: [1])))
        }
        let db = try InventoryDatabase(path: path)
        let s = try db.snapshot()
        XCTAssertEqual(s.identities.map(\.id), [7])
        XCTAssertEqual(s.faces.map(\.identityID), [nil, 7])
        XCTAssertEqual(s.faces.filter(\.labelled).count, 0)
        XCTAssertEqual(s.storedAnalysis, StoredAnalysis(distinctPlaces: 2, staleThumbnails: [1]))
        XCTAssertEqual(s.devices.map(\.value), ["S1"])
    }

    /// The proposal network's faces below dlib's 40 px range keep their flag through the store.
    func testBelowDetectorRangeFlagRoundTrips() throws {
        let db = try InventoryDatabase()
        let source = try db.source(name: "s", platform: .folder, ownerName: nil)
        var small = face(2)
        small.face.box = .init(left: 5, top: 5, right: 28, bottom: 28)
        small.face.belowDetectorRange = true
        try db.write(ItemWrite(sha256: "dd", kind: .photo, byteSize: 1, sourceID: source, path: "r.jpg",
                               reference: MediaReference(path: "r.jpg"), embedded: nil, unreadableReason: nil,
                               faces: [face(1), small]))
        let s = try db.snapshot()
        XCTAssertEqual(s.faces.map(\.face.belowDetectorRange), [false, true])
        XCTAssertEqual(s.faces[1].face, small.face)
        XCTAssertEqual(s.faces[0].face, face(1).face)
        let reused = try XCTUnwrap(try db.item(sha256: "dd"))
        XCTAssertEqual(reused.faces.map(\.face.belowDetectorRange), [false, true])
    }

    /// An inventory made before the flag existed (migrations up to v2) opens, migrates, and
    /// reads its faces as dlib's (unflagged).
    func testInventoryFromBeforeTheFlagReadsItsFacesAsUnflagged() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.sqlite").path
        do {
            let old = try InventoryDatabase(path: path, upTo: "v2-settings")
            let source = try old.source(name: "s", platform: .folder, ownerName: nil)
            // The rows as the v2 schema held them: no below_detector_range, no fingerprint, no audience.
            let item: Int64 = 1
            try old.execute("""
                INSERT INTO item(id, sha256, kind, byte_size) VALUES (\(item), 'ee', 'photo', 1);
                INSERT INTO item_file(item_id, source_id, path) VALUES (\(item), \(source), 'o.jpg');
                INSERT INTO appearance(item_file_id, kind, album) VALUES (1, 'album', 'Old');
                INSERT INTO face(item_id, face_index, box_left, box_top, box_right, box_bottom, confidence, landmarks, descriptor)
                VALUES (\(item), 0, 10, 20, 110, 120, 1.25, '[[1,2],[3,4]]', zeroblob(512));
                UPDATE item SET faces_analysed = 1 WHERE id = \(item);
                """)
            XCTAssertThrowsError(try old.execute("SELECT below_detector_range FROM face"), "the v2 schema has no flag")
        }
        let db = try InventoryDatabase(path: path)
        let s = try db.snapshot()
        XCTAssertEqual(s.faces.count, 1)
        XCTAssertEqual(s.faces[0].face.belowDetectorRange, false)
        XCTAssertEqual(s.faces[0].face.box, DetectedFace.Box(left: 10, top: 20, right: 110, bottom: 120))
        XCTAssertEqual(s.faces[0].face.descriptor, [Float](repeating: 0, count: 128))
        // v4: items from before have no fingerprint, appearances no audience (unknown).
        XCTAssertNil(s.items[0].fingerprint)
        XCTAssertEqual(s.files[0].appearances, [Appearance(kind: .album, album: "Old")])
        XCTAssertEqual(try db.integrityCheck(), "ok")
    }

    /// Faces encoded as JSON before the flag existed decode as unflagged.
    func testDetectedFaceJSONWithoutTheFlagDecodesUnflagged() throws {
        let old = #"{"box":{"left":1,"top":2,"right":3,"bottom":4},"confidence":0.5,"landmarks":[],"descriptor":[0.25]}"#
        let face = try JSONDecoder().decode(DetectedFace.self, from: Data(old.utf8))
        XCTAssertFalse(face.belowDetectorRange)
        var flagged = face
        flagged.belowDetectorRange = true
        XCTAssertEqual(try JSONDecoder().decode(DetectedFace.self, from: JSONEncoder().encode(flagged)), flagged)
    }

    /// An inventory analysed before the typed record (migrations up to v6: the analysis as
    /// key/value JSON rows) reads the same results after v7-stored-analysis copies them; a key
    /// that version did not write reads as nil, and an inventory never analysed reads empty.
    func testKeyValueAnalysisOfAnOlderInventoryReadsTheSameAfterTheMigration() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var faces = FaceMetrics(detected: 3, itemsWithFaces: 2, identities: 1)
        faces.owner.faces = 2
        var audience = AudienceMetrics()
        audience.publicItems = 4
        var linkMetrics = LinkageMetrics()
        linkMetrics.cameraSerials = 1
        let linkage = LinkageResult(links: [AccountLink(kind: .cameraSerial, value: "S1", isOwner: false, accounts: ["A", "B"], items: [1, 2])],
                                    metrics: linkMetrics)
        var videos = VideoFaceMetrics()
        videos.analysed = 1
        let expected = StoredAnalysis(
            faces: faces, metrics: ["faces.owner.faces": 2, "location.home_precision_m": nil], itemCounts: ["faces.owner.faces": 2],
            ownerReason: "me_photo", distinctPlaces: 3, staleThumbnails: [2, 1], audience: audience, linkage: linkage, videos: videos,
            perVideo: [.init(itemID: 2, ownerSeconds: 1.5, ownerViews: 1, othersSeconds: 0, identities: [0])])
        // The values as the analysis step of v6 wrote them: sorted-key JSON, distinct_places as text.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ v: T) throws -> String { String(decoding: try encoder.encode(v), as: UTF8.self) }
        let rows: [(String, String)] = [
            ("faces", try json(faces)), ("metrics", try json(expected.metrics!)), ("item_counts", try json(expected.itemCounts!)),
            ("owner_reason", "me_photo"), ("distinct_places", "3"), ("stale_thumbnails", try json([Int64(2), 1])),
            ("audience", try json(audience)), ("linkage", try json(linkage)), ("videos", try json(videos)),
            ("per_video", try json(expected.perVideo!)),
        ]
        func oldInventory(_ name: String, rows: [(String, String)]) throws -> String {
            let path = dir.appendingPathComponent(name).path
            let old = try InventoryDatabase(path: path, upTo: "v6-video-tracks")
            for (key, value) in rows {
                try old.execute("INSERT INTO analysis(key, value) VALUES ('\(key)', '\(value.replacingOccurrences(of: "'", with: "''"))')")
            }
            XCTAssertThrowsError(try old.execute("SELECT * FROM stored_analysis"), "the v6 schema has no typed table")
            return path
        }
        let full = try oldInventory("full.sqlite", rows: rows)
        XCTAssertEqual(try InventoryDatabase(path: full).snapshot().storedAnalysis, expected)
        // Written again by this version, the same record reads back.
        let fresh = try InventoryDatabase()
        try fresh.replaceAnalysis(AnalysisWrite(identities: [], labelledFaceIDs: [], places: [], devices: [], analysis: expected))
        XCTAssertEqual(try fresh.snapshot().storedAnalysis, expected)

        // An earlier analysis without linkage, videos and audience: those parts are absent.
        let partial = try oldInventory("partial.sqlite", rows: rows.filter { !["linkage", "videos", "per_video", "audience"].contains($0.0) })
        var withoutThem = expected
        withoutThem.linkage = nil; withoutThem.videos = nil; withoutThem.perVideo = nil; withoutThem.audience = nil
        XCTAssertEqual(try InventoryDatabase(path: partial).snapshot().storedAnalysis, withoutThem)

        // Never analysed: nothing stored, before and after the migration alike.
        let empty = try oldInventory("empty.sqlite", rows: [])
        let db = try InventoryDatabase(path: empty)
        XCTAssertEqual(try db.snapshot().storedAnalysis, StoredAnalysis())
        XCTAssertEqual(try InventoryDatabase().snapshot().storedAnalysis, StoredAnalysis())
    }
}
