// Fast convolution: im2col packed straight into GEMM panels, then the 6x16 micro-kernel.
//
// Per sample: out[O][P] = W[O][K] * col[K][P], K = I*kh*kw, P = Ho*Wo (NCHW output rows
// are contiguous over P, so the vectorized GEMM dimension is the output position).
// Loops (BLIS order): column blocks of up to `columnBlock` positions ->
// K blocks of <= 256 -> pack that col block into 16-wide panels -> for each 16-column
// panel (stays in L1) -> for each 6-channel weight panel (whole weight block in L2) -> tile.
// Bias, affine (per-channel scale/shift) and relu are applied as each tile is stored
// after its last K block, so a conv+affine+relu layer is one pass over its output.

/// A convolution with its weights packed once (at model load time) for the fast kernel,
/// optionally fused with a following affine layer and relu:
/// `out = relu?((conv(x, W) + bias) * gamma + beta)`.
public struct PackedConvolution: Sendable {
    public let outChannels: Int
    public let inChannels: Int
    public let kh: Int
    public let kw: Int
    public let strideY: Int
    public let strideX: Int
    public let padY: Int
    public let padX: Int
    public let relu: Bool
    /// Weights in MR-row panels, see `packWeightPanels`.
    let panels: [Float]
    /// Per output channel, padded to a whole number of panels: scale = gamma (or 1),
    /// shift = bias * gamma + beta (or bias).
    let scale: [Float]
    let shift: [Float]

    /// - Parameters:
    ///   - gamma, beta: a following affine layer (dlib `affine_`, CONV mode) to fuse, or nil.
    ///   - relu: apply max(0, x) after the affine.
    public init(_ p: ConvolutionParameters, gamma: [Float]? = nil, beta: [Float]? = nil, relu: Bool = false) {
        precondition((gamma == nil) == (beta == nil), "PackedConvolution: give both gamma and beta or neither")
        if let gamma, let beta {
            precondition(gamma.count == p.outChannels && beta.count == p.outChannels,
                         "PackedConvolution: \(gamma.count) affine gains for \(p.outChannels) filters")
        }
        outChannels = p.outChannels; inChannels = p.inChannels
        kh = p.kh; kw = p.kw; strideY = p.strideY; strideX = p.strideX; padY = p.padY; padX = p.padX
        self.relu = relu
        let k = p.inChannels * p.kh * p.kw
        panels = packWeightPanels(p.weights, rows: p.outChannels, k: k)
        let padded = (p.outChannels + gemmMR - 1) / gemmMR * gemmMR
        var scale = [Float](repeating: 1, count: padded)
        var shift = [Float](repeating: 0, count: padded)
        for o in 0..<p.outChannels {
            let bias: Float = p.bias.isEmpty ? 0 : p.bias[o]
            if let gamma, let beta {
                scale[o] = gamma[o]
                shift[o] = bias * gamma[o] + beta[o]
            } else {
                shift[o] = bias
            }
        }
        self.scale = scale; self.shift = shift
    }

    public var reductionLength: Int { inChannels * kh * kw }

    public func outputShape(for input: Tensor) -> (h: Int, w: Int) {
        (convolutionOutputSize(input.h, window: kh, stride: strideY, padding: padY),
         convolutionOutputSize(input.w, window: kw, stride: strideX, padding: padX))
    }

    /// Multiply-adds for one sample of `input` (2 FLOPs each).
    public func multiplyAdds(for input: Tensor) -> Int {
        let (oh, ow) = outputShape(for: input)
        return outChannels * oh * ow * reductionLength
    }

    /// input (N, inChannels, H, W) -> output (N, outChannels, Ho, Wo).
    /// N > 1 runs samples in parallel (one sample per worker); N == 1 splits the output
    /// positions across workers when there are enough of them. Uses `Parallel.threadCount`.
    public func apply(_ input: Tensor) -> Tensor {
        precondition(input.k == inChannels, "conv2d: input has \(input.k) channels, filters expect \(inChannels)")
        let (oh, ow) = outputShape(for: input)
        var out = Tensor(n: input.n, k: outChannels, h: oh, w: ow)
        if out.count == 0 { return out }
        let inPlane = input.k * input.h * input.w
        let outPlane = outChannels * oh * ow
        input.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                if input.n > 1 && Parallel.threadCount > 1 {
                    Parallel.forEachChunk(input.n) { _, samples in
                        let scratch = ConvScratch(columns: columnBlock(positions: oh * ow, workers: 1))
                        for s in samples {
                            runSample(src + s * inPlane, h: input.h, w: input.w,
                                      dst + s * outPlane, oh: oh, ow: ow,
                                      positions: 0..<(oh * ow), columnBlock: scratch.columns, scratch: scratch)
                        }
                    }
                } else {
                    let positions = oh * ow
                    // Split positions only when each worker gets at least a few panels.
                    let maxWorkers = max(1, positions / (4 * gemmNR))
                    let workers = max(1, min(Parallel.threadCount, maxWorkers))
                    let block = columnBlock(positions: positions, workers: workers)
                    let blocks = (positions + block - 1) / block
                    for s in 0..<input.n {
                        Parallel.forEachChunk(blocks, maxWorkers: workers) { _, range in
                            let scratch = ConvScratch(columns: block)
                            runSample(src + s * inPlane, h: input.h, w: input.w,
                                      dst + s * outPlane, oh: oh, ow: ow,
                                      positions: (range.lowerBound * block)..<min(positions, range.upperBound * block),
                                      columnBlock: block, scratch: scratch)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Output positions packed at once: at most 128 (a 128 x 256 panel block is 128 KiB, L2-resident),
    /// fewer when that balances the workers better.
    private func columnBlock(positions: Int, workers: Int) -> Int {
        let perWorker = (positions + workers - 1) / workers
        let rounded = (perWorker + gemmNR - 1) / gemmNR * gemmNR
        return max(gemmNR, min(128, rounded))
    }

    /// One sample, output positions `positions` (a range of y * Wo + x).
    private func runSample(_ input: UnsafePointer<Float>, h: Int, w: Int,
                           _ output: UnsafeMutablePointer<Float>, oh: Int, ow: Int,
                           positions: Range<Int>, columnBlock: Int, scratch: ConvScratch) {
        let k = reductionLength
        let p = oh * ow
        let kBlocks = (k + gemmKC - 1) / gemmKC
        let weightPanels = (outChannels + gemmMR - 1) / gemmMR
        panels.withUnsafeBufferPointer { panels in
        scale.withUnsafeBufferPointer { scale in
        shift.withUnsafeBufferPointer { shift in
            let panels = panels.baseAddress!, scale = scale.baseAddress!, shift = shift.baseAddress!
            let tile = scratch.tile
            var blockStart = positions.lowerBound
            while blockStart < positions.upperBound {
                let blockEnd = min(blockStart + columnBlock, positions.upperBound)
                let columnPanels = (blockEnd - blockStart + gemmNR - 1) / gemmNR
                for kb in 0..<kBlocks {
                    // Equal-sized K blocks (no tiny tail block).
                    let k0 = k * kb / kBlocks, k1 = k * (kb + 1) / kBlocks
                    let kc = k1 - k0
                    packColumns(input, h: h, w: w, ow: ow, k0: k0, kc: kc,
                                columns: blockStart..<blockEnd, into: scratch.columnsBuffer)
                    let first = kb == 0, last = kb == kBlocks - 1
                    for jp in 0..<columnPanels {
                        let p0 = blockStart + jp * gemmNR
                        let cols = min(gemmNR, blockEnd - p0)
                        let b = UnsafePointer(scratch.columnsBuffer + jp * kc * gemmNR)
                        for ip in 0..<weightPanels {
                            let o0 = ip * gemmMR
                            let rows = min(gemmMR, outChannels - o0)
                            let a = panels + (ip * k + k0) * gemmMR
                            let epilogue = last ? TileEpilogue(scale: scale + o0, shift: shift + o0, relu: relu) : nil
                            let c = output + o0 * p + p0
                            if rows == gemmMR && cols == gemmNR {
                                microkernel6x16(kc: kc, a: a, b: b, c: c, ldc: p,
                                                accumulate: !first, epilogue: epilogue)
                            } else {
                                if !first {
                                    for r in 0..<rows { for j in 0..<cols { tile[r * gemmNR + j] = c[r * p + j] } }
                                }
                                microkernel6x16(kc: kc, a: a, b: b, c: tile, ldc: gemmNR,
                                                accumulate: !first, epilogue: epilogue)
                                for r in 0..<rows { for j in 0..<cols { c[r * p + j] = tile[r * gemmNR + j] } }
                            }
                        }
                    }
                }
                blockStart = blockEnd
            }
        } } }
    }

    /// im2col for reduction rows k0..<k0+kc and output positions `columns`, written as
    /// 16-wide panels: panel q holds for each kk the 16 values of positions
    /// columns.lowerBound + 16q ..< +16 (zeros past the end and in the padding).
    private func packColumns(_ input: UnsafePointer<Float>, h: Int, w: Int, ow: Int,
                             k0: Int, kc: Int, columns: Range<Int>, into buffer: UnsafeMutablePointer<Float>) {
        let panelStride = kc * gemmNR
        let count = columns.count
        // Zero the tail of the last panel once; every other slot is written below.
        let tailStart = count, tailEnd = (count + gemmNR - 1) / gemmNR * gemmNR
        if tailEnd > tailStart {
            let panel = buffer + (tailStart / gemmNR) * panelStride
            for kk in 0..<kc { for j in (tailStart % gemmNR)..<gemmNR { panel[kk * gemmNR + j] = 0 } }
        }
        let window = kh * kw
        let firstRow = columns.lowerBound / ow, lastRow = (columns.upperBound - 1) / ow
        let sx = strideX
        for kk in 0..<kc {
            let kIndex = k0 + kk
            let channel = kIndex / window
            let u = (kIndex % window) / kw, v = kIndex % kw
            let plane = input + channel * h * w
            // First x whose source column x*sx - padX + v is >= 0, and one past the last < w.
            let xValidLo = max(0, (padX - v + sx - 1) / sx)
            let xValidHi = (w - 1 + padX - v) < 0 ? 0 : (w - 1 + padX - v) / sx + 1
            let dstK = buffer + kk * gemmNR
            for y in firstRow...lastRow {
                let rowStart = y * ow
                let xa = max(0, columns.lowerBound - rowStart), xb = min(ow, columns.upperBound - rowStart)
                let q0 = rowStart + xa - columns.lowerBound   // column index of (y, xa) in the block
                let iy = y * strideY - padY + u
                if iy < 0 || iy >= h {
                    var q = q0
                    for _ in xa..<xb { dstK[(q >> 4) * panelStride + (q & 15)] = 0; q += 1 }
                    continue
                }
                let lo = min(max(xa, xValidLo), xb), hi = max(min(xb, xValidHi), lo)
                var q = q0
                for _ in xa..<lo { dstK[(q >> 4) * panelStride + (q & 15)] = 0; q += 1 }
                var s = plane + iy * w + lo * sx - padX + v
                var x = lo
                while x < hi {
                    // Copy up to the end of the current 16-wide panel in one run.
                    let run = min(hi - x, gemmNR - (q & 15))
                    let d = dstK + (q >> 4) * panelStride + (q & 15)
                    if sx == 1 {
                        for j in 0..<run { d[j] = s[j] }
                    } else {
                        for j in 0..<run { d[j] = s[j * sx] }
                    }
                    s += run * sx; q += run; x += run
                }
                for _ in hi..<xb { dstK[(q >> 4) * panelStride + (q & 15)] = 0; q += 1 }
            }
        }
    }
}

/// Per-worker scratch: the packed column block and one edge tile.
final class ConvScratch {
    let columns: Int
    let columnsBuffer: UnsafeMutablePointer<Float>
    let tile: UnsafeMutablePointer<Float>

    init(columns: Int) {
        self.columns = columns
        let padded = (columns + gemmNR - 1) / gemmNR * gemmNR
        columnsBuffer = .allocate(capacity: padded * gemmKC)
        tile = .allocate(capacity: gemmMR * gemmNR)
        tile.initialize(repeating: 0, count: gemmMR * gemmNR)
    }

    deinit { columnsBuffer.deallocate(); tile.deallocate() }
}
