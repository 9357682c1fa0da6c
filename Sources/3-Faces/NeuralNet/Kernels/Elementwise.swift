// Fast element-wise kernels: affine, relu, add_prev (dlib zero-padding add), fully connected.
// Each loop runs over raw pointers so the compiler vectorizes it; semantics equal ReferenceOps.

enum ElementwiseKernels {
    /// affine (CONV mode), in place: x[s,c,:,:] = x * gamma[c] + beta[c], then relu if asked.
    static func affine(_ t: inout Tensor, gamma: [Float], beta: [Float], relu: Bool) {
        precondition(gamma.count == t.k && beta.count == t.k, "affine: \(gamma.count) gains for \(t.k) channels")
        let plane = t.h * t.w, channels = t.k, samples = t.n
        t.data.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for s in 0..<samples {
                for c in 0..<channels {
                    let p = base + (s * channels + c) * plane
                    let g = gamma[c], b = beta[c]
                    if relu {
                        for i in 0..<plane { p[i] = max(p[i] * g + b, 0) }
                    } else {
                        for i in 0..<plane { p[i] = p[i] * g + b }
                    }
                }
            }
        }
    }

    /// relu, in place.
    static func relu(_ t: inout Tensor) {
        t.data.withUnsafeMutableBufferPointer { buffer in
            guard let p = buffer.baseAddress else { return }
            for i in 0..<buffer.count { p[i] = max(p[i], 0) }
        }
    }

    /// add_prev: (N, max k, max h, max w); each input contributes 0 outside its extent.
    static func addPrev(_ a: Tensor, _ b: Tensor, relu: Bool) -> Tensor {
        precondition(a.n == b.n, "add_prev: sample counts differ")
        if a.k == b.k && a.h == b.h && a.w == b.w {
            var out = a
            out.data.withUnsafeMutableBufferPointer { o in
                b.data.withUnsafeBufferPointer { bb in
                    guard let o = o.baseAddress, let bb = bb.baseAddress else { return }
                    if relu {
                        for i in 0..<a.count { o[i] = max(o[i] + bb[i], 0) }
                    } else {
                        for i in 0..<a.count { o[i] += bb[i] }
                    }
                }
            }
            return out
        }
        var out = Tensor(n: a.n, k: max(a.k, b.k), h: max(a.h, b.h), w: max(a.w, b.w))
        let ok = out.k, oh = out.h, ow = out.w
        out.data.withUnsafeMutableBufferPointer { o in
            guard let o = o.baseAddress else { return }
            for t in [a, b] {
                t.data.withUnsafeBufferPointer { src in
                    guard let src = src.baseAddress else { return }
                    for s in 0..<t.n { for c in 0..<t.k { for y in 0..<t.h {
                        let d = o + ((s * ok + c) * oh + y) * ow
                        let r = src + ((s * t.k + c) * t.h + y) * t.w
                        for x in 0..<t.w { d[x] += r[x] }
                    } } }
                }
            }
            if relu { for i in 0..<(a.n * ok * oh * ow) { o[i] = max(o[i], 0) } }
        }
        return out
    }

    /// fc without bias: out[s, j] = sum_i x[s][i] * W[i][j], W row-major [inputs][outputs].
    static func fullyConnected(_ input: Tensor, weights: [Float], outputs: Int) -> Tensor {
        let inputs = input.k * input.h * input.w
        precondition(weights.count == inputs * outputs, "fc: \(weights.count) weights for \(inputs)x\(outputs)")
        var out = Tensor(n: input.n, k: outputs, h: 1, w: 1)
        out.data.withUnsafeMutableBufferPointer { o in
            input.data.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { wt in
                    guard let o = o.baseAddress, let x = x.baseAddress, let wt = wt.baseAddress else { return }
                    for s in 0..<input.n {
                        let acc = o + s * outputs
                        let xs = x + s * inputs
                        // Row by row of W: the inner loop over outputs is contiguous and vectorizes.
                        for i in 0..<inputs {
                            let xi = xs[i], row = wt + i * outputs
                            for j in 0..<outputs { acc[j] += xi * row[j] }
                        }
                    }
                }
            }
        }
        return out
    }
}
