import ExposureModel
import Foundation
@testable import MediaMetadata
import XCTest

/// WebP (libwebp) and HEIF/HEIC (libheif): the trio for each.
final class WebPHEIFTests: XCTestCase {
    func testWebPLosslessRoundTripAndMetadataChunks() throws {
        let original = Fixtures.pattern(width: 40, height: 30, seed: 5)
        let webp = try ImageEncoder.webpLossless(original)
        XCTAssertEqual(MediaSniffer.format(of: webp), .webp)
        XCTAssertEqual(try ImageDecoder.decode(webp), original)
        XCTAssertEqual(try ImageDecoder.decode(webp, scaleDenominator: 2).width, 20)
        // Append EXIF and XMP chunks (RIFF size patched): the inspector reads them.
        var bytes = [UInt8](webp)
        let exif = [UInt8](try ExifWriter.app1Payload(ExifWriter.Spec(EmbeddedMetadata(gps: GeoPoint(latitude: 51.5, longitude: -0.12), make: "Google"))))
        let xmp = [UInt8](XMPWriter.packet(personInImage: ["Zoe"]).utf8)
        for (type, payload) in [("EXIF", exif), ("XMP ", xmp)] {
            bytes += Array(type.utf8) + le32(payload.count) + payload + (payload.count % 2 == 1 ? [0] : [])
        }
        bytes.replaceSubrange(4..<8, with: le32(bytes.count - 8))
        let inspection = MediaInspector.inspect(Data(bytes), filename: "w.webp")
        XCTAssertEqual(inspection.format, .webp)
        XCTAssertEqual(inspection.metadata.width, 40)
        XCTAssertEqual(inspection.metadata.height, 30)
        XCTAssertEqual(inspection.metadata.make, "Google")
        XCTAssertEqual(inspection.metadata.gps!.latitude, 51.5, accuracy: 1e-6)
        XCTAssertEqual(inspection.metadata.personInImage, ["Zoe"])
        XCTAssertTrue(inspection.canDecodePixels)
    }

    func testWebPCorruptTruncatedAndHuge() throws {
        let webp = [UInt8](try ImageEncoder.webpLossless(Fixtures.pattern(width: 64, height: 64)))
        XCTAssertThrowsError(try ImageDecoder.decode(Data(webp.prefix(webp.count / 2))))
        XCTAssertThrowsError(try ImageDecoder.decode(Data(webp.prefix(14))))
        var garbage = webp
        for i in 21..<garbage.count { garbage[i] = UInt8(truncatingIfNeeded: i &* 77) }
        XCTAssertThrowsError(try ImageDecoder.decode(Data(garbage)))
        // VP8X canvas 16384x16384 (268 Mpx) with no image data: refused by the cap.
        let vp8x: [UInt8] = Array("RIFF".utf8) + le32(30) + Array("WEBPVP8X".utf8) + le32(10) + [0, 0, 0, 0]
            + [0xFF, 0x3F, 0x00, 0xFF, 0x3F, 0x00] + Array("VP8L".utf8) + le32(0)
        XCTAssertThrowsError(try ImageDecoder.decode(Data(vp8x))) { error in
            XCTAssertEqual(error as? ImageDecodingError, .tooLarge(width: 16384, height: 16384, limit: ImageDecoder.defaultMaxPixels))
        }
        XCTAssertEqual(MediaInspector.inspect(Data(vp8x), filename: "x.webp").unreadableReason,
                       "image too large (16384x16384 > 100000000 pixels)")
    }

    func testHEICRoundTripWithExif() throws {
        let original = Fixtures.asymmetric(width: 64, height: 48)
        let exif = try ExifWriter.app1Payload(ExifWriter.Spec(EmbeddedMetadata(captureTime: LocalDateTime(year: 2024, month: 5, day: 6, hour: 7, minute: 8, second: 9),
                                                                               gps: GeoPoint(latitude: 37.3349, longitude: -122.009, altitude: 50),
                                                    make: "Apple", model: "iPhone 15")))
        let heic = try ImageEncoder.heif(original, quality: 90, exif: exif.dropFirst(6))
        XCTAssertEqual(MediaSniffer.format(of: heic), .heic)
        let decoded = try ImageDecoder.decode(heic)
        XCTAssertEqual(decoded.width, 64)
        XCTAssertEqual(decoded.height, 48)
        XCTAssertLessThan(Fixtures.meanAbsoluteDifference(decoded, original), 8)
        let inspection = MediaInspector.inspect(heic, filename: "IMG_0001.HEIC")
        XCTAssertNil(inspection.unreadableReason)
        XCTAssertTrue(inspection.canDecodePixels)
        XCTAssertEqual(inspection.kind, .photo)
        XCTAssertEqual(inspection.metadata.width, 64)
        XCTAssertEqual(inspection.metadata.make, "Apple")
        XCTAssertEqual(inspection.metadata.model, "iPhone 15")
        XCTAssertEqual(inspection.metadata.captureTime?.year, 2024)
        XCTAssertEqual(inspection.metadata.gps!.longitude, -122.009, accuracy: 1e-6)
    }

    func testHEICCorruptAndTruncated() throws {
        let heic = [UInt8](try ImageEncoder.heif(Fixtures.pattern(width: 32, height: 32), quality: 60))
        XCTAssertThrowsError(try ImageDecoder.decode(Data(heic.prefix(heic.count / 2))))
        let bogus = Data([0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8) + [UInt8](repeating: 0xAB, count: 200))
        XCTAssertThrowsError(try ImageDecoder.decode(bogus))
        XCTAssertNotNil(MediaInspector.inspect(bogus, filename: "b.heic").unreadableReason)
    }

    private func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
}
