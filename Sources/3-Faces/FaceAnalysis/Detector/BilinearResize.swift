import ExposureModel
import NeuralNet

/// dlib's `resize_image` with bilinear interpolation, reproduced bit for bit.
///
/// dlib stretches the whole source over the whole destination ("align corners":
/// `scale = (in - 1) / max(out - 1, 1)`). On x86 builds it computes four columns at a time with
/// SSE, with the column positions accumulated in float32, and finishes the last few columns with
/// a double-precision scalar loop [dlib/image_transforms/interpolation.h:694-795]. The two paths
/// round differently, so both are emulated here: the detector's pyramid levels and the upsampled
/// image must match dlib exactly for the boxes to match exactly.
enum BilinearResize {
    /// Where each destination column samples the source; the same for every row and channel.
    struct ColumnPlan {
        /// Columns `0 ..< simdCount` take the SIMD path.
        var simdCount: Int
        var left: [Int]
        var fraction: [Float]            // lr = x - left, in float
        var oneMinusFraction: [Float]    // 1 - lr, in float
        /// Source x of each remaining column, accumulated in double.
        var tailX: [Double]
    }

    static func columnPlan(inCols: Int, outCols: Int) -> ColumnPlan {
        let xScale = Double(inCols - 1) / Double(max(outCols - 1, 1))
        let start = -4 * xScale
        // _mm_set_ps of double expressions: each lane rounded to float once.
        var lanes: SIMD4<Float> = [Float(start), Float(start + xScale), Float(start + 2 * xScale), Float(start + 3 * xScale)]
        let step = Float(4 * xScale)
        var xs: [Float] = []
        xs.reserveCapacity(outCols + 4)
        var c = 0
        while true {
            lanes = lanes + SIMD4(repeating: step)
            // _mm_cvttps_epi32 truncates; the loop stops once lane 3's right neighbour leaves the image.
            if Int(Int32(lanes[3].rounded(.towardZero))) + 1 >= inCols { break }
            if c >= outCols + 1 { break }
            xs.append(contentsOf: [lanes[0], lanes[1], lanes[2], lanes[3]])
            c += 4
        }
        let simdCount = min(xs.count, outCols)
        var plan = ColumnPlan(simdCount: simdCount, left: [], fraction: [], oneMinusFraction: [], tailX: [])
        plan.left.reserveCapacity(simdCount)
        plan.fraction.reserveCapacity(simdCount)
        plan.oneMinusFraction.reserveCapacity(simdCount)
        for j in 0..<simdCount {
            let x = xs[j]
            let left = Int(Int32(x.rounded(.towardZero)))
            let lr = x - Float(left)
            plan.left.append(left)
            plan.fraction.append(lr)
            plan.oneMinusFraction.append(1 - lr)
        }
        var x = -xScale + Double(simdCount) * xScale
        for _ in simdCount..<max(outCols, simdCount) {
            x += xScale
            plan.tailX.append(x)
        }
        return plan
    }

    /// The first source column destination column `j` reads (it also reads the next one).
    static func sourceColumn(_ j: Int, plan: ColumnPlan) -> Int {
        j < plan.simdCount ? plan.left[j] : Int(plan.tailX[j - plan.simdCount].rounded(.down))
    }

    /// Source y of each destination row. dlib accumulates `y += y_scale` row by row in double;
    /// the sum is computed here once so rows can then be split across threads.
    static func rowPositions(inRows: Int, outRows: Int) -> [Double] {
        let yScale = Double(inRows - 1) / Double(max(outRows - 1, 1))
        var y = -yScale
        return (0..<outRows).map { _ in y += yScale; return y }
    }

    /// Resizes one float plane: `src` is `inRows x inCols` with row stride `srcStride`, `dst` is
    /// `outRows x outCols` with row stride `dstStride` (float image -> float image, dlib's SSE path).
    static func resizePlane(_ src: UnsafePointer<Float>, inRows: Int, inCols: Int, srcStride: Int,
                            into dst: UnsafeMutablePointer<Float>, outRows: Int, outCols: Int, dstStride: Int,
                            plan: ColumnPlan) {
        let ys = rowPositions(inRows: inRows, outRows: outRows)
        resizePlaneRows(0..<outRows, src, inRows: inRows, inCols: inCols, srcStride: srcStride,
                        into: dst, dstStride: dstStride, plan: plan, rowPositions: ys)
    }

    /// Destination rows `rows` of `resizePlane` (row positions from `rowPositions`).
    static func resizePlaneRows(_ rows: Range<Int>, _ src: UnsafePointer<Float>, inRows: Int, inCols: Int, srcStride: Int,
                                into dst: UnsafeMutablePointer<Float>, dstStride: Int,
                                plan: ColumnPlan, rowPositions ys: [Double]) {
        guard !rows.isEmpty, inRows > 0, inCols > 0 else { return }
        let n = plan.simdCount
        plan.left.withUnsafeBufferPointer { left in
        plan.fraction.withUnsafeBufferPointer { lr in
        plan.oneMinusFraction.withUnsafeBufferPointer { invLr in
        plan.tailX.withUnsafeBufferPointer { tailX in
            for r in rows {
                let y = ys[r]
                let top = Int(y.rounded(.down))
                let bottom = min(top + 1, inRows - 1)
                let tb = y - Double(top)
                let tbf = Float(tb)
                let itbf = Float(1 - tb)
                let topRow = src + top * srcStride
                let bottomRow = src + bottom * srcStride
                let out = dst + r * dstStride
                for j in 0..<n {
                    let l = left[j]
                    let tl = itbf * invLr[j], tr = itbf * lr[j]
                    let bl = tbf * invLr[j], br = tbf * lr[j]
                    // Same association as dlib's _mm_add_ps chain; Swift does not contract to FMA.
                    var v = tl * topRow[l] + tr * topRow[l + 1]
                    v = v + bl * bottomRow[l]
                    v = v + br * bottomRow[l + 1]
                    out[j] = v
                }
                for (k, x) in tailX.enumerated() {
                    let l = Int(x.rounded(.down))
                    let rr = min(l + 1, inCols - 1)
                    let lrf = Float(x - Double(l))
                    let a = (1 - lrf) * topRow[l] + lrf * topRow[rr]
                    let b = (1 - lrf) * bottomRow[l] + lrf * bottomRow[rr]
                    out[n + k] = Float((1 - tb) * Double(a) + tb * Double(b))
                }
            }
        }}}}
    }

    /// One channel of one pixel on dlib's SSE path: the four neighbours (`top[0]`, `top[3]`,
    /// `bottom[0]`, `bottom[3]` of interleaved RGB) weighted and truncated to uint8.
    @inline(__always)
    static func simdPathSample(_ top: UnsafePointer<UInt8>, _ bottom: UnsafePointer<UInt8>,
                               tl: Float, tr: Float, bl: Float, br: Float) -> UInt8 {
        var v = tl * Float(top[0]) + tr * Float(top[3])
        v = v + bl * Float(bottom[0])
        v = v + br * Float(bottom[3])
        return UInt8(truncatingIfNeeded: Int32(v))
    }

    /// One channel of one pixel on dlib's scalar tail path (double precision), truncated to uint8.
    @inline(__always)
    static func tailPathSample(_ top: UnsafePointer<UInt8>, _ bottom: UnsafePointer<UInt8>, left: Int, right: Int,
                               lr: Double, tb: Double) -> UInt8 {
        let tl = Double(top[left]), tr = Double(top[right]), bl = Double(bottom[left]), br = Double(bottom[right])
        let v = (1 - tb) * ((1 - lr) * tl + lr * tr) + tb * ((1 - lr) * bl + lr * br)
        return UInt8(truncatingIfNeeded: Int64(v))
    }

    /// Columns `columns` of destination row `r` of `resize(image, ...)`, channel `ch`, into `out`
    /// as `(value - average) / 256` (the detector's input normalisation): the same uint8 values
    /// `resize` produces, without the resized image.
    static func normalizedRow(_ r: Int, channel ch: Int, columns: Range<Int>, of image: UnsafeBufferPointer<UInt8>,
                              inRows: Int, inCols: Int, plan: ColumnPlan, rowPositions ys: [Double],
                              average: Float, into out: UnsafeMutablePointer<Float>) {
        let y = ys[r]
        let top = Int(y.rounded(.down)), bottom = min(top + 1, inRows - 1)
        let tb = y - Double(top)
        let tbf = Float(tb), itbf = Float(1 - tb)
        let topRow = image.baseAddress! + top * inCols * 3 + ch, bottomRow = image.baseAddress! + bottom * inCols * 3 + ch
        let n = plan.simdCount
        plan.left.withUnsafeBufferPointer { left in
        plan.fraction.withUnsafeBufferPointer { fraction in
        plan.oneMinusFraction.withUnsafeBufferPointer { inverse in
            for j in columns.clamped(to: 0..<n) {
                let l = 3 * left[j]
                let v = simdPathSample(topRow + l, bottomRow + l, tl: itbf * inverse[j], tr: itbf * fraction[j],
                                       bl: tbf * inverse[j], br: tbf * fraction[j])
                out[j] = (Float(v) - average) / 256
            }
        }}}
        for j in columns.clamped(to: n..<(n + plan.tailX.count)) {
            let x = plan.tailX[j - n]
            let l = Int(x.rounded(.down)), rr = min(l + 1, inCols - 1)
            let v = tailPathSample(topRow, bottomRow, left: 3 * l, right: 3 * rr, lr: x - Double(l), tb: tb)
            out[j] = (Float(v) - average) / 256
        }
    }

    /// `resize_image` for an RGB image: the same sampling, each channel truncated to uint8.
    static func resize(_ image: RGBImage, rows outRows: Int, cols outCols: Int) -> RGBImage {
        let inRows = image.height, inCols = image.width
        var out = [UInt8](repeating: 0, count: outRows * outCols * 3)
        guard outRows > 0, outCols > 0, inRows > 0, inCols > 0 else {
            return RGBImage(width: outCols, height: outRows, pixels: out)
        }
        let plan = columnPlan(inCols: inCols, outCols: outCols)
        let ys = rowPositions(inRows: inRows, outRows: outRows)
        let n = plan.simdCount
        image.pixels.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dstBuffer in
        plan.left.withUnsafeBufferPointer { planLeft in
        plan.fraction.withUnsafeBufferPointer { planFraction in
        plan.oneMinusFraction.withUnsafeBufferPointer { planInverse in
          let dst = dstBuffer.baseAddress!
          Parallel.forEachChunk(outRows, maxWorkers: max(1, outRows * outCols / 65536)) { _, rows in
            for r in rows {
                let y = ys[r]
                let top = Int(y.rounded(.down))
                let bottom = min(top + 1, inRows - 1)
                let tb = y - Double(top)
                let tbf = Float(tb)
                let itbf = Float(1 - tb)
                let t = top * inCols * 3, b = bottom * inCols * 3
                let o = r * outCols * 3
                // Raw pointers: the same arithmetic without the arrays' bounds checks (hot: every
                // photo's doubled image goes through here).
                let topRow = src.baseAddress! + t, bottomRow = src.baseAddress! + b, outRow = dst + o
                for j in 0..<n {
                    let l = 3 * planLeft[j]
                    let tl = itbf * planInverse[j], tr = itbf * planFraction[j]
                    let bl = tbf * planInverse[j], br = tbf * planFraction[j]
                    for ch in 0..<3 {
                        outRow[3 * j + ch] = simdPathSample(topRow + l + ch, bottomRow + l + ch, tl: tl, tr: tr, bl: bl, br: br)
                    }
                }
                for (k, x) in plan.tailX.enumerated() {
                    let l = Int(x.rounded(.down))
                    let rr = min(l + 1, inCols - 1)
                    for ch in 0..<3 {
                        dst[o + 3 * (n + k) + ch] = tailPathSample(topRow + ch, bottomRow + ch, left: 3 * l, right: 3 * rr,
                                                                   lr: x - Double(l), tb: tb)
                    }
                }
            }
          }
        }}}}}
        return RGBImage(width: outCols, height: outRows, pixels: out)
    }

    /// Destination row `r`, columns `columns`, of `resizePlane` in separable form: first the two
    /// source rows blended (contiguous, vectorized), then each column from its two neighbours.
    /// The weights are dlib's; only the order of the sums differs, so values agree with
    /// `resizePlaneRows` to float rounding (a few ulp), at about half the work. The windowed
    /// search uses it; the full search (dlib's goldens) keeps the exact emulation.
    static func resizePlaneRowSeparable(_ r: Int, _ src: UnsafePointer<Float>, inRows: Int, inCols: Int, srcStride: Int,
                                        into dst: UnsafeMutablePointer<Float>, dstStride: Int,
                                        plan: ColumnPlan, rowPositions ys: [Double], columns: Range<Int>,
                                        scratch: UnsafeMutablePointer<Float>) {
        guard !columns.isEmpty, inRows > 0, inCols > 0 else { return }
        let y = ys[r]
        let top = Int(y.rounded(.down))
        let bottom = min(top + 1, inRows - 1)
        let tb = Float(y - Double(top)), itb = Float(1 - (y - Double(top)))
        let s0 = sourceColumn(columns.lowerBound, plan: plan)
        let s1 = min(inCols - 1, sourceColumn(columns.upperBound - 1, plan: plan) + 1)
        let topRow = src + top * srcStride, bottomRow = src + bottom * srcStride
        for x in s0...s1 { scratch[x] = itb * topRow[x] + tb * bottomRow[x] }
        let out = dst + r * dstStride
        let n = plan.simdCount
        plan.left.withUnsafeBufferPointer { left in
        plan.fraction.withUnsafeBufferPointer { lr in
        plan.oneMinusFraction.withUnsafeBufferPointer { invLr in
            for j in columns.clamped(to: 0..<n) {
                let l = left[j]
                out[j] = invLr[j] * scratch[l] + lr[j] * scratch[l + 1]
            }
        }}}
        for j in columns.clamped(to: n..<(n + plan.tailX.count)) {
            let x = plan.tailX[j - n]
            let l = Int(x.rounded(.down)), rr = min(l + 1, inCols - 1)
            let f = Float(x - Double(l))
            out[j] = (1 - f) * scratch[l] + f * scratch[rr]
        }
    }
}
