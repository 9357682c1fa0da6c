// Pixel operations on decoded pictures: EXIF orientation, downscaling, grayscale.
import ExposureModel

public enum ImageOps {
    /// Returns the picture as it should be displayed for EXIF orientation 1...8
    /// (other values: unchanged). The stored pixels of orientation 6 are the upright
    /// picture turned 90° counter-clockwise, so displaying turns them 90° clockwise.
    ///
    /// For each display pixel (x, y) the stored pixel it comes from, with W x H the stored size:
    ///   1 (x, y)            2 (W-1-x, y)         3 (W-1-x, H-1-y)      4 (x, H-1-y)
    ///   5 (y, x)            6 (y, H-1-x)         7 (W-1-y, H-1-x)      8 (W-1-y, x)
    public static func applyOrientation(_ image: RGBImage, _ orientation: Int) -> RGBImage {
        guard (2...8).contains(orientation) else { return image }
        let w = image.width, h = image.height
        let swaps = orientation >= 5
        let outW = swaps ? h : w, outH = swaps ? w : h
        var out = [UInt8](repeating: 0, count: outW * outH * 3)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<outH {
                    for x in 0..<outW {
                        let sx: Int, sy: Int
                        switch orientation {
                        case 2: sx = w - 1 - x; sy = y
                        case 3: sx = w - 1 - x; sy = h - 1 - y
                        case 4: sx = x; sy = h - 1 - y
                        case 5: sx = y; sy = x
                        case 6: sx = y; sy = h - 1 - x
                        case 7: sx = w - 1 - y; sy = h - 1 - x
                        default: sx = w - 1 - y; sy = x  // 8
                        }
                        let s = 3 * (sy * w + sx), d = 3 * (y * outW + x)
                        dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }

    /// Box-filter downscale by an integer factor; the last row/column box may be partial,
    /// so the size is ceil(size / factor), like libjpeg's DCT scaling.
    public static func boxDownscale(_ image: RGBImage, by factor: Int) -> RGBImage {
        guard factor > 1, image.width > 0, image.height > 0 else { return image }
        let outW = (image.width + factor - 1) / factor, outH = (image.height + factor - 1) / factor
        var out = [UInt8](repeating: 0, count: outW * outH * 3)
        for oy in 0..<outH {
            let y0 = oy * factor, y1 = min(y0 + factor, image.height)
            for ox in 0..<outW {
                let x0 = ox * factor, x1 = min(x0 + factor, image.width)
                var r = 0, g = 0, b = 0
                for y in y0..<y1 {
                    for x in x0..<x1 {
                        let i = 3 * (y * image.width + x)
                        r += Int(image.pixels[i]); g += Int(image.pixels[i + 1]); b += Int(image.pixels[i + 2])
                    }
                }
                let n = (y1 - y0) * (x1 - x0), o = 3 * (oy * outW + ox)
                out[o] = UInt8((r + n / 2) / n); out[o + 1] = UInt8((g + n / 2) / n); out[o + 2] = UInt8((b + n / 2) / n)
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }

    /// Grayscale (Rec. 601 luma) resampled to size x size by area averaging over the
    /// source rectangle `crop` (x, y, width, height in source pixels).
    static func grayThumbnail(_ image: RGBImage, size: Int,
                              crop: (x: Double, y: Double, width: Double, height: Double)? = nil) -> [Double] {
        let region = crop ?? (0, 0, Double(image.width), Double(image.height))
        var out = [Double](repeating: 0, count: size * size)
        for ty in 0..<size {
            let y0 = Int(region.y + region.height * Double(ty) / Double(size))
            let y1 = max(y0 + 1, Int(region.y + region.height * Double(ty + 1) / Double(size)))
            for tx in 0..<size {
                let x0 = Int(region.x + region.width * Double(tx) / Double(size))
                let x1 = max(x0 + 1, Int(region.x + region.width * Double(tx + 1) / Double(size)))
                var sum = 0.0, n = 0
                for y in max(0, y0)..<min(image.height, y1) {
                    for x in max(0, x0)..<min(image.width, x1) {
                        let i = 3 * (y * image.width + x)
                        sum += 0.299 * Double(image.pixels[i]) + 0.587 * Double(image.pixels[i + 1]) + 0.114 * Double(image.pixels[i + 2])
                        n += 1
                    }
                }
                out[ty * size + tx] = n > 0 ? sum / Double(n) : 0
            }
        }
        return out
    }
}
