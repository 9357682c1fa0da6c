// Perceptual hashes: the same photo re-posted elsewhere (recompressed, resized, cropped, a
// colour filter) has different bytes but nearly the same hash.
//
// The hash is the 64-bit DCT hash ("pHash", as the imagehash library computes it): luma
// area-averaged to 32x32, the 2-D DCT-II, the 8x8 lowest frequencies, one bit per
// coefficient set when it exceeds their median. A global brightness or contrast change moves
// the DC term and scales the rest, which leaves the bits as they were; JPEG loss and resizing
// touch the high frequencies that are not kept.
//
// A crop moves and scales everything, so besides the whole picture each photo is also hashed
// over windows (`PerceptualFingerprint.windows`): the sub-rectangles that a crop of up to 15% of
// each side resembles. A crop of photo A then matches one of A's windows. The hashes only find
// candidates; the 32x32 luma grid kept beside them confirms one (ExposureAnalysis.NearDuplicates).
import ExposureModel
import Foundation

public enum PerceptualHash {
    /// Side of the luma grid the DCT runs on.
    static let grid = 32
    /// Side of the block of lowest frequencies kept (64 bits).
    static let kept = 8

    /// The picture's fingerprint: hashes of the whole picture and of every
    /// `PerceptualFingerprint.windows`, and its 32x32 luma grid. Nil for an empty picture or a
    /// featureless one (luma spread under 2 levels: nothing to recognise it by).
    ///
    /// Every grid cell is the mean luma of the whole pixels it covers, as `ImageOps.grayThumbnail`
    /// computes it (`fingerprintReference`), read from a summed-area table: 19 grids cost
    /// 19 x 1,024 lookups instead of 19 passes over the picture.
    public static func fingerprint(of image: RGBImage) -> PerceptualFingerprint? {
        guard image.width > 0, image.height > 0 else { return nil }
        let table = LumaTable(image)
        let w = Double(image.width), h = Double(image.height)
        let whole = table.grid(size: grid, crop: (0, 0, w, h))
        guard spread(whole) >= 2 else { return nil }
        let hashes = PerceptualFingerprint.windows.map { window -> UInt64 in
            window == .whole ? hash(ofGray: whole)
                : hash(ofGray: table.grid(size: grid, crop: (window.x * w, window.y * h, window.width * w, window.height * h)))
        }
        return PerceptualFingerprint(hashes: hashes, grid: whole.map { UInt8(max(0, min(255, $0.rounded()))) })
    }

    /// The same fingerprint with every grid from `ImageOps.grayThumbnail` (a pass over the
    /// picture each): the reference `fingerprint(of:)` is tested against.
    static func fingerprintReference(of image: RGBImage) -> PerceptualFingerprint? {
        guard image.width > 0, image.height > 0 else { return nil }
        let w = Double(image.width), h = Double(image.height)
        let whole = ImageOps.grayThumbnail(image, size: grid)
        guard spread(whole) >= 2 else { return nil }
        let hashes = PerceptualFingerprint.windows.map { window -> UInt64 in
            window == .whole ? hash(ofGray: whole)
                : hash(ofGray: ImageOps.grayThumbnail(image, size: grid, crop: (window.x * w, window.y * h, window.width * w, window.height * h)))
        }
        return PerceptualFingerprint(hashes: hashes, grid: whole.map { UInt8(max(0, min(255, $0.rounded()))) })
    }

    static func spread(_ v: [Double]) -> Double {
        let mean = v.reduce(0, +) / Double(v.count)
        return (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)).squareRoot()
    }

    /// Rec. 601 luma summed over every rectangle from the origin: `sums[(y) * (W + 1) + x]` is the
    /// sum over rows < y and columns < x.
    struct LumaTable {
        let width: Int, height: Int
        var sums: [Double]
        init(_ image: RGBImage) {
            width = image.width; height = image.height
            let stride = width + 1
            sums = [Double](repeating: 0, count: stride * (height + 1))
            image.pixels.withUnsafeBufferPointer { px in
                sums.withUnsafeMutableBufferPointer { s in
                    for y in 0..<height {
                        var row = 0.0
                        for x in 0..<width {
                            let i = 3 * (y * width + x)
                            row += 0.299 * Double(px[i]) + 0.587 * Double(px[i + 1]) + 0.114 * Double(px[i + 2])
                            s[(y + 1) * stride + x + 1] = s[y * stride + x + 1] + row
                        }
                    }
                }
            }
        }

        /// `ImageOps.grayThumbnail`'s cells (the same whole-pixel bounds), each from four lookups.
        func grid(size: Int, crop region: (x: Double, y: Double, width: Double, height: Double)) -> [Double] {
            var out = [Double](repeating: 0, count: size * size)
            let stride = width + 1
            for ty in 0..<size {
                let y0 = Int(region.y + region.height * Double(ty) / Double(size))
                let y1 = max(y0 + 1, Int(region.y + region.height * Double(ty + 1) / Double(size)))
                let top = max(0, y0), bottom = min(height, y1)
                for tx in 0..<size {
                    let x0 = Int(region.x + region.width * Double(tx) / Double(size))
                    let x1 = max(x0 + 1, Int(region.x + region.width * Double(tx + 1) / Double(size)))
                    let left = max(0, x0), right = min(width, x1)
                    guard bottom > top, right > left else { continue }
                    let sum = sums[bottom * stride + right] - sums[top * stride + right] - sums[bottom * stride + left] + sums[top * stride + left]
                    out[ty * size + tx] = sum / Double((bottom - top) * (right - left))
                }
            }
            return out
        }
    }

    /// The fingerprint of an encoded picture as the scan computes it (`MediaInspector`: decoded
    /// upright at the smallest DCT scale, 1/8 at most, that keeps its short side at 64 pixels or
    /// more; a JPEG's reduced decode skips most of the IDCT).
    public static func fingerprint(ofEncoded data: Data, width: Int, height: Int,
                                   maxPixels: Int = ImageDecoder.defaultMaxPixels) throws -> PerceptualFingerprint? {
        let format = MediaSniffer.format(of: data)
        let scale = MediaInspector.reductionScale(format: format, size: (width, height))
        return fingerprint(of: try ImageDecoder.decode(data, maxPixels: maxPixels, scaleDenominator: scale))
    }

    /// cos((2x + 1) u pi / 64) for the kept frequencies u < 8 and x < 32.
    static let cosines: [Double] = (0..<kept).flatMap { u -> [Double] in
        (0..<grid).map { x -> Double in
            let angle = Double(2 * x + 1) * Double(u) * Double.pi / Double(2 * grid)
            return cos(angle)
        }
    }

    /// The hash of a 32x32 luma grid (row-major). Bit 8u + v is coefficient (u, v): u the
    /// vertical frequency, v the horizontal one.
    public static func hash(ofGray gray: [Double]) -> UInt64 {
        precondition(gray.count == grid * grid, "hash(ofGray:) needs a \(grid)x\(grid) grid")
        let coefficients = lowFrequencies(gray)
        let sorted = coefficients.sorted()
        let median = (sorted[31] + sorted[32]) / 2
        var bits: UInt64 = 0
        for (i, c) in coefficients.enumerated() where c > median { bits |= 1 << UInt64(i) }
        return bits
    }

    /// The 8x8 lowest DCT-II coefficients (unnormalized, as scipy's default): rows first
    /// (32 rows x 8 horizontal frequencies), then columns.
    static func lowFrequencies(_ gray: [Double]) -> [Double] {
        var rows = [Double](repeating: 0, count: grid * kept)    // [y][v]
        for y in 0..<grid {
            for v in 0..<kept {
                var s = 0.0
                for x in 0..<grid { s += cosines[v * grid + x] * gray[y * grid + x] }
                rows[y * kept + v] = s
            }
        }
        var out = [Double](repeating: 0, count: kept * kept)     // [u][v]
        for u in 0..<kept {
            for v in 0..<kept {
                var s = 0.0
                for y in 0..<grid { s += cosines[u * grid + y] * rows[y * kept + v] }
                out[u * kept + v] = s
            }
        }
        return out
    }

    /// The same coefficients straight from the definition (a double sum per coefficient):
    /// the reference the separable version is tested against.
    static func lowFrequenciesReference(_ gray: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: kept * kept)
        for u in 0..<kept {
            for v in 0..<kept {
                var s = 0.0
                for y in 0..<grid {
                    for x in 0..<grid {
                        let vertical: Double = cos(Double.pi * Double(u) * Double(2 * y + 1) / 64)
                        let horizontal: Double = cos(Double.pi * Double(v) * Double(2 * x + 1) / 64)
                        s += gray[y * grid + x] * vertical * horizontal
                    }
                }
                out[u * kept + v] = s
            }
        }
        return out
    }
}
