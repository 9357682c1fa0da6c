import ExposureModel
import Foundation

/// Distinct generated photos and the changes a re-post makes to one (for the perceptual-linkage
/// tests and `exposure-bench linkage`). Seeded and deterministic.
///
/// A scene is a two-colour gradient at a random angle, 6-16 flat shapes (ellipses, rectangles,
/// bands across the picture at a random angle) of random colour, place and size (5-40% of the
/// picture), and value-noise texture at two scales: different seeds give different layouts and
/// detail at every scale, as different photos have. (An earlier version drew 4-10 shapes of up to
/// 60% with full-height bands: two of its pictures could be a few vertical stripes each, which
/// then looked alike at thumbnail size; no photo looks like that.)
public enum SyntheticScenes {
    public static func scene(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var rng = SplitMix64(seed: seed)
        func unit() -> Double { Double(rng.next() % 1_000_000) / 1_000_000 }
        func colour() -> (Double, Double, Double) { (unit() * 255, unit() * 255, unit() * 255) }
        var r = [Double](repeating: 0, count: width * height), g = r, b = r
        // Gradient.
        let angle = unit() * 2 * Double.pi, (c0, c1) = (colour(), colour())
        let dx = cos(angle), dy = sin(angle)
        for y in 0..<height {
            for x in 0..<width {
                let t = max(0, min(1, 0.5 + (Double(x) / Double(width) - 0.5) * dx + (Double(y) / Double(height) - 0.5) * dy))
                let i = y * width + x
                r[i] = c0.0 + (c1.0 - c0.0) * t; g[i] = c0.1 + (c1.1 - c0.1) * t; b[i] = c0.2 + (c1.2 - c0.2) * t
            }
        }
        // Shapes.
        let side = Double(min(width, height))
        for _ in 0..<(6 + Int(rng.next() % 11)) {
            let kind = rng.next() % 3, c = colour()
            let cx = unit() * Double(width), cy = unit() * Double(height)
            let sw = (0.05 + 0.35 * unit()) * Double(width) / 2, sh = (0.05 + 0.35 * unit()) * Double(height) / 2
            if kind == 2 {
                // A band across the picture: points within half its thickness of a line through (cx, cy).
                let theta = unit() * Double.pi, nx = -sin(theta), ny = cos(theta)
                let half = (0.02 + 0.08 * unit()) * side
                for y in 0..<height {
                    for x in 0..<width where abs((Double(x) - cx) * nx + (Double(y) - cy) * ny) <= half {
                        let i = y * width + x
                        r[i] = c.0; g[i] = c.1; b[i] = c.2
                    }
                }
                continue
            }
            let x0 = max(0, Int(cx - sw)), x1 = min(width, Int(cx + sw) + 1)
            let y0 = max(0, Int(cy - sh)), y1 = min(height, Int(cy + sh) + 1)
            guard x1 > x0, y1 > y0 else { continue }
            for y in y0..<y1 {
                for x in x0..<x1 {
                    if kind == 0 {
                        let u = (Double(x) - cx) / sw, v = (Double(y) - cy) / sh
                        if u * u + v * v > 1 { continue }
                    }
                    let i = y * width + x
                    r[i] = c.0; g[i] = c.1; b[i] = c.2
                }
            }
        }
        // Texture: value noise at a coarse and a fine random cell size.
        let coarse = Lattice(width: width, height: height, cell: max(8, Int(side * (0.05 + 0.15 * unit()))), rng: &rng)
        let fine = Lattice(width: width, height: height, cell: 3 + Int(rng.next() % 10), rng: &rng)
        let coarseAmplitude = 20 + unit() * 40, fineAmplitude = 5 + unit() * 25
        var out = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let n = coarseAmplitude * coarse.at(x, y) + fineAmplitude * fine.at(x, y)
                let i = y * width + x, o = 3 * i
                out.pixels[o] = clamp(r[i] + n)
                out.pixels[o + 1] = clamp(g[i] + n)
                out.pixels[o + 2] = clamp(b[i] + n)
            }
        }
        return out
    }

    /// Value noise: random values (-0.5...0.5) on a lattice every `cell` pixels, bilinearly interpolated.
    struct Lattice {
        let cell: Int, cols: Int, values: [Double]
        init(width: Int, height: Int, cell: Int, rng: inout SplitMix64) {
            self.cell = cell; cols = width / cell + 2
            values = (0..<(cols * (height / cell + 2))).map { _ in Double(rng.next() % 1_000_000) / 1_000_000 - 0.5 }
        }
        func at(_ x: Int, _ y: Int) -> Double {
            let gx = x / cell, gy = y / cell
            let fx = Double(x % cell) / Double(cell), fy = Double(y % cell) / Double(cell)
            return (values[gy * cols + gx] * (1 - fx) + values[gy * cols + gx + 1] * fx) * (1 - fy)
                + (values[(gy + 1) * cols + gx] * (1 - fx) + values[(gy + 1) * cols + gx + 1] * fx) * fy
        }
    }

    /// What a re-post does to a photo, before the platform's JPEG re-encoding (`jpegQuality`).
    public struct Repost: Sendable, CustomStringConvertible {
        /// Resize factor of each side (0.25...1).
        public var scale: Double
        /// Fraction of each side kept by the crop (0.85...1) and where the crop starts (0...1 of the slack).
        public var keptWidth: Double, keptHeight: Double, offsetX: Double, offsetY: Double
        public var filter: Filter
        public var jpegQuality: Int
        public init(scale: Double, keptWidth: Double, keptHeight: Double, offsetX: Double, offsetY: Double,
                    filter: Filter, jpegQuality: Int) {
            self.scale = scale; self.keptWidth = keptWidth; self.keptHeight = keptHeight
            self.offsetX = offsetX; self.offsetY = offsetY; self.filter = filter; self.jpegQuality = jpegQuality
        }
        public var description: String {
            String(format: "scale %.2f, crop %.2fx%.2f at (%.2f, %.2f), %@, JPEG q%d",
                   scale, keptWidth, keptHeight, offsetX, offsetY, filter.rawValue, jpegQuality)
        }

        /// Random parameters in the ranges above.
        public static func random(_ rng: inout SplitMix64) -> Repost {
            func unit() -> Double { Double(rng.next() % 1_000_000) / 1_000_000 }
            return Repost(scale: 0.25 + 0.75 * unit(), keptWidth: 0.85 + 0.15 * unit(), keptHeight: 0.85 + 0.15 * unit(),
                          offsetX: unit(), offsetY: unit(), filter: Filter.allCases[Int(rng.next() % UInt64(Filter.allCases.count))],
                          jpegQuality: 50 + Int(rng.next() % 46))
        }

        /// The photo resized, cropped and filtered (the JPEG step is the caller's: the encoder is not a model type).
        public func apply(_ image: RGBImage) -> RGBImage {
            let w = max(1, Int((Double(image.width) * scale).rounded())), h = max(1, Int((Double(image.height) * scale).rounded()))
            let resized = SyntheticScenes.areaResize(image, width: w, height: h)
            let cw = max(1, Int(Double(w) * keptWidth)), ch = max(1, Int(Double(h) * keptHeight))
            let x0 = Int(Double(w - cw) * offsetX), y0 = Int(Double(h - ch) * offsetY)
            var cropped = RGBImage(width: cw, height: ch)
            for y in 0..<ch {
                let s = 3 * ((y + y0) * w + x0), d = 3 * y * cw
                cropped.pixels.replaceSubrange(d..<(d + 3 * cw), with: resized.pixels[s..<(s + 3 * cw)])
            }
            return filter.apply(cropped)
        }
    }

    /// Mild colour filters, like a photo app's presets.
    public enum Filter: String, CaseIterable, Sendable {
        case none, warm, cool, saturate, desaturate, brighten, darken, contrast, fade
        public func apply(_ image: RGBImage) -> RGBImage {
            var out = image
            for p in stride(from: 0, to: out.pixels.count, by: 3) {
                var r = Double(out.pixels[p]), g = Double(out.pixels[p + 1]), b = Double(out.pixels[p + 2])
                let luma = 0.299 * r + 0.587 * g + 0.114 * b
                switch self {
                case .none: break
                case .warm: r *= 1.08; b *= 0.90
                case .cool: r *= 0.92; b *= 1.08
                case .saturate: r = luma + (r - luma) * 1.3; g = luma + (g - luma) * 1.3; b = luma + (b - luma) * 1.3
                case .desaturate: r = luma + (r - luma) * 0.6; g = luma + (g - luma) * 0.6; b = luma + (b - luma) * 0.6
                case .brighten: r *= 1.12; g *= 1.12; b *= 1.12
                case .darken: r *= 0.88; g *= 0.88; b *= 0.88
                case .contrast: r = 128 + (r - 128) * 1.15; g = 128 + (g - 128) * 1.15; b = 128 + (b - 128) * 1.15
                case .fade: r = 30 + r * 0.85; g = 30 + g * 0.85; b = 30 + b * 0.85
                }
                out.pixels[p] = clamp(r); out.pixels[p + 1] = clamp(g); out.pixels[p + 2] = clamp(b)
            }
            return out
        }
    }

    /// Area-average resize (each output pixel the mean of the source pixels it covers, whole pixels).
    public static func areaResize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        var out = RGBImage(width: width, height: height)
        for oy in 0..<height {
            let y0 = oy * image.height / height, y1 = max(y0 + 1, (oy + 1) * image.height / height)
            for ox in 0..<width {
                let x0 = ox * image.width / width, x1 = max(x0 + 1, (ox + 1) * image.width / width)
                var s = (0, 0, 0)
                for y in y0..<y1 {
                    for x in x0..<x1 {
                        let i = 3 * (y * image.width + x)
                        s.0 += Int(image.pixels[i]); s.1 += Int(image.pixels[i + 1]); s.2 += Int(image.pixels[i + 2])
                    }
                }
                let n = (y1 - y0) * (x1 - x0), o = 3 * (oy * width + ox)
                out.pixels[o] = UInt8(s.0 / n); out.pixels[o + 1] = UInt8(s.1 / n); out.pixels[o + 2] = UInt8(s.2 / n)
            }
        }
        return out
    }

    static func clamp(_ v: Double) -> UInt8 { UInt8(max(0, min(255, v.rounded()))) }
}
