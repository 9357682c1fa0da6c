import ExposureModel
import ExposureTestSupport
import Foundation
@testable import MediaMetadata
import XCTest

/// EXIF via libexif: recognises the block, extracts the whitelisted fields, survives
/// corrupt blocks (reliability.md §3.4 E2-E5) and corrupt MakerNotes.
final class ExifTests: XCTestCase {
    static let fullSpec = ExifWriter.Spec(EmbeddedMetadata(
        orientation: 6,
        captureTime: LocalDateTime(year: 2023, month: 7, day: 14, hour: 18, minute: 5, second: 9, utcOffsetSeconds: -4 * 3600),
        gps: GeoPoint(latitude: -33.856784, longitude: 151.215297, altitude: -12.5),
        make: "Canon", model: "Canon EOS R6", bodySerialNumber: "012345678901", lensSerialNumber: "LS-0042",
        cameraOwnerName: "Jane Q. Public", artist: "Jane Public", software: "Exposure test 1.0",
        imageUniqueID: "5f1e9c2a0b7d4e3f8a6c1d2e3f405162"))

    func testReadsEveryWhitelistedField() throws {
        for bigEndian in [false, true] {
            var spec = Self.fullSpec
            spec.bigEndian = bigEndian
            let jpeg = try ImageEncoder.jpeg(Fixtures.pattern(width: 32, height: 24), exif: try ExifWriter.app1Payload(spec))
            let exif = ExifReader.read(jpeg)
            XCTAssertTrue(exif.found)
            XCTAssertNil(exif.problem)
            XCTAssertEqual(exif.orientation, 6)
            XCTAssertEqual(exif.captureTime, spec.captureTime)
            XCTAssertEqual(exif.gps!.latitude, -33.856784, accuracy: 1e-6)
            XCTAssertEqual(exif.gps!.longitude, 151.215297, accuracy: 1e-6)
            XCTAssertEqual(exif.gps!.altitude!, -12.5, accuracy: 0.01)
            XCTAssertEqual(exif.make, "Canon")
            XCTAssertEqual(exif.model, "Canon EOS R6")
            XCTAssertEqual(exif.bodySerialNumber, "012345678901")
            XCTAssertEqual(exif.lensSerialNumber, "LS-0042")
            XCTAssertEqual(exif.cameraOwnerName, "Jane Q. Public")
            XCTAssertEqual(exif.artist, "Jane Public")
            XCTAssertEqual(exif.software, "Exposure test 1.0")
            XCTAssertEqual(exif.imageUniqueID, "5f1e9c2a0b7d4e3f8a6c1d2e3f405162")
            XCTAssertNil(exif.thumbnail)
        }
    }

    func testPNGeXIfChunkIsRead() throws {
        let exif = try ExifWriter.app1Payload(ExifWriter.Spec(EmbeddedMetadata(gps: GeoPoint(latitude: 48.8584, longitude: 2.2945), model: "Pixel 7")))
        let png = try ImageEncoder.png(Fixtures.pattern(width: 8, height: 8), exif: exif.dropFirst(6))
        let result = ExifReader.read(png)
        XCTAssertEqual(result.model, "Pixel 7")
        XCTAssertEqual(result.gps!.latitude, 48.8584, accuracy: 1e-6)
        XCTAssertEqual(result.gps!.longitude, 2.2945, accuracy: 1e-6)
        XCTAssertNil(result.gps!.altitude)
    }

    func testNoExifAndNullIsland() throws {
        XCTAssertFalse(ExifReader.read(try ImageEncoder.jpeg(Fixtures.pattern(width: 8, height: 8))).found)
        XCTAssertFalse(ExifReader.read(Data()).found)
        let zero = try ExifWriter.app1Payload(ExifWriter.Spec(EmbeddedMetadata(gps: GeoPoint(latitude: 0, longitude: 0), make: "X")))
        let result = ExifReader.read(try ImageEncoder.jpeg(Fixtures.pattern(width: 8, height: 8), exif: zero))
        XCTAssertEqual(result.make, "X")
        XCTAssertNil(result.gps, "(0, 0) is 'no fix', not a place")
    }

    func testOutOfRangeOrientationAndGPSAreIgnored() throws {
        for bad in [0, 9, 300] {
            let exif = try ExifWriter.app1Payload(ExifWriter.Spec(EmbeddedMetadata(orientation: bad, gps: GeoPoint(latitude: 95, longitude: 10), make: "Y")))
            let jpeg = try ImageEncoder.jpeg(Fixtures.asymmetric(), exif: exif)
            let result = ExifReader.read(jpeg)
            XCTAssertNil(result.orientation, "orientation \(bad)")
            XCTAssertNil(result.gps, "latitude 95 is not a place")
            XCTAssertEqual(result.make, "Y")
            XCTAssertEqual(try ImageDecoder.decode(jpeg).width, 64, "no rotation for orientation \(bad)")
        }
    }

    func testCaptureTimeParsing() {
        XCTAssertEqual(ExifReader.parseDateTime("2021:02:03 04:05:06", offset: "+05:30"),
                       LocalDateTime(year: 2021, month: 2, day: 3, hour: 4, minute: 5, second: 6, utcOffsetSeconds: 19800))
        XCTAssertEqual(ExifReader.parseDateTime("2021:02:03 04:05:06", offset: nil)?.utcOffsetSeconds, nil)
        XCTAssertNil(ExifReader.parseDateTime("0000:00:00 00:00:00", offset: nil))
        XCTAssertNil(ExifReader.parseDateTime("    :  :     :  :  ", offset: nil))
        XCTAssertNil(ExifReader.parseDateTime("2021:13:03 04:05:06", offset: nil))
    }

    func testThumbnailIsExtracted() throws {
        let thumb = try ImageEncoder.jpeg(Fixtures.pattern(width: 16, height: 12), quality: 70)
        let exif = try ExifWriter.app1Payload(ExifWriter.Spec(EmbeddedMetadata(make: "Nikon"), thumbnailJPEG: thumb))
        let result = ExifReader.read(try ImageEncoder.jpeg(Fixtures.pattern(width: 64, height: 48), exif: exif))
        XCTAssertEqual(result.thumbnail, thumb)
        XCTAssertEqual(result.make, "Nikon")
    }

    /// exiftool (the benchmark peer) reads the same values from what ExifWriter wrote.
    func testExiftoolAgreesWithWriterAndReader() throws {
        let thumb = try ImageEncoder.jpeg(Fixtures.pattern(width: 16, height: 12), quality: 70)
        var spec = Self.fullSpec
        spec.thumbnailJPEG = thumb
        let jpeg = try ImageEncoder.jpeg(Fixtures.pattern(width: 32, height: 24), exif: try ExifWriter.app1Payload(spec))
        let dir = try TestSupport.temporaryDirectory("exif")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("photo.jpg")
        try jpeg.write(to: file)
        let json = try runExiftool(["-json", "-n", "-Orientation", "-DateTimeOriginal", "-OffsetTimeOriginal", "-GPSLatitude",
                                    "-GPSLongitude", "-GPSAltitude", "-Make", "-Model", "-SerialNumber", "-LensSerialNumber",
                                    "-OwnerName", "-Artist", "-Software", "-ImageUniqueID", "-ThumbnailLength", file.path])
        let tags = try XCTUnwrap((try JSONSerialization.jsonObject(with: json) as? [[String: Any]])?.first)
        let mine = ExifReader.read(jpeg)
        XCTAssertEqual(tags["Orientation"] as? Int, mine.orientation)
        XCTAssertEqual(tags["DateTimeOriginal"] as? String, "2023:07:14 18:05:09")
        XCTAssertEqual(tags["OffsetTimeOriginal"] as? String, "-04:00")
        XCTAssertEqual(try XCTUnwrap(tags["GPSLatitude"] as? Double), mine.gps!.latitude, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(tags["GPSLongitude"] as? Double), mine.gps!.longitude, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(tags["GPSAltitude"] as? Double), mine.gps!.altitude!, accuracy: 0.01)  // -n applies the below-sea-level ref
        XCTAssertEqual(tags["Make"] as? String, mine.make)
        XCTAssertEqual(tags["Model"] as? String, mine.model)
        XCTAssertEqual("\(tags["SerialNumber"]!)", mine.bodySerialNumber)
        XCTAssertEqual(tags["LensSerialNumber"] as? String, mine.lensSerialNumber)
        XCTAssertEqual(tags["OwnerName"] as? String, mine.cameraOwnerName)
        XCTAssertEqual(tags["Artist"] as? String, mine.artist)
        XCTAssertEqual(tags["Software"] as? String, mine.software)
        XCTAssertEqual(tags["ImageUniqueID"] as? String, mine.imageUniqueID)
        XCTAssertEqual(tags["ThumbnailLength"] as? Int, thumb.count)
    }

    // MARK: Corrupt EXIF

    /// A minimal little-endian TIFF: IFD0 at 8 with the given entries, then `tail` bytes.
    static func tiff(entries: [(tag: UInt16, type: UInt16, count: UInt32, value: UInt32)], next: UInt32 = 0, tail: [UInt8] = []) -> Data {
        func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        var b: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + le32(8) + le16(UInt16(entries.count))
        for e in entries { b += le16(e.tag) + le16(e.type) + le32(e.count) + le32(e.value) }
        return Data(b + le32(next) + tail)
    }

    func testCorruptBlocksEndQuicklyWithPartialOrNoData() throws {
        let start = Date()
        let make: (UInt16, UInt16, UInt32, UInt32) = (0x010F, 2, 4, 0x0041_4243)  // "CBA\0" inline
        let cases: [(String, Data)] = [
            ("garbage", Data((0..<500).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })),
            ("not TIFF", Data("hello world, no tiff here".utf8)),
            ("IFD0 past the end", Data([0x49, 0x49, 0x2A, 0, 0xFF, 0xFF, 0xFF, 0x7F])),
            ("IFD loops to itself", Self.tiff(entries: [make], next: 8)),
            ("EXIF IFD points to IFD0", Self.tiff(entries: [make, (0x8769, 4, 1, 8)])),
            ("huge count, offset past the end", Self.tiff(entries: [make, (0x0110, 2, 0xFFFF_FFFF, 0x7FFF_FFFF)])),
            ("rational count near UINT32_MAX", Self.tiff(entries: [make, (0x8825, 4, 1, 26)],
                                                          tail: [1, 0, 2, 0, 5, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x10, 0, 0, 0, 0, 0, 0, 0])),
            ("entry count 65535", Data([0x49, 0x49, 0x2A, 0, 8, 0, 0, 0, 0xFF, 0xFF] + [UInt8](repeating: 0x11, count: 2000))),
        ]
        for (label, tiff) in cases {
            let result = ExifReader.read(tiff: tiff)
            XCTAssertNil(result.gps, label)
            if label.contains("loop") || label.contains("points to IFD0") || label.contains("huge count") {
                XCTAssertEqual(result.make, "CBA", "\(label): the valid entry survives")
            }
            // Wrapped into a JPEG, the inspector reports and carries on.
            var app1 = Data("Exif".utf8) + Data([0, 0])
            app1 += tiff
            let jpeg = try ImageEncoder.jpeg(Fixtures.pattern(width: 16, height: 16), exif: app1)
            let inspection = MediaInspector.inspect(jpeg, filename: "x.jpg")
            XCTAssertNil(inspection.unreadableReason, label)
            XCTAssertEqual(inspection.metadata.width, 16, label)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    func testZeroDenominatorGPSIsInvalidNotACrash() throws {
        // GPS IFD at 26: LatitudeRef, Latitude (3 rationals at 80) with denominator 0.
        var tail = [UInt8](repeating: 0, count: 100)
        let gps: [UInt8] = [2, 0,  2, 0, 2, 0, 2, 0, 0, 0, 0x4E, 0, 0, 0,  4, 0, 5, 0, 3, 0, 0, 0, 0x2A, 0, 0, 0, 0, 0, 0, 0]
        tail.replaceSubrange(0..<gps.count, with: gps)
        for k in 0..<6 { tail[16 + 4 * k] = k % 2 == 0 ? 10 : 0 }  // 10/0, 10/0, 10/0 at offset 42
        let tiff = Self.tiff(entries: [(0x8825, 4, 1, 26)], tail: tail)
        let result = ExifReader.read(tiff: tiff)
        XCTAssertNil(result.gps)
    }

    func testMutatedBlocksNeverCrash() throws {
        var spec = Self.fullSpec
        spec.thumbnailJPEG = try ImageEncoder.jpeg(Fixtures.pattern(width: 16, height: 12), quality: 70)
        let valid = [UInt8](try ExifWriter.app1Payload(spec).dropFirst(6))
        var rng = SplitMix64(seed: 7)
        let start = Date()
        for _ in 0..<2000 {
            var bytes = valid
            for _ in 0..<Int(rng.next() % 8 + 1) {
                let i = Int(rng.next() % UInt64(bytes.count))
                bytes[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            _ = ExifReader.read(tiff: Data(bytes))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
    }

    func testCorruptMakerNoteIsNeverParsed() throws {
        // A Canon MakerNote: entry count then 12-byte entries with counts near UINT32_MAX and
        // offsets far past the block (reliability.md §3.4 E3).
        var note: [UInt8] = [3, 0]
        for tag: UInt8 in [1, 2, 4] { note += [tag, 0, 3, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0xF0, 0xFF, 0xFF, 0x7F] }
        note += [0, 0, 0, 0]
        var spec = Self.fullSpec
        spec.makerNote = Data(note)
        let tiff = try ExifWriter.app1Payload(spec).dropFirst(6)
        XCTAssertTrue(ExifReader.libexifParsesMakerNote(tiff: Data(tiff), blank: false), "libexif would parse it")
        XCTAssertFalse(ExifReader.libexifParsesMakerNote(tiff: Data(tiff), blank: true), "blanking stops it")
        let result = ExifReader.read(tiff: Data(tiff))
        XCTAssertEqual(result.makerNotesSkipped, 1)
        XCTAssertEqual(result.bodySerialNumber, "012345678901")
        XCTAssertEqual(result.make, "Canon")
    }

    private func runExiftool(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["exiftool"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "exiftool must be installed (scripts/setup)")
        return data
    }
}

