// Fast kernels for the MTCNN proposal networks (FaceAnalysis/Proposals): per-channel PReLU,
// max pooling with asymmetric (ONNX SAME_UPPER) padding, softmax over channels, bias add.
// Each has a naive counterpart in ReferenceOps+Proposals.swift; NeuralNetTests compares them.
import Foundation

/// Zero padding added before and after each spatial axis of a pooling window (ONNX `pads`).
/// Windows are clipped to the image, so padding never wins a max (ONNX/OpenCV semantics).
public struct PoolPadding: Sendable, Hashable {
    public var top: Int, left: Int, bottom: Int, right: Int
    public init(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) {
        precondition(top >= 0 && left >= 0 && bottom >= 0 && right >= 0, "PoolPadding: negative padding")
        self.top = top; self.left = left; self.bottom = bottom; self.right = right
    }

    public static let valid = PoolPadding()

    /// ONNX auto_pad SAME_UPPER: output ceil(size / stride) per axis, the odd padding at the end.
    public static func sameUpper(h: Int, w: Int, window: Int, stride: Int) -> PoolPadding {
        func pads(_ size: Int) -> (Int, Int) {
            let out = (size + stride - 1) / stride
            let total = max(0, (out - 1) * stride + window - size)
            return (total / 2, total - total / 2)
        }
        let (t, b) = pads(h), (l, r) = pads(w)
        return PoolPadding(top: t, left: l, bottom: b, right: r)
    }
}

/// Output size of a window over `size + before + after` (floor, ceil_mode 0), or 0 when it does not fit.
@inlinable public func windowOutputSize(_ size: Int, window: Int, stride: Int, before: Int, after: Int) -> Int {
    let span = size + before + after - window
    return span < 0 ? 0 : 1 + span / stride
}

extension Ops {
    /// PReLU in place: x < 0 ? slope[c] * x : x, one slope per channel.
    public static func preluInPlace(_ t: inout Tensor, slopes: [Float]) {
        precondition(slopes.count == t.k, "prelu: \(slopes.count) slopes for \(t.k) channels")
        let plane = t.h * t.w, channels = t.k, samples = t.n
        t.data.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for s in 0..<samples {
                for c in 0..<channels {
                    let p = base + (s * channels + c) * plane
                    let a = slopes[c]
                    var i = 0
                    let va = SIMD8<Float>(repeating: a), zero = SIMD8<Float>(repeating: 0)
                    while i + 8 <= plane {
                        let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(p + i).storeBytes(of: v.replacing(with: v * va, where: v .< zero), as: SIMD8<Float>.self)
                        i += 8
                    }
                    while i < plane { if p[i] < 0 { p[i] *= a }; i += 1 }
                }
            }
        }
    }

    /// Per-channel bias add in place: x[s, c, :, :] += bias[c].
    public static func addBiasInPlace(_ t: inout Tensor, bias: [Float]) {
        precondition(bias.count == t.k, "bias: \(bias.count) values for \(t.k) channels")
        let plane = t.h * t.w, channels = t.k, samples = t.n
        t.data.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for s in 0..<samples { for c in 0..<channels {
                let p = base + (s * channels + c) * plane, b = bias[c]
                for i in 0..<plane { p[i] += b }
            } }
        }
    }

    /// Max pooling, `window` x `window`, stride `stride`, with explicit (possibly asymmetric) padding.
    public static func maxPool(_ input: Tensor, window: Int, stride: Int, padding: PoolPadding) -> Tensor {
        precondition(window > 0 && stride > 0, "maxPool: window \(window), stride \(stride)")
        let h = input.h, w = input.w
        let oh = windowOutputSize(h, window: window, stride: stride, before: padding.top, after: padding.bottom)
        let ow = windowOutputSize(w, window: window, stride: stride, before: padding.left, after: padding.right)
        let count = input.n * input.k * oh * ow
        var out = Tensor(n: input.n, k: input.k, h: oh, w: ow,
                         data: [Float](unsafeUninitializedCapacity: count) { _, n in n = count })
        if count == 0 { return out }
        let planes = input.n * input.k
        let py = padding.top, px = padding.left
        var scratch = [Float](repeating: 0, count: w)
        scratch.withUnsafeMutableBufferPointer { scratch in
        out.data.withUnsafeMutableBufferPointer { o in
            input.data.withUnsafeBufferPointer { src in
                guard let o = o.baseAddress, let src = src.baseAddress else { return }
                // Interior columns (whole window inside the row) take the branch-free path.
                let xFirst = min(ow, (px + stride - 1) / stride)
                let xEnd = max(xFirst, min(ow, w + px - window < 0 ? 0 : (w + px - window) / stride + 1))
                for plane in 0..<planes {
                    let ip = src + plane * h * w, op = o + plane * oh * ow
                    for y in 0..<oh {
                        let y0 = max(0, y * stride - py), y1 = min(h, y * stride - py + window)
                        let row = op + y * ow
                        if y0 >= y1 { for x in 0..<ow { row[x] = 0 }; continue }
                        func clipped(_ x: Int) -> Float {
                            let x0 = max(0, x * stride - px), x1 = min(w, x * stride - px + window)
                            if x0 >= x1 { return 0 }
                            var m = -Float.infinity
                            for yy in y0..<y1 { for xx in x0..<x1 { m = max(m, ip[yy * w + xx]) } }
                            return m
                        }
                        for x in 0..<xFirst { row[x] = clipped(x) }
                        if window == 2 && stride == 2 && y1 - y0 == 2 {
                            let r0 = ip + y0 * w - px, r1 = r0 + w
                            var x = xFirst
                            // 8 outputs from 16 floats of each row: vertical max, then even/odd lanes.
                            while x + 8 <= xEnd {
                                let a = UnsafeRawPointer(r0 + 2 * x).loadUnaligned(as: SIMD16<Float>.self)
                                let b = UnsafeRawPointer(r1 + 2 * x).loadUnaligned(as: SIMD16<Float>.self)
                                // (stdlib's pointwiseMax is not inlined here: a call per vector)
                                let m = a.replacing(with: b, where: b .> a)
                                let even = m.evenHalf, odd = m.oddHalf
                                UnsafeMutableRawPointer(row + x).storeBytes(of: even.replacing(with: odd, where: odd .> even), as: SIMD8<Float>.self)
                                x += 8
                            }
                            while x < xEnd {
                                row[x] = max(max(r0[2 * x], r0[2 * x + 1]), max(r1[2 * x], r1[2 * x + 1]))
                                x += 1
                            }
                        } else if xFirst < xEnd {
                            // Max over the window's rows first (contiguous, vectorizes), then along the row.
                            let vertical = scratch.baseAddress!
                            let r0 = ip + y0 * w
                            for i in 0..<w { vertical[i] = r0[i] }
                            for yy in (y0 + 1)..<max(y0 + 1, y1) {
                                let r = ip + yy * w
                                for i in 0..<w { let v = r[i]; if v > vertical[i] { vertical[i] = v } }
                            }
                            for x in xFirst..<xEnd {
                                let v = vertical + x * stride - px
                                var m = v[0]
                                for xx in 1..<max(1, window) where v[xx] > m { m = v[xx] }
                                row[x] = m
                            }
                        }
                        for x in xEnd..<ow { row[x] = clipped(x) }
                    }
                }
            }
        }
        }
        return out
    }

    /// Softmax over the channels at each (sample, y, x): exp(x_c - max) / sum_c exp(x_j - max).
    /// `channels` limits it to the first channels (the rest are copied unchanged).
    public static func softmaxChannels(_ input: Tensor, channels: Int? = nil) -> Tensor {
        var out = input
        softmaxChannelsInPlace(&out, channels: channels)
        return out
    }

    /// `softmaxChannels` in place.
    public static func softmaxChannelsInPlace(_ t: inout Tensor, channels: Int? = nil) {
        let k = channels ?? t.k
        precondition(k >= 1 && k <= t.k, "softmax over \(k) of \(t.k) channels")
        let plane = t.h * t.w, total = t.k, samples = t.n
        t.data.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for s in 0..<samples {
                let p = base + s * total * plane
                for i in 0..<plane {
                    var m = p[i]
                    for c in 1..<max(1, k) { m = max(m, p[c * plane + i]) }
                    var sum: Float = 0
                    for c in 0..<k { let e = expf(p[c * plane + i] - m); p[c * plane + i] = e; sum += e }
                    for c in 0..<k { p[c * plane + i] /= sum }
                }
            }
        }
    }
}

