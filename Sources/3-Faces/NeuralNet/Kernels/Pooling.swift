// Fast pooling with dlib's clipped windows: a window never reads padding; the average
// divides by the number of in-bounds elements. Summation order equals ReferenceOps
// (row by row, left to right), so results match it exactly.

enum PoolingKernels {
    enum Mode { case max, average }

    static func pool(_ input: Tensor, _ p: PoolingParameters, _ mode: Mode) -> Tensor {
        let kh = p.isWholePlane ? input.h : p.kh
        let kw = p.isWholePlane ? input.w : p.kw
        let sy = p.isWholePlane ? input.h : p.strideY
        let sx = p.isWholePlane ? input.w : p.strideX
        let py = p.isWholePlane ? 0 : p.padY
        let px = p.isWholePlane ? 0 : p.padX
        let h = input.h, w = input.w
        let oh = convolutionOutputSize(h, window: kh, stride: sy, padding: py)
        let ow = convolutionOutputSize(w, window: kw, stride: sx, padding: px)
        var out = Tensor(n: input.n, k: input.k, h: oh, w: ow)
        let planes = input.n * input.k
        if out.count == 0 { return out }
        out.data.withUnsafeMutableBufferPointer { o in
            input.data.withUnsafeBufferPointer { src in
                guard let o = o.baseAddress, let src = src.baseAddress else { return }
                for plane in 0..<planes {
                    let ip = src + plane * h * w, op = o + plane * oh * ow
                    for y in 0..<oh {
                        let y0 = max(0, y * sy - py), y1 = min(h, y * sy - py + kh)
                        for x in 0..<ow {
                            let x0 = max(0, x * sx - px), x1 = min(w, x * sx - px + kw)
                            if y0 >= y1 || x0 >= x1 { op[y * ow + x] = 0; continue }
                            switch mode {
                            case .max:
                                var m = -Float.infinity
                                for yy in y0..<y1 { for xx in x0..<x1 { m = max(m, ip[yy * w + xx]) } }
                                op[y * ow + x] = m
                            case .average:
                                var sum: Float = 0
                                for yy in y0..<y1 { for xx in x0..<x1 { sum += ip[yy * w + xx] } }
                                op[y * ow + x] = sum / Float((y1 - y0) * (x1 - x0))
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
