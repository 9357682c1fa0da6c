import ExposureModel
import Foundation
@testable import MediaMetadata
import XCTest

/// The JPEG and PNG decoders: the trio (recognises, decodes the expected pixels, rejects
/// corrupt input cleanly) plus the hazards of reliability.md §2.3.
final class ImageDecoderTests: XCTestCase {
    // MARK: JPEG

    func testJPEGRoundTripKeepsPixels() throws {
        let original = Fixtures.pattern(width: 80, height: 60)
        let jpeg = try ImageEncoder.jpeg(original, quality: 95)
        XCTAssertEqual(MediaSniffer.format(of: jpeg), .jpeg)
        let decoded = try ImageDecoder.decode(jpeg)
        XCTAssertEqual(decoded.width, 80)
        XCTAssertEqual(decoded.height, 60)
        XCTAssertLessThan(Fixtures.meanAbsoluteDifference(original, decoded), 3.0)
        let size = try ImageDecoder.headerSize(jpeg)
        XCTAssertEqual(size.width, 80)
        XCTAssertEqual(size.height, 60)
    }

    func testProgressiveJPEGDecodes() throws {
        let original = Fixtures.pattern(width: 64, height: 64, seed: 3)
        let jpeg = try ImageEncoder.jpeg(original, quality: 95, progressive: true)
        let decoded = try ImageDecoder.decode(jpeg)
        XCTAssertLessThan(Fixtures.meanAbsoluteDifference(original, decoded), 5.0)
    }

    func testGrayscaleJPEGDecodesToEqualChannels() throws {
        var samples = [UInt8](repeating: 0, count: 32 * 32)
        for i in samples.indices { samples[i] = UInt8(i % 32 * 8) }
        let jpeg = try ImageEncoder.jpeg(samples: samples, width: 32, height: 32, components: 1, quality: 100)
        let decoded = try ImageDecoder.decode(jpeg)
        XCTAssertEqual(decoded.width, 32)
        for (x, y) in [(0, 0), (16, 5), (31, 31)] {
            let p = decoded[x, y]
            XCTAssertEqual(p.r, p.g); XCTAssertEqual(p.g, p.b)
            XCTAssertEqual(Double(p.r), Double(x * 8), accuracy: 4)
        }
    }

    func testAdobeInvertedCMYKJPEGHasRightPolarity() throws {
        // Adobe stores CMYK inverted: 255 = no ink. Left half: no ink (white). Right half:
        // full cyan ink only (255 - 255 = 0 stored for C): should decode as cyan (0, 255, 255).
        var samples = [UInt8](repeating: 255, count: 32 * 16 * 4)
        for y in 0..<16 { for x in 16..<32 { samples[4 * (y * 32 + x)] = 0 } }
        let jpeg = try ImageEncoder.jpeg(samples: samples, width: 32, height: 16, components: 4, quality: 100)
        let decoded = try ImageDecoder.decode(jpeg)
        let white = decoded[4, 8], cyan = decoded[28, 8]
        XCTAssertGreaterThan(Int(white.r), 245); XCTAssertGreaterThan(Int(white.g), 245); XCTAssertGreaterThan(Int(white.b), 245)
        XCTAssertLessThan(Int(cyan.r), 12); XCTAssertGreaterThan(Int(cyan.g), 243); XCTAssertGreaterThan(Int(cyan.b), 243)
    }

    func testDCTScalingGivesCeilingSizes() throws {
        let original = Fixtures.pattern(width: 100, height: 75)
        let jpeg = try ImageEncoder.jpeg(original, quality: 90)
        for (denominator, w, h) in [(1, 100, 75), (2, 50, 38), (4, 25, 19), (8, 13, 10)] {
            let decoded = try ImageDecoder.decode(jpeg, scaleDenominator: denominator)
            XCTAssertEqual(decoded.width, w, "1/\(denominator)")
            XCTAssertEqual(decoded.height, h, "1/\(denominator)")
            let reference = ImageOps.boxDownscale(original, by: denominator)
            XCTAssertLessThan(Fixtures.meanAbsoluteDifference(reference, decoded), 6.0, "1/\(denominator)")
        }
        XCTAssertThrowsError(try ImageDecoder.decode(jpeg, scaleDenominator: 3))
        // maxDimension picks the least reduction that fits.
        XCTAssertEqual(try ImageDecoder.decode(jpeg, maxDimension: 100).width, 100)
        XCTAssertEqual(try ImageDecoder.decode(jpeg, maxDimension: 60).width, 50)
        XCTAssertEqual(try ImageDecoder.decode(jpeg, maxDimension: 30).width, 25)
        XCTAssertEqual(try ImageDecoder.decode(jpeg, maxDimension: 5).width, 13)
    }

    // MARK: PNG

    func testPNGRGBDecodesExactly() throws {
        let original = Fixtures.pattern(width: 33, height: 17)
        let png = try ImageEncoder.png(original)
        XCTAssertEqual(MediaSniffer.format(of: png), .png)
        XCTAssertEqual(try ImageDecoder.decode(png), original)
        let interlaced = try ImageEncoder.png(samples: original.pixels, width: 33, height: 17, interlaced: true)
        XCTAssertNotEqual(interlaced, png)
        XCTAssertEqual(try ImageDecoder.decode(interlaced), original)
    }

    func testPNGVariantsNormaliseToRGB8() throws {
        // 8-bit gray
        let gray = try ImageDecoder.decode(try ImageEncoder.png(samples: [0, 100, 200, 255], width: 2, height: 2, color: .gray))
        XCTAssertEqual(gray.pixels, [0, 0, 0, 100, 100, 100, 200, 200, 200, 255, 255, 255])
        // 1-bit gray: 0 -> black, 1 -> white
        let bits = try ImageDecoder.decode(try ImageEncoder.png(samples: [0, 1, 1, 0], width: 4, height: 1, color: .gray, bitDepth: 1))
        XCTAssertEqual(bits.pixels, [0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0])
        // 4-bit palette with tRNS: colours kept, alpha dropped
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255]
        let indexed = try ImageDecoder.decode(try ImageEncoder.png(samples: [2, 1, 0], width: 3, height: 1, color: .palette,
                                                                    bitDepth: 4, palette: palette, transparency: [0, 128]))
        XCTAssertEqual(indexed.pixels, [0, 0, 255, 0, 255, 0, 255, 0, 0])
        // 16-bit RGBA, big-endian: high byte survives, alpha dropped
        let rgba16: [UInt8] = [0x12, 0x34, 0xAB, 0xCD, 0xFF, 0xFF, 0x00, 0x00]
        let deep = try ImageDecoder.decode(try ImageEncoder.png(samples: rgba16, width: 1, height: 1, color: .rgba, bitDepth: 16))
        XCTAssertEqual(deep.pixels.map(Int.init), [0x12, 0xAC, 0xFF].map { $0 }, accuracy: 1)
        // gray + alpha
        let ga = try ImageDecoder.decode(try ImageEncoder.png(samples: [77, 0, 200, 255], width: 2, height: 1, color: .grayAlpha))
        XCTAssertEqual(ga.pixels, [77, 77, 77, 200, 200, 200])
        // 8-bit RGBA interlaced
        let rgba = try ImageDecoder.decode(try ImageEncoder.png(samples: [1, 2, 3, 0, 4, 5, 6, 255], width: 2, height: 1,
                                                                 color: .rgba, interlaced: true))
        XCTAssertEqual(rgba.pixels, [1, 2, 3, 4, 5, 6])
    }

    // MARK: Hazards (reliability.md §2.3)

    func testForgedHugeJPEGHeaderIsRejectedBeforeAllocation() throws {
        let forged = try Fixtures.jpegWithForgedSize(width: 60000, height: 60000)
        XCTAssertLessThan(forged.count, 1000)
        let start = Date()
        XCTAssertThrowsError(try ImageDecoder.decode(forged)) { error in
            XCTAssertEqual(error as? ImageDecodingError, .tooLarge(width: 60000, height: 60000, limit: ImageDecoder.defaultMaxPixels))
            XCTAssertTrue("\(error)".contains("60000x60000"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.0)
        // A size under the cap but with the scan cut off is truncated, not grey-filled.
        let small = try Fixtures.jpegWithForgedSize(width: 16, height: 16, keepScanBytes: 20)
        XCTAssertThrowsError(try ImageDecoder.decode(small)) { error in
            guard case .truncated = error as? ImageDecodingError else { return XCTFail("\(error)") }
        }
    }

    func testForgedHugePNGHeaderIsRejectedBeforeAllocation() throws {
        let forged = Fixtures.pngHeaderOnly(width: 1_000_000, height: 1_000_000)
        XCTAssertLessThan(forged.count, 80)
        XCTAssertEqual(try ImageDecoder.headerSize(forged).width, 1_000_000)
        let start = Date()
        XCTAssertThrowsError(try ImageDecoder.decode(forged)) { error in
            XCTAssertEqual(error as? ImageDecodingError, .tooLarge(width: 1_000_000, height: 1_000_000, limit: ImageDecoder.defaultMaxPixels))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.0)
        // The caller's cap is what counts: 64x64 with a 1000-pixel cap is refused too.
        let png = try ImageEncoder.png(Fixtures.pattern(width: 64, height: 64))
        XCTAssertThrowsError(try ImageDecoder.decode(png, maxPixels: 1000))
    }

    func testTruncatedFilesFailCleanly() throws {
        let jpeg = try ImageEncoder.jpeg(Fixtures.pattern(width: 128, height: 96), quality: 90)
        let png = try ImageEncoder.png(Fixtures.pattern(width: 128, height: 96))
        for cut in [0.95, 0.7, 0.4] {
            XCTAssertThrowsError(try ImageDecoder.decode(jpeg.prefix(Int(Double(jpeg.count) * cut)))) { error in
                guard case .truncated = error as? ImageDecodingError else { return XCTFail("JPEG \(cut): \(error)") }
            }
            XCTAssertThrowsError(try ImageDecoder.decode(png.prefix(Int(Double(png.count) * cut)))) { error in
                guard case .truncated = error as? ImageDecodingError else { return XCTFail("PNG \(cut): \(error)") }
            }
        }
        // Cut inside the headers.
        XCTAssertThrowsError(try ImageDecoder.decode(jpeg.prefix(10)))
        XCTAssertThrowsError(try ImageDecoder.decode(png.prefix(20)))
    }

    func testGarbageAndEmptyInputAreRejected() throws {
        XCTAssertThrowsError(try ImageDecoder.decode(Data())) { XCTAssertEqual($0 as? ImageDecodingError, .unknownFormat) }
        XCTAssertThrowsError(try ImageDecoder.decode(Data("this is not a picture".utf8))) {
            XCTAssertEqual($0 as? ImageDecodingError, .unknownFormat)
        }
        // JPEG magic followed by noise: libjpeg's "Not a JPEG"/bad-marker errors must not exit().
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let noise = Data([0xFF, 0xD8, 0xFF] + (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) })
            XCTAssertThrowsError(try ImageDecoder.decode(noise))
            let pngNoise = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) })
            XCTAssertThrowsError(try ImageDecoder.decode(pngNoise))
        }
        // GIF is recognised but not decoded here.
        XCTAssertThrowsError(try ImageDecoder.decode(Data("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8))) {
            XCTAssertEqual($0 as? ImageDecodingError, .unsupportedFormat("gif"))
        }
    }

    func testPNGWithThousandsOfTextChunksStillDecodes() throws {
        // libpng caches at most 1000 ancillary chunks; the rest must be skipped, not crash.
        let original = Fixtures.pattern(width: 8, height: 8)
        let png = [UInt8](try ImageEncoder.png(original))
        var chunks: [UInt8] = []
        for i in 0..<1500 { chunks += Fixtures.pngChunk("tEXt", Array("Comment\u{0}note \(i)".utf8)) }
        let withText = Array(png[..<33]) + chunks + Array(png[33...])  // after signature + IHDR
        XCTAssertEqual(try ImageDecoder.decode(Data(withText)), original)
    }

    func testPNGWithBadCRCIsCorrupt() throws {
        var png = [UInt8](try ImageEncoder.png(Fixtures.pattern(width: 16, height: 16)))
        png[29] ^= 0xFF  // the IHDR chunk's CRC (signature 8 + length 4 + type 4 + data 13)
        XCTAssertThrowsError(try ImageDecoder.decode(Data(png))) { error in
            guard case .corrupt(let message) = error as? ImageDecodingError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("CRC"), message)
        }
    }

    func testJPEGWithCorruptScanDataDoesNotCrash() throws {
        var jpeg = [UInt8](try ImageEncoder.jpeg(Fixtures.pattern(width: 64, height: 64), quality: 90))
        let sos = jpeg.indices.first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xDA }!
        var rng = SystemRandomNumberGenerator()
        for i in (sos + 20)..<(jpeg.count - 2) where UInt8.random(in: 0...255, using: &rng) < 40 {
            jpeg[i] = UInt8.random(in: 0...255, using: &rng)
        }
        // Either a (damaged) picture or an error; never a crash or an exit().
        _ = try? ImageDecoder.decode(Data(jpeg))
    }

    func testThousandScanJPEGIsRefused() throws {
        // A progressive JPEG whose last AC scan is repeated 1000 times: valid syntax, huge work.
        let jpeg = [UInt8](try ImageEncoder.jpeg(Fixtures.pattern(width: 64, height: 64), quality: 90, progressive: true))
        let sosPositions = jpeg.indices.filter { $0 + 1 < jpeg.count && jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xDA }
        XCTAssertGreaterThan(sosPositions.count, 2)
        let lastScan = Array(jpeg[sosPositions.last!..<(jpeg.count - 2)])
        var bomb = Array(jpeg[..<(jpeg.count - 2)])
        for _ in 0..<1000 { bomb += lastScan }
        bomb += [0xFF, 0xD9]
        let start = Date()
        XCTAssertThrowsError(try ImageDecoder.decode(Data(bomb))) { error in
            print("1000-scan JPEG: \(error)")
            switch error as? ImageDecodingError {
            case .tooManyScans?, .corrupt?: break
            default: XCTFail("\(error)")
            }
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5.0)
    }

    func testValidSevenHundredScanJPEGHitsTheScanLimit() throws {
        // Unlike the repeated-scan bomb above, every scan here is legal (no warnings), so
        // only the scan counter stops it.
        var samples = [UInt8](repeating: 0, count: 64 * 64)
        for i in samples.indices { samples[i] = UInt8((i % 64) * 4) }
        let jpeg = try ImageEncoder.jpeg(samples: samples, width: 64, height: 64, components: 1, quality: 90, manyScans: true)
        let scans = zip(jpeg, jpeg.dropFirst()).filter { $0 == 0xFF && $1 == 0xDA }.count
        XCTAssertEqual(scans, 695)
        XCTAssertThrowsError(try ImageDecoder.decode(jpeg)) { error in
            XCTAssertEqual(error as? ImageDecodingError, .tooManyScans("too many scans (more than 200)"))
        }
        // The same picture with a normal progressive script decodes.
        let normal = try ImageEncoder.jpeg(samples: samples, width: 64, height: 64, components: 1, quality: 90, progressive: true)
        XCTAssertEqual(try ImageDecoder.decode(normal).width, 64)
    }

    // MARK: Orientation

    func testEveryEXIFOrientationDecodesUpright() throws {
        let upright = Fixtures.asymmetric()
        for orientation in 1...8 {
            let stored = Self.storedForm(of: upright, orientation: orientation)
            let exif = try ExifWriter.app1Payload(ExifWriter.Spec(EmbeddedMetadata(orientation: orientation)))
            let jpeg = try ImageEncoder.jpeg(stored, quality: 95, exif: exif)
            let decoded = try ImageDecoder.decode(jpeg)
            XCTAssertEqual(decoded.width, upright.width, "orientation \(orientation)")
            XCTAssertEqual(decoded.height, upright.height, "orientation \(orientation)")
            XCTAssertLessThan(Fixtures.meanAbsoluteDifference(decoded, upright), 4.0, "orientation \(orientation)")
            let w = upright.width, h = upright.height
            XCTAssertEqual(Fixtures.blockColour(decoded, x: 0, y: 0).0, 230, accuracy: 12, "red top-left, \(orientation)")
            XCTAssertEqual(Fixtures.blockColour(decoded, x: w - 16, y: 0).1, 230, accuracy: 12, "green top-right, \(orientation)")
            XCTAssertEqual(Fixtures.blockColour(decoded, x: 0, y: h - 16).2, 230, accuracy: 12, "blue bottom-left, \(orientation)")
            // And the PNG path, orientation from its eXIf chunk.
            let png = try ImageEncoder.png(stored, exif: exif.dropFirst(6))
            XCTAssertEqual(try ImageDecoder.decode(png), upright, "PNG orientation \(orientation)")
            // Opting out returns the stored pixels.
            XCTAssertEqual(try ImageDecoder.decode(png, applyOrientation: false), stored)
        }
    }

    /// What a camera stores for an upright scene, written forward (scene pixel -> stored
    /// pixel), independently of the decoder's inverse mapping. Orientation 6 = camera turned
    /// 90° clockwise, so the scene is stored turned 90° counter-clockwise.
    static func storedForm(of upright: RGBImage, orientation: Int) -> RGBImage {
        let w = upright.width, h = upright.height  // display size
        let swaps = orientation >= 5
        let sw = swaps ? h : w, sh = swaps ? w : h
        var out = RGBImage(width: sw, height: sh)
        for y in 0..<h {
            for x in 0..<w {
                let (sx, sy): (Int, Int)
                switch orientation {
                case 1: (sx, sy) = (x, y)
                case 2: (sx, sy) = (w - 1 - x, y)            // mirrored
                case 3: (sx, sy) = (w - 1 - x, h - 1 - y)    // upside down
                case 4: (sx, sy) = (x, h - 1 - y)            // flipped vertically
                case 5: (sx, sy) = (y, x)                    // transposed
                case 6: (sx, sy) = (y, w - 1 - x)            // 6: turned 90° CCW
                case 7: (sx, sy) = (h - 1 - y, w - 1 - x)    // transversed
                default: (sx, sy) = (h - 1 - y, x)           // 8: turned 90° CW
                }
                let s = 3 * (sy * sw + sx), d = 3 * (y * w + x)
                out.pixels[s] = upright.pixels[d]; out.pixels[s + 1] = upright.pixels[d + 1]; out.pixels[s + 2] = upright.pixels[d + 2]
            }
        }
        return out
    }
}

private func XCTAssertEqual(_ a: [Int], _ b: [Int], accuracy: Int, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertLessThanOrEqual(abs(x - y), accuracy, "\(a) vs \(b)", file: file, line: line) }
}
