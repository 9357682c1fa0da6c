/// Plain reference implementations of every tensor operation, written for clarity,
/// not speed. Each fast kernel in `Kernels/` is tested against its counterpart here.
/// Semantics follow dlib's CPU code (see ../shared/reference/dlib-models.md §3).
public enum ReferenceOps {

    /// conv2d: input (N, C, H, W) -> output (N, O, Ho, Wo), Ho = 1 + (H + 2p - kh) / s.
    /// out[o,y,x] = b[o] + sum_{i,u,v} W[o,i,u,v] * in[i, y*s - p + u, x*s - p + v], zero padding.
    public static func conv2d(_ input: Tensor, _ p: ConvolutionParameters) -> Tensor {
        precondition(input.k == p.inChannels, "conv2d: input has \(input.k) channels, filters expect \(p.inChannels)")
        let (oh, ow) = p.outputShape(for: input)
        var out = Tensor(n: input.n, k: p.outChannels, h: oh, w: ow)
        for s in 0..<input.n {
            for o in 0..<p.outChannels {
                let b: Float = p.bias.isEmpty ? 0 : p.bias[o]
                for y in 0..<oh {
                    for x in 0..<ow {
                        var acc: Float = 0
                        for i in 0..<p.inChannels {
                            for u in 0..<p.kh {
                                let iy = y * p.strideY - p.padY + u
                                if iy < 0 || iy >= input.h { continue }
                                for v in 0..<p.kw {
                                    let ix = x * p.strideX - p.padX + v
                                    if ix < 0 || ix >= input.w { continue }
                                    acc += p.weights[((o * p.inChannels + i) * p.kh + u) * p.kw + v] * input[s, i, iy, ix]
                                }
                            }
                        }
                        out[s, o, y, x] = acc + b
                    }
                }
            }
        }
        return out
    }

    /// affine (CONV mode): out[c,y,x] = in[c,y,x] * g[c] + b[c].
    public static func affine(_ input: Tensor, gamma: [Float], beta: [Float]) -> Tensor {
        precondition(gamma.count == input.k && beta.count == input.k, "affine: \(gamma.count) gains for \(input.k) channels")
        var out = input
        for s in 0..<input.n { for c in 0..<input.k { for y in 0..<input.h { for x in 0..<input.w {
            out[s, c, y, x] = input[s, c, y, x] * gamma[c] + beta[c]
        } } } }
        return out
    }

    /// relu: max(0, x).
    public static func relu(_ input: Tensor) -> Tensor {
        var out = input
        for i in 0..<out.data.count { out.data[i] = max(0, out.data[i]) }
        return out
    }

    /// max pooling; windows clipped to the image (padding never wins the max).
    public static func maxPool(_ input: Tensor, _ p: PoolingParameters) -> Tensor {
        pool(input, p) { values in values.max() ?? 0 }
    }

    /// average pooling over the in-bounds elements of each window; whole plane when kh == kw == 0.
    public static func avgPool(_ input: Tensor, _ p: PoolingParameters) -> Tensor {
        pool(input, p) { values in values.isEmpty ? 0 : values.reduce(0, +) / Float(values.count) }
    }

    private static func pool(_ input: Tensor, _ p: PoolingParameters, _ reduce: ([Float]) -> Float) -> Tensor {
        let kh = p.isWholePlane ? input.h : p.kh
        let kw = p.isWholePlane ? input.w : p.kw
        let sy = p.isWholePlane ? input.h : p.strideY
        let sx = p.isWholePlane ? input.w : p.strideX
        let py = p.isWholePlane ? 0 : p.padY
        let px = p.isWholePlane ? 0 : p.padX
        let oh = convolutionOutputSize(input.h, window: kh, stride: sy, padding: py)
        let ow = convolutionOutputSize(input.w, window: kw, stride: sx, padding: px)
        var out = Tensor(n: input.n, k: input.k, h: oh, w: ow)
        for s in 0..<input.n { for c in 0..<input.k { for y in 0..<oh { for x in 0..<ow {
            var values: [Float] = []
            for u in 0..<kh {
                let iy = y * sy - py + u
                if iy < 0 || iy >= input.h { continue }
                for v in 0..<kw {
                    let ix = x * sx - px + v
                    if ix < 0 || ix >= input.w { continue }
                    values.append(input[s, c, iy, ix])
                }
            }
            out[s, c, y, x] = reduce(values)
        } } } }
        return out
    }

    /// add_prev: elementwise sum; when shapes differ the output takes the max of each
    /// dimension and each input contributes zero outside its own extent (dlib's zero-padding add).
    public static func addPrev(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.n == b.n, "add_prev: sample counts differ")
        var out = Tensor(n: a.n, k: max(a.k, b.k), h: max(a.h, b.h), w: max(a.w, b.w))
        for t in [a, b] {
            for s in 0..<t.n { for c in 0..<t.k { for y in 0..<t.h { for x in 0..<t.w {
                out[s, c, y, x] += t[s, c, y, x]
            } } } }
        }
        return out
    }

    /// fc without bias: out[s, j] = sum_i flatten(in[s])[i] * W[i][j]; W is [inputs][outputs] row-major
    /// (dlib's layout, the transpose of PyTorch's). Output shape (N, outputs, 1, 1).
    public static func fullyConnected(_ input: Tensor, weights: [Float], outputs: Int) -> Tensor {
        let inputs = input.k * input.h * input.w
        precondition(weights.count == inputs * outputs, "fc: \(weights.count) weights for \(inputs)x\(outputs)")
        var out = Tensor(n: input.n, k: outputs, h: 1, w: 1)
        for s in 0..<input.n {
            for j in 0..<outputs {
                var acc: Float = 0
                for i in 0..<inputs { acc += input.data[s * inputs + i] * weights[i * outputs + j] }
                out.data[s * outputs + j] = acc
            }
        }
        return out
    }
}
