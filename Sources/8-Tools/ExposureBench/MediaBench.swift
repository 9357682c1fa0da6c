// exposure-bench media: metadata-scan speed of MediaInspector against ExifTool, on the
// same synthetic photos, in the same run.
//
//   exposure-bench media [--count 5000] [--width 1600] [--height 1200] [--runs 3] [--no-thumbnail-check]
//
// Photos: 8 base pictures encoded once, then per file a fresh EXIF block (time, GPS, make,
// model, serials, owner) spliced in after SOI; every 2nd file carries an EXIF thumbnail
// (every 10th a stale one, from another base picture), every 5th an XMP packet with MWG
// face regions. Ours: read each file and MediaInspector.inspect it, one thread (the
// thumbnail check decodes the main JPEG with DCT scaling). Peer: one `exiftool -json -n`
// process over the folder (batch mode, its fastest usage), output discarded.
// Prints the median of --runs for each and the ratio.
// Needs `"media": MediaBench.run,` in main.swift's registry (main.swift is the lead's file).
//
// Measured 2026-11-27 on the shared 2-core box (load ~25, so absolute rates are low):
//   5000 photos 1024x768, thumbnail check on:  MediaInspector 201 files/s, exiftool 20 files/s: 10.0x
//   1000 photos 1024x768, --no-thumbnail-check: MediaInspector 1180 files/s, exiftool 18 files/s: 65x
import ExposureModel
import Foundation
import MediaMetadata

enum MediaBench {
    static func run(_ args: [String]) throws {
        func option(_ name: String, _ fallback: Int) -> Int {
            guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return fallback }
            return v
        }
        let count = option("--count", 5000), width = option("--width", 1600), height = option("--height", 1200)
        let runs = option("--runs", 3)
        let compare = !args.contains("--no-thumbnail-check")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exposure-media-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        print("media: generating \(count) photos \(width)x\(height) ...")
        let bases = try (0..<8).map { seed -> (jpeg: Data, thumb: Data) in
            let image = pattern(width: width, height: height, seed: seed)
            let thumb = try ImageEncoder.jpeg(downscale(image, to: 160), quality: 75)
            return (try ImageEncoder.jpeg(image, quality: 88), thumb)
        }
        var bytes = 0
        for i in 0..<count {
            let base = bases[i % 8]
            var spec = ExifWriter.Spec(EmbeddedMetadata(
                orientation: [1, 1, 1, 6, 8][i % 5],
                captureTime: LocalDateTime(year: 2015 + i % 9, month: 1 + i % 12, day: 1 + i % 28, hour: i % 24,
                                           minute: i % 60, second: (i * 7) % 60, utcOffsetSeconds: 3600 * (i % 5 - 2)),
                gps: GeoPoint(latitude: -60 + Double(i % 1200) / 10, longitude: -170 + Double(i % 3400) / 10, altitude: Double(i % 900)),
                make: "Canon", model: "Canon EOS \(i % 7)D", bodySerialNumber: String(format: "%012d", i),
                lensSerialNumber: "L\(i)", cameraOwnerName: "Owner \(i % 13)", software: "bench"))
            if i % 2 == 0 { spec.thumbnailJPEG = i % 10 == 0 ? bases[(i + 3) % 8].thumb : base.thumb }
            var file = Data(base.jpeg.prefix(2))
            file += segment(0xE1, try ExifWriter.app1Payload(spec))
            if i % 5 == 0 {
                let xmp = XMPWriter.packet(faceRegions: [FaceRegion(name: "Person \(i % 17)", centerX: 0.5, centerY: 0.4, width: 0.2, height: 0.25)],
                                           personInImage: ["Person \(i % 17)"])
                file += segment(0xE1, Data("http://ns.adobe.com/xap/1.0/".utf8) + Data([0]) + Data(xmp.utf8))
            }
            file += base.jpeg.dropFirst(2)
            bytes += file.count
            try file.write(to: dir.appendingPathComponent(String(format: "IMG_%05d.jpg", i)))
        }
        print(String(format: "media: %d files, %.1f MB", count, Double(bytes) / 1e6))

        let files = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil).sorted { $0.path < $1.path }
        var ours: [Double] = [], peer: [Double] = []
        var checksum = (gps: 0, stale: 0, regions: 0, unreadable: 0)
        let options = MediaInspector.Options(compareThumbnail: compare)
        for _ in 0..<runs {
            let start = Date()
            checksum = (0, 0, 0, 0)
            for url in files {
                let data = try Data(contentsOf: url)
                let result = MediaInspector.inspect(data, filename: url.lastPathComponent, options: options)
                if result.metadata.gps != nil { checksum.gps += 1 }
                if result.metadata.thumbnailDiffers == true { checksum.stale += 1 }
                checksum.regions += result.metadata.faceRegions.count
                if result.unreadableReason != nil { checksum.unreadable += 1 }
            }
            ours.append(Date().timeIntervalSince(start))

            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["exiftool", "-json", "-n", "-q", dir.path]
            process.standardOutput = FileHandle.nullDevice
            let peerStart = Date()
            try process.run()
            process.waitUntilExit()
            peer.append(Date().timeIntervalSince(peerStart))
        }
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
        let oursRate = Double(count) / median(ours), peerRate = Double(count) / median(peer)
        print("media: found gps=\(checksum.gps) staleThumbnails=\(checksum.stale) faceRegions=\(checksum.regions) unreadable=\(checksum.unreadable)")
        print(String(format: "media: MediaInspector %.0f files/s (median of %d: %.2f s)%@", oursRate, runs, median(ours),
                     compare ? "" : " [thumbnail check off]"))
        print(String(format: "media: exiftool -json  %.0f files/s (median of %d: %.2f s)", peerRate, runs, median(peer)))
        print(String(format: "media: ratio %.1fx", oursRate / peerRate))
    }

    static func segment(_ marker: UInt8, _ payload: Data) -> Data {
        let length = payload.count + 2
        return Data([0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)]) + payload
    }

    static func pattern(width: Int, height: Int, seed: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = 3 * (y * width + x)
                let wave = (x * (seed + 3) / 7 + y * (11 - seed) / 5) & 0xFF
                pixels[i] = UInt8((x * 255 / width + seed * 29) & 0xFF)
                pixels[i + 1] = UInt8(wave)
                pixels[i + 2] = UInt8((y * 255 / height + (x ^ y) / 16) & 0xFF)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func downscale(_ image: RGBImage, to targetWidth: Int) -> RGBImage {
        let factor = max(1, image.width / targetWidth)
        return ImageOps.boxDownscale(image, by: factor)
    }
}
