// Naive versions of the proposal networks' operations (Kernels/PReLUPoolSoftmax.swift).
import Foundation

extension ReferenceOps {
    /// PReLU: x < 0 ? slope[c] * x : x.
    public static func prelu(_ input: Tensor, slopes: [Float]) -> Tensor {
        precondition(slopes.count == input.k)
        var out = input
        for s in 0..<input.n { for c in 0..<input.k { for y in 0..<input.h { for x in 0..<input.w {
            let v = input[s, c, y, x]
            out[s, c, y, x] = v < 0 ? slopes[c] * v : v
        } } } }
        return out
    }

    /// Max pooling with explicit padding; windows clipped to the image.
    public static func maxPool(_ input: Tensor, window: Int, stride: Int, padding: PoolPadding) -> Tensor {
        let oh = windowOutputSize(input.h, window: window, stride: stride, before: padding.top, after: padding.bottom)
        let ow = windowOutputSize(input.w, window: window, stride: stride, before: padding.left, after: padding.right)
        var out = Tensor(n: input.n, k: input.k, h: oh, w: ow)
        for s in 0..<input.n { for c in 0..<input.k { for y in 0..<oh { for x in 0..<ow {
            var values: [Float] = []
            for u in 0..<window {
                let iy = y * stride - padding.top + u
                guard iy >= 0 && iy < input.h else { continue }
                for v in 0..<window {
                    let ix = x * stride - padding.left + v
                    guard ix >= 0 && ix < input.w else { continue }
                    values.append(input[s, c, iy, ix])
                }
            }
            out[s, c, y, x] = values.max() ?? 0
        } } } }
        return out
    }

    /// Softmax over the first `channels` channels at each position (the others unchanged).
    public static func softmaxChannels(_ input: Tensor, channels: Int? = nil) -> Tensor {
        let k = channels ?? input.k
        var out = input
        for s in 0..<input.n { for y in 0..<input.h { for x in 0..<input.w {
            let values = (0..<k).map { input[s, $0, y, x] }
            let m = values.max()!
            let e = values.map { expf($0 - m) }
            let sum = e.reduce(0, +)
            for c in 0..<k { out[s, c, y, x] = e[c] / sum }
        } } }
        return out
    }
}
