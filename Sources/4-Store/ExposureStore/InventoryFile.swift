import Foundation
import GRDB

/// How an inventory is recognised without writing a byte to it.
///
/// An inventory is an SQLite file whose header (the first 100 bytes) carries Exposure's
/// `application_id` (offset 68, big-endian: "Expo") and, as `user_version` (offset 60), the
/// number of migrations applied (its schema version). Inventories written before those marks
/// existed (migrations v1 to v7) are recognised by GRDB's `grdb_migrations` table holding
/// `v1-inventory`. Anything else (another application's SQLite file, a zip, a report) is not an
/// inventory, and Exposure refuses it before opening it for writing.
public enum InventoryFile {
    /// "Expo": PRAGMA application_id of every inventory.
    public static let applicationID: Int32 = 0x4578_706F
    /// The schema version this build writes: the number of its migrations.
    public static var schemaVersion: Int { Migrations.identifiers.count }

    public enum Kind: Equatable, Sendable {
        case absent
        /// A zero-byte file (`touch me.sqlite`): SQLite treats it as an empty database.
        case empty
        case directory
        /// An inventory this build reads as it is.
        case current
        /// An inventory of an earlier version (`schema` migrations of `schemaVersion`).
        case older(schema: Int)
        /// An inventory of a later version of Exposure.
        case newer(schema: Int)
        /// An SQLite database that is not Exposure's.
        case foreignSQLite
        /// Not an SQLite file at all; `what` names it where its first bytes tell ("a zip archive").
        case notSQLite(what: String)
    }

    /// What the file at `path` is. Opens it read-only at most (immutable when nothing beside it
    /// says it is being written), so a file that is not an inventory stays byte-identical.
    public static func inspect(_ path: String) -> Kind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .absent }
        if isDirectory.boolValue { return .directory }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .notSQLite(what: "a file Exposure cannot read") }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        if header.isEmpty { return .empty }
        guard header.count == 100, header.starts(with: Array("SQLite format 3\u{0}".utf8)) else {
            return .notSQLite(what: describe(header))
        }
        func bigEndian(_ offset: Int) -> Int32 {
            Int32(bitPattern: header[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        if bigEndian(68) == applicationID { return classify(schema: Int(bigEndian(60))) }
        // No mark in the header: an inventory from before the marks, one whose marks are still
        // in its write-ahead log, or another application's file. Ask SQLite, read-only.
        guard let probe = try? InventoryConnection.open(path, readOnly: true) else { return .foreignSQLite }
        defer { try? probe.close() }
        let answer: Kind? = try? probe.read { db in
            if try Int32.fetchOne(db, sql: "PRAGMA application_id") == applicationID {
                return classify(schema: try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0)
            }
            guard try db.tableExists("grdb_migrations") else { return Kind.foreignSQLite }
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            guard applied.contains(Migrations.identifiers[0]) else { return Kind.foreignSQLite }
            let known = applied.filter(Migrations.identifiers.contains).count
            if known < applied.count { return Kind.newer(schema: applied.count) }
            return known == Migrations.identifiers.count ? Kind.current : Kind.older(schema: known)
        }
        return answer ?? .foreignSQLite
    }

    static func classify(schema: Int) -> Kind {
        if schema == schemaVersion { return .current }
        return schema < schemaVersion ? .older(schema: schema) : .newer(schema: schema)
    }

    /// A name for a file by its first bytes, for "is not an inventory (it is ...)".
    static func describe(_ head: [UInt8]) -> String {
        func starts(_ bytes: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + bytes.count && Array(head[offset..<offset + bytes.count]) == bytes
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return "a zip archive" }
        if starts([0x1F, 0x8B]) { return "a gzip-compressed file" }
        if starts(Array("Rar!".utf8)) { return "a RAR archive" }
        if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return "a 7-Zip archive" }
        if starts([0xFF, 0xD8, 0xFF]) { return "a JPEG image" }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "a PNG image" }
        if starts(Array("%PDF".utf8)) { return "a PDF document" }
        let text = String(decoding: head.prefix(64), as: UTF8.self).lowercased()
        if text.contains("<!doctype html") || text.contains("<html") { return "an HTML page" }
        if head.allSatisfy({ $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || (0x20..<0x7F).contains($0) || $0 >= 0x80 }) { return "a text file" }
        return "not an SQLite database"
    }
}

/// Opens SQLite connections to an inventory file for reading without writing to it.
enum InventoryConnection {
    /// A read-only connection. When the file cannot be opened that way (read-only media without
    /// the write-ahead log's shared-memory file), it is opened immutable: SQLite then reads the
    /// file as it is and creates nothing beside it.
    static func open(_ path: String, readOnly: Bool, configure: (inout Configuration) -> Void = { _ in }) throws -> DatabaseQueue {
        var config = Configuration()
        config.readonly = readOnly
        configure(&config)
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let walExists = FileManager.default.fileExists(atPath: absolute + "-wal")
        if !walExists || !FileManager.default.isWritableFile(atPath: (absolute as NSString).deletingLastPathComponent) {
            // Nothing is being written (no log beside it), or nothing could be: read it as it stands.
            if let queue = try? DatabaseQueue(path: immutableURI(absolute), configuration: config),
               (try? queue.read { try $0.execute(sql: "SELECT count(*) FROM sqlite_master") }) != nil {
                return queue
            }
        }
        let queue = try DatabaseQueue(path: absolute, configuration: config)
        try queue.read { try $0.execute(sql: "SELECT count(*) FROM sqlite_master") }
        return queue
    }

    /// `file:` URI (Debian's SQLite is built with SQLITE_USE_URI) opening `path` read-only and immutable.
    static func immutableURI(_ absolute: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?mode=ro&immutable=1"
    }
}
