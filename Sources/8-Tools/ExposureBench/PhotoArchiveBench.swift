import ExposureModel
import Foundation
import MediaMetadata

/// `exposure-bench make-photos N DIR [WIDTH HEIGHT]`: a synthetic photo folder for the scan
/// benchmark: N JPEGs with EXIF (capture time across 10 years, GPS around 5 places,
/// camera make/model/serial, an embedded thumbnail on every fourth), seeded and
/// deterministic, so exiftool and Exposure read the same bytes.
enum PhotoArchiveBench {
    static func run(_ args: [String]) throws {
        guard args.count >= 2, let count = Int(args[0]) else {
            print("usage: exposure-bench make-photos N DIR [WIDTH HEIGHT]"); exit(2)
        }
        let dir = URL(fileURLWithPath: args[1])
        let width = args.count > 2 ? Int(args[2]) ?? 1024 : 1024
        let height = args.count > 3 ? Int(args[3]) ?? 768 : 768
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 0xE1F0)
        let places = [(48.8584, 2.2945), (40.7484, -73.9857), (51.5007, -0.1246), (35.6586, 139.7454), (41.8093, -87.5951)]
        // A few base pictures, varied per photo by a cheap colour shift (JPEG sizes stay realistic).
        let bases = (0..<4).map { k in gradient(width: width, height: height, phase: k) }
        let thumb = try ImageEncoder.jpeg(gradient(width: 160, height: 120, phase: 9), quality: 70)
        for i in 0..<count {
            var image = bases[i % bases.count]
            let shift = UInt8(truncatingIfNeeded: rng.next() % 32)
            for p in stride(from: 0, to: image.pixels.count, by: 97) { image.pixels[p] &+= shift }
            let place = places[Int(rng.next() % UInt64(places.count))]
            let jitter = { Double(Int(rng.next() % 2000) - 1000) / 100_000 }
            let time = LocalDateTime(year: 2014 + Int(rng.next() % 10), month: 1 + Int(rng.next() % 12), day: 1 + Int(rng.next() % 28),
                                     hour: Int(rng.next() % 24), minute: Int(rng.next() % 60), second: 0, utcOffsetSeconds: 3600)
            let spec = ExifWriter.Spec(EmbeddedMetadata(captureTime: time, gps: GeoPoint(latitude: place.0 + jitter(), longitude: place.1 + jitter()),
                                                        make: "Canon", model: "EOS R\(i % 3)", bodySerialNumber: "SN\(1000 + i % 7)",
                                                        cameraOwnerName: i % 10 == 0 ? "Pat Example" : nil),
                                       thumbnailJPEG: i % 4 == 0 ? thumb : nil)
            let jpeg = try ImageEncoder.jpeg(image, quality: 85, exif: try ExifWriter.app1Payload(spec))
            let sub = dir.appendingPathComponent(String(format: "%04d", 2014 + i % 10))
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            try jpeg.write(to: sub.appendingPathComponent(String(format: "IMG_%05d.jpg", i)))
        }
        print("wrote \(count) photos of \(width)x\(height) to \(dir.path)")
    }

    static func gradient(width: Int, height: Int, phase: Int) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let i = 3 * (y * width + x)
                image.pixels[i] = UInt8(truncatingIfNeeded: x * 255 / max(1, width) + phase * 40)
                image.pixels[i + 1] = UInt8(truncatingIfNeeded: y * 255 / max(1, height) + phase * 20)
                image.pixels[i + 2] = UInt8(truncatingIfNeeded: (x ^ y) & 0x3F + phase * 30)
            }
        }
        return image
    }
}
