import ExposureModel
import Foundation
import GRDB

/// Every failure of the inventory in a person's words: the file it concerns and the next step,
/// never SQLite's error codes or the statement that failed.
public struct InventoryError: UserFacingError, Equatable {
    public enum Reason: Equatable, Sendable {
        case notFound
        case isDirectory
        /// Not an inventory: `what` says what it is ("a zip archive", "an SQLite database of another application").
        case notAnInventory(what: String)
        case olderSchema(Int)
        case newerSchema(Int)
        case diskFull
        case readOnly
        case cannotOpen
        case damaged
        case failed(String)
    }

    /// The path as the user gave it.
    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path; self.reason = reason
    }

    /// The refusal for a file `InventoryFile.inspect` found unfit for the command.
    init(path: String, refusing kind: InventoryFile.Kind) {
        self.path = path
        switch kind {
        case .absent: reason = .notFound
        case .directory: reason = .isDirectory
        case .empty: reason = .notAnInventory(what: "an empty file")
        case .older(let schema): reason = .olderSchema(schema)
        case .newer(let schema): reason = .newerSchema(schema)
        case .foreignSQLite: reason = .notAnInventory(what: "an SQLite database of another application")
        case .notSQLite(let what): reason = .notAnInventory(what: what)
        case .current: reason = .failed("no problem")
        }
    }

    /// An error SQLite or the file system raised while using the inventory at `path`.
    init(path: String, error: Error) {
        self.path = path
        if let known = error as? InventoryError { self = known; return }
        guard let db = error as? DatabaseError else {
            reason = .failed((error as NSError).localizedDescription)
            return
        }
        switch db.resultCode {
        case .SQLITE_FULL: reason = .diskFull
        case .SQLITE_READONLY: reason = .readOnly
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: reason = .cannotOpen
        case .SQLITE_NOTADB: reason = .notAnInventory(what: "not an SQLite database")
        case .SQLITE_CORRUPT: reason = .damaged
        case .SQLITE_IOERR:
            // SQLite reports a full disk met while syncing as an I/O error.
            reason = Self.freeBytes(near: path).map { $0 < 1 << 20 } == true ? .diskFull : .failed("input/output error (\(db.message ?? "no detail"))")
        default: reason = .failed(db.message ?? "\(db.resultCode)")
        }
    }

    /// A usage error (exit status 2): the path does not name an inventory this command can use.
    public var isUsageError: Bool {
        switch reason {
        case .notFound, .isDirectory, .notAnInventory, .olderSchema, .newerSchema: return true
        case .diskFull, .readOnly, .cannotOpen, .damaged, .failed: return false
        }
    }

    public var description: String {
        switch reason {
        case .notFound:
            return "no inventory at \(path) (create one with `exposure scan EXPORT --db \(path)`)"
        case .isDirectory:
            return "\(path) is a folder, not an inventory: name the inventory file (for example \(path)/me.sqlite)"
        case .notAnInventory(let what):
            return "\(path) is not an Exposure inventory (it is \(what)); it was left as it was"
        case .olderSchema(let schema):
            return "\(path) was made by an earlier version of Exposure (schema \(schema); this version reads \(InventoryFile.schemaVersion)): "
                + "bring it up to date with `exposure upgrade \(path)`, or rerun the scan that made it"
        case .newerSchema(let schema):
            return "\(path) was made by a later version of Exposure (schema \(schema); this version reads \(InventoryFile.schemaVersion)): use that version"
        case .diskFull:
            return "the disk is full while writing \(path): free some space and rerun the same command to resume (what was written is kept)"
        case .readOnly:
            return "\(path) cannot be written (read-only file or folder): give --db a path in a folder you can write to"
        case .cannotOpen:
            return "cannot open \(path): check that its folder exists and that you may read and write there"
        case .damaged:
            return "\(path) is damaged (the file is not a whole SQLite database): scan the export again into a new inventory"
        case .failed(let detail):
            return "inventory \(path): \(detail)"
        }
    }

    static func freeBytes(near path: String) -> Int64? {
        let folder = (URL(fileURLWithPath: path).standardizedFileURL.path as NSString).deletingLastPathComponent
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: folder)
        return (attributes?[.systemFreeSize] as? NSNumber)?.int64Value
    }
}
