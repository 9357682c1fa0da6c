import ExposureModel
import Foundation
@testable import MediaMetadata
import XCTest

/// The scan's entry point: kind, embedded metadata, thumbnail comparison, unreadable files.
final class MediaInspectorTests: XCTestCase {
    func testPhotoWithEverything() throws {
        let main = Fixtures.pattern(width: 96, height: 64, seed: 1)
        let thumb = try ImageEncoder.jpeg(ImageOps.boxDownscale(main, by: 4), quality: 80)
        var spec = ExifTests.fullSpec  // orientation 6
        spec.thumbnailJPEG = thumb
        let regions = [FaceRegion(name: "Alice", centerX: 0.5, centerY: 0.5, width: 0.2, height: 0.3)]
        let jpeg = try ImageEncoder.jpeg(main, exif: try ExifWriter.app1Payload(spec),
                                         xmp: XMPWriter.packet(faceRegions: regions, personInImage: ["Alice", "Bob"]))
        let result = MediaInspector.inspect(jpeg, filename: "IMG_0001.JPG")
        XCTAssertEqual(result.format, .jpeg)
        XCTAssertEqual(result.kind, .photo)
        XCTAssertNil(result.unreadableReason)
        XCTAssertTrue(result.canDecodePixels)
        let m = result.metadata
        XCTAssertEqual(m.width, 64, "orientation 6 swaps width and height")
        XCTAssertEqual(m.height, 96)
        XCTAssertEqual(m.orientation, 6)
        XCTAssertEqual(m.captureTime, spec.captureTime)
        XCTAssertEqual(m.gps!.latitude, -33.856784, accuracy: 1e-6)
        XCTAssertEqual(m.make, "Canon")
        XCTAssertEqual(m.model, "Canon EOS R6")
        XCTAssertEqual(m.bodySerialNumber, "012345678901")
        XCTAssertEqual(m.lensSerialNumber, "LS-0042")
        XCTAssertEqual(m.cameraOwnerName, "Jane Q. Public")
        XCTAssertEqual(m.artist, "Jane Public")
        XCTAssertEqual(m.software, "Exposure test 1.0")
        XCTAssertEqual(m.imageUniqueID, "5f1e9c2a0b7d4e3f8a6c1d2e3f405162")
        XCTAssertTrue(m.hasThumbnail)
        XCTAssertEqual(m.thumbnailDiffers, false)
        XCTAssertEqual(m.faceRegions, regions)
        XCTAssertEqual(m.personInImage, ["Alice", "Bob"])
    }

    func testStaleThumbnailIsDetected() throws {
        // The main picture is the left half of the scene (a crop); the thumbnail still shows
        // the whole scene, as after an editor that does not rewrite EXIF.
        let scene = Fixtures.pattern(width: 160, height: 120, seed: 2)
        var cropPixels: [UInt8] = []
        for y in 0..<120 { cropPixels += scene.pixels[(3 * y * 160)..<(3 * (y * 160 + 80))] }
        let crop = RGBImage(width: 80, height: 120, pixels: cropPixels)
        func inspect(main: RGBImage, thumbnail: RGBImage) throws -> (Bool?, Double) {
            let thumb = try ImageEncoder.jpeg(thumbnail, quality: 75)
            let exif = try ExifWriter.app1Payload(ExifWriter.Spec(thumbnailJPEG: thumb))
            let jpeg = try ImageEncoder.jpeg(main, quality: 90, exif: exif)
            let score = MediaInspector.thumbnailDifference(try ImageDecoder.decode(thumb), try ImageDecoder.decode(jpeg, scaleDenominator: 2))
            return (MediaInspector.inspect(jpeg, filename: "a.jpg").metadata.thumbnailDiffers, score)
        }
        let stale = try inspect(main: crop, thumbnail: ImageOps.boxDownscale(scene, by: 2))
        XCTAssertEqual(stale.0, true, "score \(stale.1)")
        let unrelated = try inspect(main: scene, thumbnail: Fixtures.asymmetric(width: 80, height: 60))
        XCTAssertEqual(unrelated.0, true, "score \(unrelated.1)")
        let same = try inspect(main: scene, thumbnail: ImageOps.boxDownscale(scene, by: 2))
        XCTAssertEqual(same.0, false, "score \(same.1)")
        // A 3:2 picture letterboxed into a 4:3 thumbnail (black bars top and bottom) is the same picture.
        let wide = Fixtures.pattern(width: 192, height: 128, seed: 4)
        let small = ImageOps.boxDownscale(wide, by: 2)  // 96x64
        var boxed = RGBImage(width: 96, height: 72)
        for y in 0..<64 { for x in 0..<96 { for c in 0..<3 { boxed.pixels[3 * ((y + 4) * 96 + x) + c] = small.pixels[3 * (y * 96 + x) + c] } } }
        let letterboxed = try inspect(main: wide, thumbnail: boxed)
        XCTAssertEqual(letterboxed.0, false, "score \(letterboxed.1)")
        print("thumbnail scores: stale crop \(stale.1), unrelated \(unrelated.1), same \(same.1), letterboxed \(letterboxed.1)")
    }

    func testKindsBySniffingAndByName() throws {
        let mp4 = Data([0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isomiso2".utf8))
        let mov = Data([0, 0, 0, 0x14] + Array("ftypqt  ".utf8) + [0, 0, 2, 0] + Array("qt  ".utf8))
        let heic = Data([0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8))
        let gif = Data(Array("GIF89a".utf8) + [0x40, 0x01, 0xF0, 0x00] + [UInt8](repeating: 0, count: 20))
        var webp = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8X".utf8) + [10, 0, 0, 0] + [0, 0, 0, 0]
        webp += [0x7F, 0x02, 0x00, 0xDF, 0x01, 0x00] + [UInt8](repeating: 0, count: 10)  // 640x480
        XCTAssertEqual(MediaInspector.inspect(mp4, filename: "clip.bin").kind, .video)
        XCTAssertEqual(MediaInspector.inspect(mov, filename: "clip").format, .mov)
        XCTAssertEqual(MediaInspector.inspect(heic, filename: "x").format, .heic)
        XCTAssertEqual(MediaInspector.inspect(heic, filename: "x").kind, .photo)
        let g = MediaInspector.inspect(gif, filename: "anim")
        XCTAssertEqual(g.format, .gif)
        XCTAssertEqual(g.metadata.width, 320); XCTAssertEqual(g.metadata.height, 240)
        let w = MediaInspector.inspect(Data(webp), filename: "w")
        XCTAssertEqual(w.format, .webp)
        XCTAssertEqual(w.metadata.width, 640); XCTAssertEqual(w.metadata.height, 480)
        // Bytes win over names: a PNG named .jpg is a PNG.
        let png = try ImageEncoder.png(Fixtures.pattern(width: 8, height: 8))
        XCTAssertEqual(MediaInspector.inspect(png, filename: "photo.jpg").format, .png)
        // Name fallback only when the bytes say nothing.
        XCTAssertEqual(MediaSniffer.classify(Data([1, 2, 3]), filename: "movie.MP4"), .mp4)
        XCTAssertEqual(MediaSniffer.kind(of: Data([1, 2, 3]), filename: "notes.txt"), nil)
    }

    func testUnreadableFilesSayWhy() throws {
        XCTAssertEqual(MediaInspector.inspect(Data(), filename: "a.jpg").unreadableReason, "empty file")
        let text = MediaInspector.inspect(Data("hello".utf8), filename: "a.jpg")
        XCTAssertEqual(text.unreadableReason, "content does not match its .jpg name")
        XCTAssertEqual(MediaInspector.inspect(Data("hello".utf8), filename: "a.txt").unreadableReason, "not a recognised media file")
        let huge = MediaInspector.inspect(try Fixtures.jpegWithForgedSize(width: 60000, height: 60000), filename: "big.jpg")
        XCTAssertEqual(huge.unreadableReason, "image too large (60000x60000 > 100000000 pixels)")
        XCTAssertFalse(huge.canDecodePixels)
        let hugePNG = MediaInspector.inspect(Fixtures.pngHeaderOnly(width: 1_000_000, height: 1_000_000), filename: "big.png")
        XCTAssertEqual(hugePNG.unreadableReason, "image too large (1000000x1000000 > 100000000 pixels)")
        let junk = MediaInspector.inspect(Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0x00, 9, 9]), filename: "j.jpg")
        XCTAssertNotNil(junk.unreadableReason)
        XCTAssertFalse(junk.canDecodePixels)
        // Truncated, with a thumbnail: the 1/8 decode for the comparison finds the cut.
        let thumb = try ImageEncoder.jpeg(Fixtures.pattern(width: 16, height: 16), quality: 70)
        let full = try ImageEncoder.jpeg(Fixtures.pattern(width: 128, height: 128), exif: try ExifWriter.app1Payload(ExifWriter.Spec(EmbeddedMetadata(make: "M"), thumbnailJPEG: thumb)))
        let cut = MediaInspector.inspect(full.prefix(full.count * 2 / 3), filename: "cut.jpg")
        XCTAssertTrue(cut.unreadableReason?.hasPrefix("truncated") == true, "\(cut.unreadableReason ?? "nil")")
        XCTAssertEqual(cut.metadata.make, "M", "metadata before the cut is kept")
        // A corrupt thumbnail is a warning, not a failure of the file.
        let badThumb = try ImageEncoder.jpeg(Fixtures.pattern(width: 32, height: 32),
                                             exif: try ExifWriter.app1Payload(.init(thumbnailJPEG: Data([0xFF, 0xD8, 0xFF, 1, 2, 3]))))
        let bad = MediaInspector.inspect(badThumb, filename: "b.jpg")
        XCTAssertNil(bad.unreadableReason)
        XCTAssertTrue(bad.metadata.hasThumbnail)
        XCTAssertNil(bad.metadata.thumbnailDiffers)
        XCTAssertTrue(bad.warnings.contains { $0.hasPrefix("EXIF thumbnail:") }, "\(bad.warnings)")
    }
}
