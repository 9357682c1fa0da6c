import ExposureModel
import Foundation
import XCTest
@testable import MediaMetadata

final class PerceptualHashTests: XCTestCase {
    /// The separable DCT gives the double sum's coefficients.
    func testSeparableDCTMatchesTheDefinition() {
        var state: UInt64 = 1
        let gray = (0..<1024).map { _ -> Double in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 56)
        }
        let fast = PerceptualHash.lowFrequencies(gray), reference = PerceptualHash.lowFrequenciesReference(gray)
        XCTAssertEqual(fast.count, 64)
        for i in 0..<64 { XCTAssertEqual(fast[i], reference[i], accuracy: 1e-6 * max(1, abs(reference[i]))) }
    }

    /// A brightness and contrast change leaves the hash as it was; another picture does not share it.
    func testHashIgnoresBrightnessAndContrast() {
        let gray = (0..<1024).map { i -> Double in
            let x = i % 32, y = i / 32, wobble = (i * 7919) % 13
            return Double(x * 5 + y * 3 + wobble)
        }
        let h = PerceptualHash.hash(ofGray: gray)
        XCTAssertEqual(PerceptualHash.hash(ofGray: gray.map { 1.3 * $0 + 20 }), h)
        XCTAssertEqual(h.nonzeroBitCount, 32, "half the bits are above the median")
        let other = PerceptualHash.hash(ofGray: gray.reversed())
        XCTAssertGreaterThan((h ^ other).nonzeroBitCount, 10)
    }

    /// The summed-area table gives the grids a pass over the picture gives (hashes equal; grid
    /// values within rounding).
    func testFingerprintFromTheTableMatchesTheReference() throws {
        for (w, h, seed) in [(640, 480, 1), (203, 157, 2), (150, 400, 3)] {
            var state = UInt64(seed)
            var image = RGBImage(width: w, height: h)
            for y in 0..<h { for x in 0..<w {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Int(state >> 59)
                let i = 3 * (y * w + x)
                let a: Int = (x * 7 + y * 3) % 200
                image.pixels[i] = UInt8(a + noise); image.pixels[i + 1] = UInt8((x / 9 + y / 13) % 2 == 0 ? 40 : 210)
                image.pixels[i + 2] = UInt8((x * y) % 251)
            } }
            let fast = try XCTUnwrap(PerceptualHash.fingerprint(of: image))
            let reference = try XCTUnwrap(PerceptualHash.fingerprintReference(of: image))
            XCTAssertEqual(fast.hashes, reference.hashes, "\(w)x\(h)")
            XCTAssertEqual(fast.grid, reference.grid, "\(w)x\(h)")
        }
    }

    /// Decoded at a reduced scale or in full, the same photo gives nearly the same hashes.
    func testEncodedAndDecodedFingerprintsAgree() throws {
        var image = RGBImage(width: 640, height: 480)
        for y in 0..<480 { for x in 0..<640 {
            let i = 3 * (y * 640 + x)
            let blocks: Int = (x / 40) * 37 + (y / 30) * 11
            image.pixels[i] = UInt8(blocks % 256); image.pixels[i + 1] = UInt8(x * 255 / 640)
            image.pixels[i + 2] = UInt8((x ^ y) & 0xFF)
        } }
        let jpeg = try ImageEncoder.jpeg(image, quality: 90)
        let reduced = try XCTUnwrap(PerceptualHash.fingerprint(ofEncoded: jpeg, width: 640, height: 480))
        let full = try XCTUnwrap(PerceptualHash.fingerprint(of: try ImageDecoder.decode(jpeg)))
        XCTAssertLessThanOrEqual((reduced.hashes[0] ^ full.hashes[0]).nonzeroBitCount, 4)
        XCTAssertEqual(reduced.grid.count, 1024)
    }
}

/// Serial numbers and owner names written in IFD0 instead of the EXIF IFD (ExifTool reads them
/// there; seen in Pillow's test image broken_exif_dpi.jpg).
final class ExifIFD0IdentifierTests: XCTestCase {
    /// A little-endian TIFF whose IFD0 holds the given ASCII tags (and nothing else).
    static func tiff(_ tags: [(Int, String)]) -> Data {
        var out: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0]
        let sorted = tags.sorted { $0.0 < $1.0 }
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) } }
        let ifdSize = 2 + 12 * sorted.count + 4
        var data: [UInt8] = [], entries: [UInt8] = []
        for (tag, text) in sorted {
            let bytes = Array(text.utf8) + [0]
            entries += u16(tag) + u16(2) + u32(bytes.count)
            if bytes.count <= 4 { entries += bytes + [UInt8](repeating: 0, count: 4 - bytes.count) }
            else { entries += u32(8 + ifdSize + data.count); data += bytes }
        }
        out += u16(sorted.count) + entries + u32(0) + data
        return Data(out)
    }

    func testSerialAndOwnerInIFD0AreRead() throws {
        let tiff = Self.tiff([(0x010F, "Canon"), (0xA431, "0123456789"), (0xA430, "Pat Example"), (0xA435, "LENS-77")])
        let jpeg = try ImageEncoder.jpeg(RGBImage(width: 16, height: 16), quality: 80, exif: Data("Exif\0\0".utf8) + tiff)
        let m = MediaInspector.inspect(jpeg, filename: "ifd0.jpg").metadata
        XCTAssertEqual(m.make, "Canon")
        XCTAssertEqual(m.bodySerialNumber, "0123456789")
        XCTAssertEqual(m.cameraOwnerName, "Pat Example")
        XCTAssertEqual(m.lensSerialNumber, "LENS-77")
    }

    /// DNG's CameraSerialNumber (0xC62F) lives in IFD0 and counts as the body serial.
    func testDNGCameraSerialNumber() throws {
        let jpeg = try ImageEncoder.jpeg(RGBImage(width: 16, height: 16), quality: 80,
                                         exif: Data("Exif\0\0".utf8) + Self.tiff([(0xC62F, "DNG-1")]))
        XCTAssertEqual(MediaInspector.inspect(jpeg, filename: "d.jpg").metadata.bodySerialNumber, "DNG-1")
    }

    /// A value whose offset points outside the block is ignored, not read past the end.
    func testOutOfRangeValueIsIgnored() throws {
        var bytes = [UInt8](Self.tiff([(0xA431, "0123456789")]))
        bytes[8 + 2 + 8] = 0xF0; bytes[8 + 2 + 9] = 0xFF   // the value offset, now far outside
        let jpeg = try ImageEncoder.jpeg(RGBImage(width: 16, height: 16), quality: 80, exif: Data("Exif\0\0".utf8) + Data(bytes))
        XCTAssertNil(MediaInspector.inspect(jpeg, filename: "bad.jpg").metadata.bodySerialNumber)
    }
}
