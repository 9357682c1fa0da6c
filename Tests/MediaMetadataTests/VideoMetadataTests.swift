import ExposureModel
import ExposureTestSupport
import Foundation
@testable import MediaMetadata
import XCTest

/// MP4/MOV location and capture time from the box structure.
final class VideoMetadataTests: XCTestCase {
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        let size = payload.count + 8
        return [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
            + Array(type.unicodeScalars.map { UInt8($0.value) }) + payload
    }

    static func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    /// ftyp + moov(mvhd, udta/©xyz, meta/keys+ilst) + mdat, as an Android phone or iPhone writes.
    static func video(brand: String = "mp42", xyz: String? = nil, appleLocation: String? = nil,
                      appleDate: String? = nil, mvhdUnix: Int = 1_689_357_909) -> Data {
        let mvhd = box("mvhd", [0, 0, 0, 0] + be32(mvhdUnix + 2_082_844_800) + be32(0) + [UInt8](repeating: 0, count: 88))
        var moov = mvhd
        if let xyz {
            let text = Array(xyz.utf8)
            moov += box("udta", box("\u{A9}xyz", [UInt8(text.count >> 8), UInt8(text.count & 0xFF), 0x15, 0xC7] + text))
        }
        var keys: [String] = [], values: [String] = []
        if let appleLocation { keys.append("com.apple.quicktime.location.ISO6709"); values.append(appleLocation) }
        if let appleDate { keys.append("com.apple.quicktime.creationdate"); values.append(appleDate) }
        keys.append("com.apple.quicktime.make"); values.append("Apple")
        let keysPayload = [0, 0, 0, 0] + be32(keys.count) + keys.flatMap { key in be32(8 + key.utf8.count) + Array("mdta".utf8) + Array(key.utf8) }
        var ilst: [UInt8] = []
        for (i, value) in values.enumerated() {
            let data = box("data", be32(1) + be32(0) + Array(value.utf8))
            ilst += be32(8 + data.count) + be32(i + 1) + data
        }
        moov += box("meta", box("hdlr", [UInt8](repeating: 0, count: 24)) + box("keys", keysPayload) + box("ilst", ilst))
        let ftyp = box("ftyp", Array(brand.utf8) + [0, 0, 0, 0] + Array(brand.utf8))
        return Data(ftyp + box("mdat", [UInt8](repeating: 0x55, count: 64)) + box("moov", moov))
    }

    func testAndroidStyleLocationAndUTCCreationTime() throws {
        let data = Self.video(xyz: "+48.8584+002.2945/")
        let m = VideoMetadataReader.read(data)
        XCTAssertEqual(m.location, GeoPoint(latitude: 48.8584, longitude: 2.2945))
        XCTAssertEqual(m.captureTime, LocalDateTime(year: 2023, month: 7, day: 14, hour: 18, minute: 5, second: 9, utcOffsetSeconds: 0))
        let inspection = MediaInspector.inspect(data, filename: "VID_1.mp4")
        XCTAssertEqual(inspection.kind, .video)
        XCTAssertEqual(inspection.metadata.gps, m.location)
    }

    func testAppleQuickTimeKeys() throws {
        let data = Self.video(brand: "qt  ", xyz: nil, appleLocation: "+37.3349-122.0090+050.000/",
                              appleDate: "2023-07-14T18:05:09-0400")
        XCTAssertEqual(MediaSniffer.format(of: data), .mov)
        let m = VideoMetadataReader.read(data)
        XCTAssertEqual(m.location, GeoPoint(latitude: 37.3349, longitude: -122.009, altitude: 50))
        XCTAssertEqual(m.captureTime, LocalDateTime(year: 2023, month: 7, day: 14, hour: 18, minute: 5, second: 9, utcOffsetSeconds: -14400))
        XCTAssertEqual(m.make, "Apple")
        // exiftool reads the same location from the file.
        let dir = try TestSupport.temporaryDirectory("video")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("v.mov")
        try data.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["exiftool", "-json", "-n", "-GPSLatitude", "-GPSLongitude", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let json = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let tags = try XCTUnwrap((try JSONSerialization.jsonObject(with: json) as? [[String: Any]])?.first)
        XCTAssertEqual(try XCTUnwrap(tags["GPSLatitude"] as? Double), 37.3349, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(tags["GPSLongitude"] as? Double), -122.009, accuracy: 1e-6)
    }

    func testNullIslandZeroDatesAndCorruptBoxes() {
        let zero = VideoMetadataReader.read(Self.video(xyz: "+00.0000+000.0000/", mvhdUnix: -2_082_844_800))
        XCTAssertNil(zero.location)
        XCTAssertNil(zero.captureTime)
        XCTAssertEqual(VideoMetadataReader.read(Data()), VideoMetadata())
        var bytes = [UInt8](Self.video(xyz: "+48.8584+002.2945/"))
        var rng = SplitMix64(seed: 11)
        for _ in 0..<500 {
            var mutated = bytes
            for _ in 0..<4 { mutated[Int(rng.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            _ = VideoMetadataReader.read(Data(mutated))
        }
        bytes.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0xFF, 0xFF])  // first box claims 4 GiB
        XCTAssertEqual(VideoMetadataReader.read(Data(bytes)), VideoMetadata())
    }
}
