import ExposureModel
@testable import ExposureStore
import Foundation
import XCTest

/// Migration v5-snapchat-overlay: a memory's caption overlay is a stored property of its file, not an item.
final class SnapchatOverlayStoreTests: XCTestCase {
    func testHasOverlayRoundTripsAndIsUnknownWhenNotSaid() throws {
        let db = try InventoryDatabase()
        let source = try db.source(name: "mydata~1.zip", platform: .snapchat, ownerName: nil)
        func write(_ sha: String, _ path: String, overlay: Bool?) throws {
            var metadata = PlatformMetadata(takenTime: Date(timeIntervalSince1970: 1563128525))
            metadata.hasOverlay = overlay
            _ = try db.write(ItemWrite(sha256: sha, kind: .photo, byteSize: 1, sourceID: source, path: path,
                                       reference: MediaReference(path: path, appearances: [Appearance(kind: .memory)], metadata: metadata),
                                       embedded: nil, unreadableReason: nil, faces: nil))
        }
        try write("a1", "memories/a-main.jpg", overlay: true)
        try write("b2", "memories/b-main.jpg", overlay: nil)
        try write("c3", "memories/c-main.jpg", overlay: false)
        let files = try db.snapshot().files.sorted { $0.path < $1.path }
        XCTAssertEqual(files.map(\.path), ["memories/a-main.jpg", "memories/b-main.jpg", "memories/c-main.jpg"])
        XCTAssertEqual(files.map { $0.platformMetadata?.hasOverlay }, [true, nil, false])
        XCTAssertEqual(files.map { $0.platformMetadata?.takenTime }, Array(repeating: Date(timeIntervalSince1970: 1563128525), count: 3))
        // Rewriting the occurrence without an overlay clears it.
        try write("a1", "memories/a-main.jpg", overlay: nil)
        XCTAssertNil(try db.snapshot().files.first { $0.path == "memories/a-main.jpg" }?.platformMetadata?.hasOverlay)
        XCTAssertEqual(try db.integrityCheck(), "ok")
    }
}
