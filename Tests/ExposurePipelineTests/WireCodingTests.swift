import ExposureModel
@testable import ExposurePipeline
import Foundation
@testable import ProcessIsolation
import XCTest

/// The binary scan-worker messages: every field survives the round trip, and malformed
/// bytes are an error, never a crash or a huge allocation.
final class WireCodingTests: XCTestCase {
    /// Every field set, with values that differ from each other (a swapped pair would show).
    static let full = FileAnalysis(
        kind: .photo,
        embedded: EmbeddedMetadata(
            width: 4032, height: 3024, orientation: 6,
            captureTime: LocalDateTime(year: 2019, month: 7, day: 14, hour: 21, minute: 5, second: 59, utcOffsetSeconds: -25200),
            gps: GeoPoint(latitude: 52.520008, longitude: -13.404954, altitude: 34.5),
            make: "Canon", model: "EOS 5D", bodySerialNumber: "0123456789", lensSerialNumber: "LENS-42",
            cameraOwnerName: "Jane Ünicode Doe", artist: "J. Doe", software: "Lightroom", imageUniqueID: "a1b2c3",
            hasThumbnail: true, thumbnailDiffers: true,
            faceRegions: [FaceRegion(name: "Alice", centerX: 0.25, centerY: 0.5, width: 0.1, height: 0.125),
                          FaceRegion(name: "", centerX: 0.75, centerY: 0.3, width: 0.2, height: 0.05)],
            personInImage: ["Alice", "Bob 👋"]),
        unreadableReason: "thumbnail unreadable",
        faces: [FileAnalysis.Face(face: DetectedFace(box: .init(left: -3, top: 10, right: 200, bottom: 220), confidence: 1.0625,
                                                     landmarks: (0..<5).map { DetectedFace.Point(x: $0 * 7, y: -$0) },
                                                     descriptor: (0..<128).map { Float($0) * 0.001 - 0.05 },
                                                     belowDetectorRange: true),
                                  thumbnail: Data([0xFF, 0xD8, 0xFF, 0xD9])),
                FileAnalysis.Face(face: DetectedFace(box: .init(left: 1, top: 2, right: 3, bottom: 4), confidence: -0.5,
                                                     landmarks: [], descriptor: [.nan, .infinity]),
                                  thumbnail: nil)],
        stageSeconds: { var t = StageSeconds(); t.metadata = 0.5; t.decode = 1.25; t.detection = 9.75; t.descriptors = 0.125; t.thumbnails = 2; return t }())

    func testRoundTripKeepsEveryField() throws {
        let response = WorkResponse(analysis: Self.full, error: "none")
        let back = try WorkResponse(wire: response.wire())
        let analysis = try XCTUnwrap(back.analysis)
        XCTAssertEqual(back.error, "none")
        XCTAssertEqual(analysis.embedded, Self.full.embedded)
        XCTAssertEqual(analysis.kind, .photo)
        XCTAssertEqual(analysis.unreadableReason, "thumbnail unreadable")
        XCTAssertEqual(analysis.stageSeconds, Self.full.stageSeconds)
        XCTAssertEqual(analysis.stageSeconds.total, 13.625)
        XCTAssertEqual(analysis.faces?.count, 2)
        XCTAssertEqual(analysis.faces?[0], Self.full.faces?[0])
        XCTAssertEqual(analysis.faces?.map(\.face.belowDetectorRange), [true, false])
        // NaN != NaN, so the second face is compared by bits.
        let odd = try XCTUnwrap(analysis.faces?[1].face)
        XCTAssertEqual(odd.descriptor.map(\.bitPattern), [Float.nan.bitPattern, Float.infinity.bitPattern])
        XCTAssertEqual(odd.box, DetectedFace.Box(left: 1, top: 2, right: 3, bottom: 4))
        XCTAssertNil(analysis.faces?[1].thumbnail)
    }

    func testRoundTripOfEmptyValues() throws {
        let bare = FileAnalysis(kind: .video, embedded: EmbeddedMetadata(), unreadableReason: nil, faces: nil)
        let back = try WorkResponse(wire: WorkResponse(analysis: bare, error: nil).wire())
        XCTAssertEqual(back.analysis, bare)
        XCTAssertNil(back.error)
        let none = try WorkResponse(wire: WorkResponse(analysis: nil, error: "cannot decode").wire())
        XCTAssertNil(none.analysis)
        XCTAssertEqual(none.error, "cannot decode")

        let request = WorkRequest(operation: .faces, path: "photos/été.jpg")
        let decoded = try WorkRequest(wire: request.wire())
        XCTAssertEqual(decoded.operation, .faces)
        XCTAssertEqual(decoded.path, "photos/été.jpg")
    }

    func testMalformedBytesAreRejected() {
        let good = [UInt8](WorkResponse(analysis: Self.full, error: nil).wire())
        // Every truncation, and trailing garbage.
        for length in stride(from: 0, to: good.count, by: 7) {
            XCTAssertThrowsError(try WorkResponse(wire: Data(good[0..<length])), "truncated at \(length)")
        }
        XCTAssertThrowsError(try WorkResponse(wire: Data(good + [0])))
        // A bool that is neither 0 nor 1, and an array count far beyond the bytes left.
        XCTAssertThrowsError(try WorkResponse(wire: Data([2])))
        var hugeCount = [UInt8]([1])                                   // analysis present
        hugeCount += [5, 0, 0, 0, 0, 0, 0, 0] + Array("photo".utf8)   // kind
        hugeCount += [0, 0, 1]                                         // no embedded, no reason, faces present
        hugeCount += [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]  // 2^60 faces
        XCTAssertThrowsError(try WorkResponse(wire: Data(hugeCount)))
        XCTAssertThrowsError(try WorkRequest(wire: WorkRequest(operation: .analyze, path: "x").wire().dropLast()))
        // An unknown kind.
        var w = WireWriter()
        w.bool(true); w.string("hologram")
        XCTAssertThrowsError(try WorkResponse(wire: Data(w.bytes)))
        // A face whose below-range flag is neither 0 nor 1.
        var face = WireWriter()
        Self.full.faces![0].face.write(to: &face)
        var flag = face.bytes
        flag[flag.count - 1] = 2
        var reader = WireReader(Data(flag))
        XCTAssertThrowsError(try DetectedFace(from: &reader))
        reader = WireReader(Data(face.bytes))
        XCTAssertEqual(try DetectedFace(from: &reader), Self.full.faces![0].face)
    }
}
