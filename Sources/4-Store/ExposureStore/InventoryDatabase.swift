import ExposureModel
import Foundation
import GRDB

/// The inventory of one scan: a single SQLite file (WAL). This type owns the
/// migrations and every write; nothing else in Exposure talks to GRDB.
///
/// Crash safety: each media file is written inside one transaction (item, where it sits,
/// its appearances, metadata, tags and faces; a scan commits a few files per transaction),
/// so an interrupted scan never leaves a half-written item, and a rerun skips what is
/// already there.
public final class InventoryDatabase: @unchecked Sendable {
    private let writer: any DatabaseWriter
    /// The path as the user gave it: every error names it.
    public let path: String
    private let closeLock = NSLock()
    private var closed = false

    /// Opens (creating if needed) the inventory at `path` for a scan and migrates it. A file that
    /// is not an inventory, or one of a later version, is refused before SQLite opens it for
    /// writing, and stays byte-identical.
    public init(path: String) throws {
        self.path = path
        switch InventoryFile.inspect(path) {
        case .absent, .empty, .current, .older: break
        case let kind: throw InventoryError(path: path, refusing: kind)
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        // Two scans into one inventory take turns instead of failing at once.
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            writer = pool
            try Migrations.migrator.migrate(pool)
            try Self.mark(pool)
        } catch {
            throw InventoryError(path: path, error: error)
        }
    }

    /// Opens the inventory at `path` read-only, as summary, report, diff and plan do: nothing is
    /// migrated, created or written (immutable on read-only media). Refuses anything that is not
    /// an inventory of this version, saying what it is and what to do.
    public init(readingPath path: String) throws {
        self.path = path
        closed = true
        switch InventoryFile.inspect(path) {
        case .current: break
        case let kind: throw InventoryError(path: path, refusing: kind)
        }
        do {
            writer = try InventoryConnection.open(path, readOnly: true) { $0.foreignKeysEnabled = true }
        } catch {
            throw InventoryError(path: path, error: error)
        }
    }

    /// Brings an inventory of an earlier version up to this version's schema (`exposure upgrade`).
    /// Returns the schema versions before and after.
    public static func upgrade(path: String) throws -> (from: Int, to: Int) {
        let kind = InventoryFile.inspect(path)
        guard case .older(let from) = kind else {
            if kind == .current { return (InventoryFile.schemaVersion, InventoryFile.schemaVersion) }
            throw InventoryError(path: path, refusing: kind)
        }
        let db = try InventoryDatabase(path: path)
        db.close()
        return (from, InventoryFile.schemaVersion)
    }

    /// Exposure's marks in the file header: application_id and the schema version (user_version).
    private static func mark(_ writer: any DatabaseWriter) throws {
        try writer.writeWithoutTransaction { db in
            let version = InventoryFile.schemaVersion
            if try Int32.fetchOne(db, sql: "PRAGMA application_id") != InventoryFile.applicationID
                || Int.fetchOne(db, sql: "PRAGMA user_version") != version {
                try db.execute(sql: "PRAGMA application_id = \(InventoryFile.applicationID); PRAGMA user_version = \(version)")
            }
        }
    }

    /// Leaves the inventory one self-contained file and closes it: what the write-ahead log holds
    /// is copied into the file, the log emptied, and the file switched back to a rollback journal,
    /// so that the file alone (copied, moved, on read-only media) is the whole inventory. Called
    /// when a command that wrote ends, on every path (success, error, interrupt). When another
    /// process still has the inventory open, the switch is left to it. Later calls do nothing.
    public func close() {
        closeLock.lock()
        defer { closeLock.unlock() }
        guard !closed else { return }
        closed = true
        try? writer.writeWithoutTransaction { db in try? db.checkpoint(.truncate) }
        guard let pool = writer as? DatabasePool else { return }
        try? pool.close()
        // The pool's reader connections keep the file in WAL mode while open: switch with a
        // connection of its own (refused, harmlessly, while another process has it open).
        if let queue = try? DatabaseQueue(path: path) {
            _ = try? queue.writeWithoutTransaction { try String.fetchOne($0, sql: "PRAGMA journal_mode = DELETE") }
            try? queue.close()
        }
    }

    private func write<T>(_ updates: (Database) throws -> T) throws -> T {
        do { return try writer.write(updates) } catch { throw InventoryError(path: path, error: error) }
    }

    private func read<T>(_ value: (Database) throws -> T) throws -> T {
        do { return try writer.read(value) } catch { throw InventoryError(path: path, error: error) }
    }

    /// Opens the inventory at `path` migrated only up to the migration named `lastMigration`:
    /// tests make inventories as an earlier version of Exposure left them.
    init(path: String, upTo lastMigration: String) throws {
        self.path = path
        let pool = try DatabasePool(path: path)
        writer = pool
        try Migrations.migrator.migrate(pool, upTo: lastMigration)
    }

    /// Runs SQL as it stands (tests: rows written the way an earlier version wrote them).
    func execute(_ sql: String) throws {
        try write { db in try db.execute(sql: sql) }
    }

    /// An in-memory inventory, for tests.
    public init() throws {
        path = ":memory:"
        var config = Configuration()
        config.foreignKeysEnabled = true
        let queue = try DatabaseQueue(configuration: config)
        writer = queue
        try Migrations.migrator.migrate(queue)
    }

    // MARK: - Sources

    /// The id of the source with this name and platform, creating it if needed.
    public func source(name: String, platform: Platform, ownerName: String?) throws -> Int64 {
        try write { db in
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM source WHERE name = ? AND platform = ?",
                                           arguments: [name, platform.rawValue]) {
                if let ownerName {
                    try db.execute(sql: "UPDATE source SET owner_name = ? WHERE id = ?", arguments: [ownerName, id])
                }
                return id
            }
            try db.execute(sql: "INSERT INTO source(name, platform, owner_name) VALUES (?, ?, ?)",
                           arguments: [name, platform.rawValue, ownerName])
            return db.lastInsertedRowID
        }
    }

    /// Records the media a source's JSON names but its archive lacks, and marks the source listed.
    public func recordListing(sourceID: Int64, missingPaths: [String]) throws {
        try write { db in
            for path in missingPaths {
                try db.execute(sql: "INSERT OR IGNORE INTO missing_media(source_id, path) VALUES (?, ?)",
                               arguments: [sourceID, path])
            }
            try db.execute(sql: "UPDATE source SET listed = 1 WHERE id = ?", arguments: [sourceID])
        }
    }

    public func recordSkipped(sourceID: Int64?, path: String, reason: String) throws {
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO skipped_entry(source_id, path, reason) VALUES (?, ?, ?)",
                           arguments: [sourceID, path, reason])
        }
    }

    // MARK: - Resume

    /// Paths of a source already written, with whether their item's faces were analysed.
    public func writtenPaths(sourceID: Int64) throws -> [String: Bool] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT f.path, i.faces_analysed FROM item_file f JOIN item i ON i.id = f.item_id WHERE f.source_id = ?
                """, arguments: [sourceID])
            var result: [String: Bool] = [:]
            for row in rows { result[row[0]] = (row[1] as Int64) != 0 }
            return result
        }
    }

    /// An item already in this inventory, by content hash: the scan reuses its metadata and faces.
    public func item(sha256: String) throws -> (record: ItemRecord, faces: [FaceRecord])? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM item WHERE sha256 = ?", arguments: [sha256]) else {
                return nil
            }
            let record = try Self.itemRecord(row)
            let faces = try Row.fetchAll(db, sql: "SELECT * FROM face WHERE item_id = ? ORDER BY face_index",
                                         arguments: [record.id]).map(Self.faceRecord)
            return (record, faces)
        }
    }

    // MARK: - Items

    /// Writes one media file of one source in one transaction. If the same bytes are already
    /// an item (another album, another source), the occurrence is added to that item.
    /// Returns the item's id.
    @discardableResult
    public func write(_ w: ItemWrite) throws -> Int64 {
        try write([w])[0]
    }

    /// Writes several media files in one transaction (a scan batches them: one commit per
    /// file costs more than the file's metadata). Each file is still all or nothing: the
    /// batch commits whole or not at all. Returns the item ids in order.
    @discardableResult
    public func write(_ batch: [ItemWrite]) throws -> [Int64] {
        guard !batch.isEmpty else { return [] }
        // Sorted keys: the same file gives the same bytes in every run (resumed scans compare equal).
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try write { db in
            try batch.map { try Self.insert($0, into: db, encoder: encoder) }
        }
    }

    private static func insert(_ w: ItemWrite, into db: Database, encoder: JSONEncoder) throws -> Int64 {
        let itemID: Int64
        if let existing = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM item WHERE sha256 = ?"), arguments: [w.sha256]) {
            itemID = existing
        } else {
            let e = w.embedded
            let capture = e?.captureTime.map { String(format: "%04d-%02d-%02dT%02d:%02d:%02d", $0.year, $0.month, $0.day, $0.hour, $0.minute, $0.second) }
            let embeddedJSON = try e.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
            try db.run("""
                INSERT INTO item(sha256, kind, byte_size, unreadable_reason, width, height, capture_local,
                    capture_offset_seconds, exif_lat, exif_lon, exif_alt, make, model, body_serial, lens_serial,
                    camera_owner, artist, software, image_unique_id, has_thumbnail, thumbnail_differs, embedded_json,
                    perceptual_fingerprint)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """, [
                    w.sha256, w.kind.rawValue, w.byteSize, w.unreadableReason, e?.width, e?.height, capture,
                    e?.captureTime?.utcOffsetSeconds, e?.gps?.latitude, e?.gps?.longitude, e?.gps?.altitude,
                    e?.make, e?.model, e?.bodySerialNumber, e?.lensSerialNumber, e?.cameraOwnerName, e?.artist,
                    e?.software, e?.imageUniqueID, (e?.hasThumbnail ?? false) ? 1 : 0,
                    e?.thumbnailDiffers.map { $0 ? 1 : 0 }, embeddedJSON, w.fingerprint?.data,
                ])
            itemID = db.lastInsertedRowID
            if let e {
                for name in e.personInImage {
                    try Self.insertTag(db, itemID: itemID, name: name, origin: "person_in_image", region: nil)
                }
                for region in e.faceRegions {
                    try Self.insertTag(db, itemID: itemID, name: region.name, origin: "xmp_region", region: region)
                }
            }
        }
        if let faces = w.faces,
           try Bool.fetchOne(db.cachedStatement(sql: "SELECT faces_analysed FROM item WHERE id = ?"), arguments: [itemID]) == false {
            try Self.insertFaces(db, itemID: itemID, faces: faces)
            if let video = w.video { try Self.insertVideo(db, itemID: itemID, video: video) }
        }
        // The occurrence: where the bytes sit, how the platform shows them.
        try db.run("""
            INSERT INTO item_file(item_id, source_id, path, is_profile_picture) VALUES (?, ?, ?, ?)
            ON CONFLICT(source_id, path) DO UPDATE SET item_id = excluded.item_id, is_profile_picture = excluded.is_profile_picture
            """, [itemID, w.sourceID, w.path, w.reference.isProfilePicture ? 1 : 0])
        let fileID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM item_file WHERE source_id = ? AND path = ?"),
                                        arguments: [w.sourceID, w.path])!
        // Written now: an earlier run's skip of this file (a timeout, say) no longer holds.
        try db.run("DELETE FROM skipped_entry WHERE source_id = ? AND path = ?", [w.sourceID, w.path])
        try db.run("DELETE FROM appearance WHERE item_file_id = ?", [fileID])
        for a in w.reference.appearances {
            try db.run("""
                INSERT INTO appearance(item_file_id, kind, album, caption, post_time, platform_id, link,
                    audience, audience_evidence)
                VALUES (?,?,?,?,?,?,?,?,?)
                """, [fileID, a.kind.rawValue, a.album, a.caption, a.postTime?.timeIntervalSince1970, a.platformID, a.link,
                      a.audience?.level.rawValue, a.audience?.evidence])
        }
        let m = w.reference.metadata
        try db.run("""
            INSERT OR REPLACE INTO platform_metadata(item_file_id, taken_time, lat, lon, alt, place_name,
                camera_make, camera_model, upload_ip, device_id, source_file)
            VALUES (?,?,?,?,?,?,?,?,?,?,?)
            """, [fileID, m.takenTime?.timeIntervalSince1970, m.location?.latitude, m.location?.longitude,
                  m.location?.altitude, m.placeName, m.cameraMake, m.cameraModel, m.uploadIP, m.deviceID, m.sourceFile])
        if let hasOverlay = m.hasOverlay {
            try db.run("UPDATE platform_metadata SET has_overlay = ? WHERE item_file_id = ?", [hasOverlay ? 1 : 0, fileID])
        }
        for name in m.people {
            try Self.insertTag(db, itemID: itemID, name: name, origin: "platform", region: nil)
        }
        return itemID
    }

    /// Stores the faces of an item analysed after its metadata (a resumed or upgraded scan).
    public func writeFaces(itemID: Int64, faces: [FaceWrite]) throws {
        try write { db in
            guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT faces_analysed FROM item WHERE id = ?"), arguments: [itemID]) == false else { return }
            try Self.insertFaces(db, itemID: itemID, faces: faces)
        }
    }

    private static func insertFaces(_ db: Database, itemID: Int64, faces: [FaceWrite]) throws {
        try db.run("DELETE FROM face WHERE item_id = ?", [itemID])
        for (index, f) in faces.enumerated() {
            let landmarks = "[" + f.face.landmarks.map { "[\($0.x),\($0.y)]" }.joined(separator: ",") + "]"
            try db.run("""
                INSERT INTO face(item_id, face_index, box_left, box_top, box_right, box_bottom, confidence,
                    landmarks, descriptor, thumbnail, below_detector_range) VALUES (?,?,?,?,?,?,?,?,?,?,?)
                """, [itemID, index, f.face.box.left, f.face.box.top, f.face.box.right, f.face.box.bottom,
                      Double(f.face.confidence), landmarks, descriptorBlob(f.face.descriptor), f.thumbnail,
                      f.face.belowDetectorRange ? 1 : 0])
        }
        try db.run("UPDATE item SET faces_analysed = 1 WHERE id = ?", [itemID])
    }

    /// A video's sampling, poster and tracks; in the transaction that writes its faces.
    private static func insertVideo(_ db: Database, itemID: Int64, video v: VideoAnalysis) throws {
        try db.run("DELETE FROM video_track WHERE item_id = ?", [itemID])
        try db.run("""
            INSERT OR REPLACE INTO video_analysis(item_id, duration, sample_interval, sampled_frames, decoded_frames,
                analysed_seconds, stopped_early, codec, width, height, rotation, poster) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
            """, [itemID, v.duration, v.sampleInterval, v.sampledFrames, v.decodedFrames, v.analysedSeconds, v.stoppedEarly,
                  v.codec, v.width, v.height, v.rotation, v.poster])
        for (index, t) in v.tracks.enumerated() {
            try db.run("""
                INSERT INTO video_track(item_id, track_index, face_index, start_seconds, end_seconds, frames_seen,
                    distinct_views, descriptors) VALUES (?,?,?,?,?,?,?,?)
                """, [itemID, index, t.faceIndex, t.startSeconds, t.endSeconds, t.framesSeen, t.distinctViews,
                      descriptorBlob(t.descriptors.flatMap { $0 })])
        }
    }

    /// A video's stored analysis (the scan's --reuse copies it with the item's faces).
    public func video(itemID: Int64) throws -> VideoAnalysis? {
        try read { db in try Self.videos(db, itemID: itemID)[itemID] }
    }

    /// Videos with their tracks, all of them or one item's.
    private static func videos(_ db: Database, itemID: Int64? = nil) throws -> [Int64: VideoAnalysis] {
        let filter = itemID == nil ? "" : " WHERE item_id = \(itemID!)"
        var tracks: [Int64: [VideoFaceTrack]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM video_track\(filter) ORDER BY item_id, track_index") {
            let floats = descriptorFloats(row["descriptors"])
            let descriptors = stride(from: 0, to: floats.count - floats.count % 128, by: 128).map { Array(floats[$0..<($0 + 128)]) }
            tracks[row["item_id"], default: []].append(VideoFaceTrack(
                faceIndex: row["face_index"], startSeconds: row["start_seconds"], endSeconds: row["end_seconds"],
                framesSeen: row["frames_seen"], distinctViews: row["distinct_views"], descriptors: descriptors))
        }
        var result: [Int64: VideoAnalysis] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM video_analysis\(filter) ORDER BY item_id") {
            let id: Int64 = row["item_id"]
            result[id] = VideoAnalysis(duration: row["duration"], sampleInterval: row["sample_interval"],
                                       sampledFrames: row["sampled_frames"], decodedFrames: row["decoded_frames"],
                                       analysedSeconds: row["analysed_seconds"], stoppedEarly: row["stopped_early"],
                                       codec: row["codec"], width: row["width"], height: row["height"], rotation: row["rotation"],
                                       poster: row["poster"], tracks: tracks[id] ?? [])
        }
        return result
    }

    private static func insertTag(_ db: Database, itemID: Int64, name: String, origin: String, region: FaceRegion?) throws {
        let clean = name.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !clean.isEmpty else { return }
        try db.run("""
            INSERT OR IGNORE INTO person_tag(item_id, name, name_key, origin, region_x, region_y, region_w, region_h)
            VALUES (?,?,?,?,?,?,?,?)
            """, [itemID, clean, clean.personNameKey, origin, region?.centerX, region?.centerY, region?.width, region?.height])
    }

    // MARK: - Analysis

    /// Replaces the analysis results as a whole (identities, labels, places, devices, the stored analysis).
    public func replaceAnalysis(_ a: AnalysisWrite) throws {
        try write { db in
            try db.execute(sql: "UPDATE face SET identity_id = NULL, labelled = 0")
            try db.execute(sql: "DELETE FROM identity; DELETE FROM place; DELETE FROM device;")
            for identity in a.identities {
                try db.execute(sql: "INSERT INTO identity(id, name, is_owner, face_count) VALUES (?,?,?,?)",
                               arguments: [identity.id, identity.name, identity.isOwner ? 1 : 0, identity.faceIDs.count])
                for faceID in identity.faceIDs {
                    try db.execute(sql: "UPDATE face SET identity_id = ? WHERE id = ?", arguments: [identity.id, faceID])
                }
            }
            for faceID in a.labelledFaceIDs {
                try db.execute(sql: "UPDATE face SET labelled = 1 WHERE id = ?", arguments: [faceID])
            }
            // A video track is the identity of its best face.
            try db.execute(sql: """
                UPDATE video_track SET identity_id = (SELECT identity_id FROM face
                    WHERE face.item_id = video_track.item_id AND face.face_index = video_track.face_index)
                """)
            for p in a.places {
                try db.execute(sql: """
                    INSERT INTO place(lat, lon, item_count, night_days, is_home, is_regular, city, country)
                    VALUES (?,?,?,?,?,?,?,?)
                    """, arguments: [p.latitude, p.longitude, p.itemCount, p.nightDays, p.isHome ? 1 : 0,
                                     p.isRegular ? 1 : 0, p.city, p.country])
            }
            for d in a.devices {
                try db.execute(sql: "INSERT OR REPLACE INTO device(kind, value, item_count) VALUES (?,?,?)",
                               arguments: [d.kind, d.value, d.itemCount])
            }
            try a.analysis.write(db)
        }
    }

    // MARK: - Settings

    /// A setting the inventory was made with, or nil when it was never recorded.
    public func setting(_ key: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) }
    }

    /// Records `value` for `key` unless a value is already recorded (the first scan's setting stays).
    public func recordSetting(_ key: String, _ value: String) throws {
        try write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO setting(key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }

    /// Records that a scan is writing into the inventory (`finished: false`, before its first
    /// write) or that it finished (after its analysis is stored). A scan interrupted or failed in
    /// between leaves "scanning", which every reader reports as an unfinished scan.
    public func recordScanState(finished: Bool) throws {
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO setting(key, value) VALUES (?, ?)",
                           arguments: [ScanStatus.settingKey, finished ? ScanStatus.finished : ScanStatus.scanning])
        }
    }

    // MARK: - Reading

    /// The whole inventory, read in one consistent snapshot.
    public func snapshot() throws -> InventorySnapshot {
        try read { db in
            let sources = try Row.fetchAll(db, sql: "SELECT * FROM source ORDER BY id").map { row in
                SourceRecord(id: row["id"], name: row["name"], platform: row["platform"], ownerName: row["owner_name"],
                             listed: (row["listed"] as Int64) != 0)
            }
            let items = try Row.fetchAll(db, sql: "SELECT * FROM item ORDER BY id").map(Self.itemRecord)
            var appearances: [Int64: [Appearance]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM appearance ORDER BY id") {
                let kind = Appearance.Kind(rawValue: row["kind"]) ?? .other
                let postTime: Double? = row["post_time"]
                let level = (row["audience"] as String?).flatMap(Audience.Level.init(rawValue:))
                appearances[row["item_file_id"], default: []].append(Appearance(
                    kind: kind, album: row["album"], caption: row["caption"],
                    postTime: postTime.map(Date.init(timeIntervalSince1970:)), platformID: row["platform_id"], link: row["link"],
                    audience: level.map { Audience($0, evidence: row["audience_evidence"] ?? "") }))
            }
            var metadata: [Int64: PlatformMetadata] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM platform_metadata") {
                let taken: Double? = row["taken_time"]
                let lat: Double? = row["lat"], lon: Double? = row["lon"]
                metadata[row["item_file_id"]] = PlatformMetadata(
                    takenTime: taken.map(Date.init(timeIntervalSince1970:)),
                    location: (lat != nil && lon != nil) ? GeoPoint(latitude: lat!, longitude: lon!, altitude: row["alt"]) : nil,
                    placeName: row["place_name"], cameraMake: row["camera_make"], cameraModel: row["camera_model"],
                    uploadIP: row["upload_ip"], deviceID: row["device_id"], people: [], sourceFile: row["source_file"])
                if let overlay: Int64 = row["has_overlay"] { metadata[row["item_file_id"]]?.hasOverlay = overlay != 0 }
            }
            let files = try Row.fetchAll(db, sql: "SELECT * FROM item_file ORDER BY id").map { row -> ItemFileRecord in
                let id: Int64 = row["id"]
                return ItemFileRecord(id: id, itemID: row["item_id"], sourceID: row["source_id"], path: row["path"],
                                      isProfilePicture: (row["is_profile_picture"] as Int64) != 0,
                                      appearances: appearances[id] ?? [], platformMetadata: metadata[id])
            }
            let tags = try Row.fetchAll(db, sql: "SELECT * FROM person_tag ORDER BY id").map { row -> PersonTagRecord in
                let x: Double? = row["region_x"]
                let region = x.map { FaceRegion(name: row["name"], centerX: $0, centerY: row["region_y"],
                                                width: row["region_w"], height: row["region_h"]) }
                return PersonTagRecord(itemID: row["item_id"], name: row["name"], nameKey: row["name_key"],
                                       origin: row["origin"], region: region)
            }
            let faces = try Row.fetchAll(db, sql: "SELECT * FROM face ORDER BY item_id, face_index").map(Self.faceRecord)
            let missing = try Row.fetchAll(db, sql: "SELECT source_id, path FROM missing_media ORDER BY id").map {
                (sourceID: $0[0] as Int64, path: $0[1] as String)
            }
            let skipped = try Row.fetchAll(db, sql: "SELECT source_id, path, reason FROM skipped_entry ORDER BY id").map {
                (sourceID: $0[0] as Int64?, path: $0[1] as String, reason: $0[2] as String)
            }
            let analysis = try StoredAnalysis.read(db)
            let identities = try Row.fetchAll(db, sql: "SELECT * FROM identity ORDER BY id").map { row in
                IdentityRecord(id: row["id"], name: row["name"], isOwner: (row["is_owner"] as Int64) != 0,
                               faceCount: row["face_count"])
            }
            let places = try Row.fetchAll(db, sql: "SELECT * FROM place ORDER BY id").map { row in
                AnalysisWrite.Place(latitude: row["lat"], longitude: row["lon"], itemCount: row["item_count"],
                                    nightDays: row["night_days"], isHome: (row["is_home"] as Int64) != 0,
                                    isRegular: (row["is_regular"] as Int64) != 0, city: row["city"], country: row["country"])
            }
            let devices = try Row.fetchAll(db, sql: "SELECT * FROM device ORDER BY kind, item_count DESC, value").map { row in
                AnalysisWrite.Device(kind: row["kind"], value: row["value"], itemCount: row["item_count"])
            }
            var settings: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM setting") { settings[row[0]] = row[1] }
            var snapshot = InventorySnapshot(sources: sources, items: items, files: files, tags: tags, faces: faces,
                                             missing: missing, skipped: skipped, storedAnalysis: analysis,
                                             identities: identities, places: places, devices: devices, settings: settings)
            snapshot.videos = try Self.videos(db)
            for row in try Row.fetchAll(db, sql: "SELECT item_id, track_index, identity_id FROM video_track WHERE identity_id IS NOT NULL") {
                snapshot.trackIdentities[row[0], default: [:]][row[1]] = row[2]
            }
            return snapshot
        }
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    // MARK: - Row mapping

    private static func itemRecord(_ row: Row) throws -> ItemRecord {
        let json: String? = row["embedded_json"]
        let embedded = try json.map { try JSONDecoder().decode(EmbeddedMetadata.self, from: Data($0.utf8)) }
        return ItemRecord(id: row["id"], sha256: row["sha256"], kind: MediaKind(rawValue: row["kind"]) ?? .photo,
                          byteSize: row["byte_size"], unreadableReason: row["unreadable_reason"], embedded: embedded,
                          facesAnalysed: (row["faces_analysed"] as Int64) != 0,
                          fingerprint: (row["perceptual_fingerprint"] as Data?).flatMap(PerceptualFingerprint.init(data:)))
    }

    private static func faceRecord(_ row: Row) throws -> FaceRecord {
        let landmarksJSON: String = row["landmarks"]
        let pairs = (try? JSONDecoder().decode([[Int]].self, from: Data(landmarksJSON.utf8))) ?? []
        let face = DetectedFace(
            box: .init(left: row["box_left"], top: row["box_top"], right: row["box_right"], bottom: row["box_bottom"]),
            confidence: Float(row["confidence"] as Double),
            landmarks: pairs.compactMap { $0.count == 2 ? DetectedFace.Point(x: $0[0], y: $0[1]) : nil },
            descriptor: descriptorFloats(row["descriptor"]),
            belowDetectorRange: (row["below_detector_range"] as Int64) != 0)
        return FaceRecord(id: row["id"], itemID: row["item_id"], faceIndex: row["face_index"], face: face,
                          thumbnail: row["thumbnail"], identityID: row["identity_id"],
                          labelled: (row["labelled"] as Int64) != 0)
    }
}

/// Descriptors are stored as 128 little-endian float32 values.
func descriptorBlob(_ values: [Float]) -> Data {
    var data = Data(capacity: values.count * 4)
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    return data
}

func descriptorFloats(_ data: Data) -> [Float] {
    let bytes = [UInt8](data)
    return stride(from: 0, to: bytes.count - bytes.count % 4, by: 4).map { i in
        Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
    }
}

private extension Database {
    /// Runs a statement kept prepared across calls: a scan runs the same few statements for
    /// every file, and preparing them each time cost more than running them.
    func run(_ sql: String, _ arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
