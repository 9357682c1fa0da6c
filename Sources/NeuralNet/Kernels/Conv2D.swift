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
        let source = SourceGeometry(channels: input.k, h: input.h, w: input.w, padY: padY, padX: padX,
                                    strideY: strideY, strideX: strideX)
        input.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                if input.n > 1 && Parallel.threadCount > 1 {
                    Parallel.forEachChunk(input.n) { _, samples in
                        let scratch = ConvScratch(columns: columnBlock(positions: oh * ow, workers: 1))
                        let padded = UnsafeMutablePointer<Float>.allocate(capacity: source.count)
                        defer { padded.deallocate() }
                        for s in samples {
                            let sampleSource = source.prepare(src + s * inPlane, into: padded)
                            runSample(sampleSource, source, dst + s * outPlane, oh: oh, ow: ow,
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
                    let padded = UnsafeMutablePointer<Float>.allocate(capacity: source.count)
                    defer { padded.deallocate() }
                    for s in 0..<input.n {
                        let sampleSource = source.prepare(src + s * inPlane, into: padded)
                        Parallel.forEachChunk(blocks, maxWorkers: workers) { _, range in
                            let scratch = ConvScratch(columns: block)
                            runSample(sampleSource, source, dst + s * outPlane, oh: oh, ow: ow,
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
    private func runSample(_ input: UnsafePointer<Float>, _ source: SourceGeometry,
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
                    packColumns(input, source, ow: ow, k0: k0, kc: kc,
                                columns: blockStart..<blockEnd, scratch: scratch)
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
    /// columns.lowerBound + 16q ..< +16. The source is zero-padded and split into stride
    /// phases (see `SourceGeometry`), so every read is in bounds and the 16 windows of a
    /// panel that lies in one output row are 16 consecutive floats, for any stride.
    /// A panel that crosses one row boundary is two such runs blended together.
    /// Columns past the end of the block repeat the last valid one (never stored).
    private func packColumns(_ input: UnsafePointer<Float>, _ source: SourceGeometry, ow: Int,
                             k0: Int, kc: Int, columns: Range<Int>, scratch: ConvScratch) {
        let buffer = scratch.columnsBuffer, taps = scratch.taps, offsets = scratch.offsets
        let window = kh * kw
        for kk in 0..<kc {
            let k = k0 + kk
            let r = k % window
            taps[kk] = source.tap(channel: k / window, u: r / kw, v: r % kw)
        }
        let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let panelCount = (columns.count + gemmNR - 1) / gemmNR
        for q in 0..<panelCount {
            let p0 = columns.lowerBound + q * gemmNR
            let valid = min(gemmNR, columns.upperBound - p0)
            for j in 0..<gemmNR {
                let p = p0 + min(j, valid - 1)
                offsets[j] = source.window(y: p / ow, x: p % ow)
            }
            var split = 0
            for j in 1..<gemmNR where offsets[j] != offsets[j - 1] + 1 { split = j; break }
            let dst = buffer + q * kc * gemmNR
            if split == 0 {
                let a = input + offsets[0]
                for kk in 0..<kc {
                    let v = UnsafeRawPointer(a + taps[kk]).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(dst + kk * gemmNR).storeBytes(of: v, as: SIMD16<Float>.self)
                }
            } else if offsets[gemmNR - 1] - offsets[split] == gemmNR - 1 - split {
                // Lanes < split come from the first row's run, the rest from the next row's.
                let a = input + offsets[0], b = input + offsets[split] - split
                let fromSecond = lanes .>= SIMD16(repeating: Int32(split))
                for kk in 0..<kc {
                    let va = UnsafeRawPointer(a + taps[kk]).loadUnaligned(as: SIMD16<Float>.self)
                    let vb = UnsafeRawPointer(b + taps[kk]).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(dst + kk * gemmNR).storeBytes(of: va.replacing(with: vb, where: fromSecond),
                                                                          as: SIMD16<Float>.self)
                }
            } else {
                for kk in 0..<kc {
                    let s = input + taps[kk], d = dst + kk * gemmNR
                    for j in 0..<gemmNR { d[j] = s[offsets[j]] }
                }
            }
        }
    }
}

/// The conv's copy of one input sample: zero-padded, and with each row split into its
/// `strideX` phases (columns 0, s, 2s, ... then 1, 1+s, ...), so that the windows of
/// consecutive output columns start at consecutive floats for every tap. With stride 1
/// this is just the padded image. Ends with `slack` zero floats so 16-wide loads that run
/// past a row's end stay inside the buffer.
struct SourceGeometry {
    let channels: Int, h: Int, w: Int, padY: Int, padX: Int, strideY: Int, strideX: Int
    static let slack = 32
    var paddedH: Int { h + 2 * padY }
    var paddedW: Int { w + 2 * padX }
    var phaseWidth: Int { (paddedW + strideX - 1) / strideX }
    var rowLength: Int { strideX * phaseWidth }
    var plane: Int { paddedH * rowLength }
    var count: Int { channels * plane + SourceGeometry.slack }

    /// Offset of tap (channel, u, v) relative to a window's offset.
    @inline(__always) func tap(channel: Int, u: Int, v: Int) -> Int {
        channel * plane + u * rowLength + (v % strideX) * phaseWidth + v / strideX
    }

    /// Offset of the window of output position (y, x) (its tap (0, 0, 0)).
    @inline(__always) func window(y: Int, x: Int) -> Int { y * strideY * rowLength + x }

    /// Writes the padded, phase-split copy of `sample` into `buffer` (count floats).
    func prepare(_ sample: UnsafePointer<Float>, into buffer: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        buffer.initialize(repeating: 0, count: count)
        let phaseWidth = phaseWidth, rowLength = rowLength, sx = strideX
        for c in 0..<channels {
            for y in 0..<h {
                let dst = buffer + c * plane + (y + padY) * rowLength
                let src = sample + (c * h + y) * w
                if sx == 1 {
                    (dst + padX).update(from: src, count: w)
                } else {
                    for x in 0..<w {
                        let xp = x + padX
                        dst[(xp % sx) * phaseWidth + xp / sx] = src[x]
                    }
                }
            }
        }
        return UnsafePointer(buffer)
    }
}

/// Per-worker scratch: the packed column block and one edge tile.
final class ConvScratch {
    let columns: Int
    let columnsBuffer: UnsafeMutablePointer<Float>
    let tile: UnsafeMutablePointer<Float>
    /// Per K block: offset of each reduction row from a window's corner.
    let taps: UnsafeMutablePointer<Int>
    /// Per panel: offset of each of its 16 windows in the source.
    let offsets: UnsafeMutablePointer<Int>

    init(columns: Int) {
        taps = .allocate(capacity: gemmKC)
        offsets = .allocate(capacity: gemmNR)
        self.columns = columns
        let padded = (columns + gemmNR - 1) / gemmNR * gemmNR
        columnsBuffer = .allocate(capacity: padded * gemmKC)
        tile = .allocate(capacity: gemmMR * gemmNR)
        tile.initialize(repeating: 0, count: gemmMR * gemmNR)
    }

    deinit { columnsBuffer.deallocate(); tile.deallocate(); taps.deallocate(); offsets.deallocate() }
}
