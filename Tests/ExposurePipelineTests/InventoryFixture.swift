import ExposureModel
import ExposureStore
import Foundation

/// A small inventory whose every number is known, built straight through the store.
///
/// Sources: "fb.zip" (facebook, owner "Ann Example"), "photos" (folder).
/// Items (sha):
///   a  photo, EXIF 2012-07-01 23:00 +GPS Paris, Canon EOS 5D serial S1, owner "Ann", profile picture (fb)
///   b  photo, platform taken 2015-03-02 (UTC), platform location Berlin, upload IP 1.2.3.4, tags Ann + Bob, post p1
///   c  photo, EXIF 2019-01-05, no GPS, model iPhone (make Apple), Artist "Ann Example", tags Bob + Cy, post p2
///   c  again in the folder source (same bytes)
///   d  video, no metadata, post p2 (same post as c)
///   e  photo, unreadable, GPS (0,0) from the platform (not a location), upload IP 1.2.3.4 again
///   missing: fb.zip "gone.jpg", fb.zip "gone2.jpg"
/// Faces: a: owner (labelled), b: owner (labelled) + other identity 2 (labelled "Bob"), c: other identity 3.
enum InventoryFixture {
    /// In memory, or in the file at `path`.
    static func build(path: String? = nil) throws -> InventoryDatabase {
        let db = try path.map { try InventoryDatabase(path: $0) } ?? InventoryDatabase()
        let fb = try db.source(name: "fb.zip", platform: .facebook, ownerName: "Ann Example")
        let folder = try db.source(name: "photos", platform: .folder, ownerName: nil)
        func f(_ x: Float) -> FaceWrite {
            FaceWrite(face: DetectedFace(box: .init(left: 0, top: 0, right: 9, bottom: 9), confidence: 1,
                                         landmarks: [], descriptor: [Float](repeating: x, count: 128)), thumbnail: nil)
        }
        func utc(_ y: Int, _ m: Int, _ d: Int) -> Date {
            var c = DateComponents(); c.year = y; c.month = m; c.day = d; c.hour = 12
            var cal = Calendar(identifier: .gregorian); cal.timeZone = TimeZone(identifier: "UTC")!
            return cal.date(from: c)!
        }
        try db.write(ItemWrite(
            sha256: "a", kind: .photo, byteSize: 10, sourceID: fb, path: "profile/a.jpg",
            reference: MediaReference(path: "profile/a.jpg", appearances: [Appearance(kind: .profilePicture)], isProfilePicture: true),
            embedded: EmbeddedMetadata(captureTime: LocalDateTime(year: 2012, month: 7, day: 1, hour: 23),
                                       gps: GeoPoint(latitude: 48.8566, longitude: 2.3522), make: "Canon ", model: "EOS 5D",
                                       bodySerialNumber: "S1", cameraOwnerName: "Ann"),
            unreadableReason: nil, faces: [f(0)]))
        try db.write(ItemWrite(
            sha256: "b", kind: .photo, byteSize: 10, sourceID: fb, path: "posts/b.jpg",
            reference: MediaReference(path: "posts/b.jpg",
                                      appearances: [Appearance(kind: .post, caption: "Berlin!", postTime: utc(2015, 3, 9), platformID: "p1")],
                                      metadata: PlatformMetadata(takenTime: utc(2015, 3, 2), location: GeoPoint(latitude: 52.52, longitude: 13.405),
                                                                 uploadIP: "1.2.3.4", people: ["Ann Example", "Bob"])),
            embedded: EmbeddedMetadata(), unreadableReason: nil, faces: [f(0), f(1)]))
        for (source, path) in [(fb, "posts/c.jpg"), (folder, "c.jpg")] {
            try db.write(ItemWrite(
                sha256: "c", kind: .photo, byteSize: 10, sourceID: source, path: path,
                reference: MediaReference(path: path,
                                          appearances: source == fb ? [Appearance(kind: .post, postTime: utc(2019, 1, 6), platformID: "p2")] : [Appearance(kind: .folder, album: "photos")],
                                          metadata: PlatformMetadata(cameraMake: "apple", cameraModel: "iphone", people: source == fb ? ["bob", "Cy"] : [])),
                embedded: EmbeddedMetadata(captureTime: LocalDateTime(year: 2019, month: 1, day: 5), make: "Apple", model: "iPhone",
                                           artist: "Ann Example"),
                unreadableReason: nil, faces: [f(2)]))
        }
        try db.write(ItemWrite(
            sha256: "d", kind: .video, byteSize: 10, sourceID: fb, path: "posts/d.mp4",
            reference: MediaReference(path: "posts/d.mp4", appearances: [Appearance(kind: .post, postTime: utc(2019, 1, 6), platformID: "p2")]),
            embedded: nil, unreadableReason: nil, faces: nil))
        try db.write(ItemWrite(
            sha256: "e", kind: .photo, byteSize: 10, sourceID: fb, path: "posts/e.jpg",
            reference: MediaReference(path: "posts/e.jpg", appearances: [Appearance(kind: .uncategorized)],
                                      metadata: PlatformMetadata(location: GeoPoint(latitude: 0, longitude: 0), uploadIP: "1.2.3.4")),
            embedded: nil, unreadableReason: "truncated JPEG", faces: nil))
        try db.recordListing(sourceID: fb, missingPaths: ["gone.jpg", "gone2.jpg"])
        try db.recordListing(sourceID: folder, missingPaths: [])

        // Analysis as the analyzer would store it.
        let faces = try db.snapshot().faces
        let byItem = Dictionary(grouping: faces, by: \.itemID)
        let items = try db.snapshot().items
        let id = { (sha: String) in items.first { $0.sha256 == sha }!.id }
        let ownerFaces = [byItem[id("a")]![0].id, byItem[id("b")]![0].id]
        let bob = byItem[id("b")]![1].id
        let cy = byItem[id("c")]![0].id
        try db.replaceAnalysis(AnalysisWrite(
            identities: [.init(id: 1, name: "Ann Example", isOwner: true, faceIDs: ownerFaces),
                         .init(id: 2, name: "Bob", isOwner: false, faceIDs: [bob]),
                         .init(id: 3, name: nil, isOwner: false, faceIDs: [cy])],
            labelledFaceIDs: Set(ownerFaces + [bob]), places: [], devices: [], analysis: StoredAnalysis()))
        return db
    }
}
