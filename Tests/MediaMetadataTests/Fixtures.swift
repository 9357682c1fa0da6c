// Synthetic pictures for the MediaMetadata tests: every fixture is generated here.
import ExposureModel
import Foundation
@testable import MediaMetadata

enum Fixtures {
    /// A picture that is different under every rotation and flip: four coloured 16x16
    /// corner blocks (red top-left, green top-right, blue bottom-left, yellow bottom-right)
    /// on grey, with a smooth gradient elsewhere. Blocks are 16-pixel aligned so JPEG
    /// keeps their colours.
    static func asymmetric(width: Int = 64, height: Int = 48) -> RGBImage {
        var image = RGBImage(width: width, height: height, fill: 128)
        for y in 0..<height {
            for x in 0..<width {
                let i = 3 * (y * width + x)
                var c: (UInt8, UInt8, UInt8) = (UInt8(64 + x * 64 / width), UInt8(64 + y * 64 / height), 100)
                let left = x < 16, right = x >= width - 16, top = y < 16, bottom = y >= height - 16
                if top && left { c = (230, 20, 20) }
                if top && right { c = (20, 230, 20) }
                if bottom && left { c = (20, 20, 230) }
                if bottom && right { c = (230, 230, 20) }
                image.pixels[i] = c.0; image.pixels[i + 1] = c.1; image.pixels[i + 2] = c.2
            }
        }
        return image
    }

    /// A smooth test pattern (gradients and a diagonal), different content per seed.
    static func pattern(width: Int, height: Int, seed: Int = 0) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = 3 * (y * width + x)
                pixels[i] = UInt8((x * 255 / max(1, width - 1) + seed * 37) % 256)
                pixels[i + 1] = UInt8((y * 255 / max(1, height - 1) + seed * 91) % 256)
                pixels[i + 2] = UInt8(((x + y) * 255 / max(1, width + height - 2) + seed * 53) % 256)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func meanAbsoluteDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
        precondition(a.width == b.width && a.height == b.height)
        var sum = 0
        for i in 0..<a.pixels.count { sum += abs(Int(a.pixels[i]) - Int(b.pixels[i])) }
        return Double(sum) / Double(max(1, a.pixels.count))
    }

    /// The colour at the centre of the 16x16 block whose top-left corner is (x, y).
    static func blockColour(_ image: RGBImage, x: Int, y: Int) -> (Int, Int, Int) {
        let p = image[x + 8, y + 8]
        return (Int(p.r), Int(p.g), Int(p.b))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    /// A PNG chunk with a correct CRC.
    static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }

    /// A PNG that is only a signature and an IHDR declaring `width` x `height` (68 bytes
    /// in reliability.md §2.2 with a tiny IDAT; here IDAT holds one zlib-compressed row).
    static func pngHeaderOnly(width: UInt32, height: UInt32) -> Data {
        let ihdr = be32(width) + be32(height) + [8, 2, 0, 0, 0]
        // zlib stream of a single empty deflate block: enough to reach the size check.
        let idat: [UInt8] = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + pngChunk("IHDR", ihdr) + pngChunk("IDAT", idat)
                     + pngChunk("IEND", []))
    }

    /// Offset of the first SOFn marker's payload in a JPEG.
    static func sofPayloadOffset(_ jpeg: Data) -> Int? {
        let b = [UInt8](jpeg)
        var p = 2
        while p + 4 < b.count {
            let m = b[p + 1]
            let length = Int(b[p + 2]) << 8 | Int(b[p + 3])
            if m >= 0xC0 && m <= 0xC3 { return p + 4 }
            p += 2 + length
        }
        return nil
    }

    /// A real small JPEG with its SOF patched to `width` x `height` and the scan data cut
    /// off after `keepScanBytes` (the 627-byte 60000x60000 file of reliability.md §2.2).
    static func jpegWithForgedSize(width: Int, height: Int, keepScanBytes: Int = 40) throws -> Data {
        var b = [UInt8](try ImageEncoder.jpeg(pattern(width: 16, height: 16), quality: 80))
        let sof = sofPayloadOffset(Data(b))!
        b[sof + 1] = UInt8(height >> 8); b[sof + 2] = UInt8(height & 0xFF)
        b[sof + 3] = UInt8(width >> 8); b[sof + 4] = UInt8(width & 0xFF)
        let sos = b.indices.first { b[$0] == 0xFF && $0 + 1 < b.count && b[$0 + 1] == 0xDA }!
        return Data(b.prefix(sos + keepScanBytes))
    }
}
