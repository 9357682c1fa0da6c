// Fast convolution: im2col packed straight into GEMM panels, then the 6x16 micro-kernel.
//
// Per sample: out[O][P] = W[O][K] * col[K][P], K = I*kh*kw, P = Ho*Wo (NCHW output rows
// are contiguous over P, so the vectorized GEMM dimension is the output position).
// 1. The sample is copied once, zero-padded and with each row split into its stride phases
//    (`SourceGeometry`): then the 16 windows of 16 consecutive output columns in one row
//    start at 16 consecutive floats for every tap, whatever the stride, and no read needs
//    a bounds test.
// 2. Loops (BLIS order): column blocks of <= 128 positions (the unit of work split across
//    threads) -> K blocks of <= 256 -> pack the block into 16-wide panels (vector copies;
//    a panel crossing a row boundary is two copies blended) -> for each 16-column panel
//    (stays in L1) -> for each 6-channel weight panel (the layer's weight block stays in L2)
//    -> one 6x16 tile. One-panel layers read in-row panels in place instead (no packing).
// 3. Bias, affine (per-channel scale/shift) and relu are applied as each tile is stored
//    after its last K block, so a conv+affine+relu layer is one pass over its output.
import Foundation

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
    /// The same filters transformed for Winograd F(2x2, 5x5), for 5x5 stride-1 layers.
    let winograd: Winograd5x5?
    /// The same filters as F(4x4, 3x3) over the input's four phases, for 5x5 stride-2 layers.
    let winogradStride2: WinogradStride2?
    /// The filter as is, for one-output-channel stride-1 layers (SingleOutputConvolution.swift).
    let singleOutput: SingleOutputConvolution?

    /// - Parameters:
    ///   - gamma, beta: a following affine layer (dlib `affine_`, CONV mode) to fuse, or nil.
    ///   - relu: apply max(0, x) after the affine.
    public init(_ p: ConvolutionParameters, gamma: [Float]? = nil, beta: [Float]? = nil, relu: Bool = false) {
        precondition((gamma == nil) == (beta == nil), "PackedConvolution: give both gamma and beta or neither")
        if let gamma, let beta {
            precondition(gamma.count == p.outChannels && beta.count == p.outChannels,
                         "PackedConvolution: \(gamma.count) affine gains for \(p.outChannels) filters")
        }
        precondition(p.outChannels > 0 && p.inChannels > 0 && p.kh > 0 && p.kw > 0,
                     "PackedConvolution: empty filter \(p.outChannels)x\(p.inChannels)x\(p.kh)x\(p.kw)")
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
        winograd = Winograd5x5.applies(kh: p.kh, kw: p.kw, strideY: p.strideY, strideX: p.strideX, padY: p.padY, padX: p.padX,
                                       inChannels: p.inChannels, outChannels: p.outChannels)
            ? Winograd5x5(weights: p.weights, outChannels: p.outChannels, inChannels: p.inChannels) : nil
        winogradStride2 = WinogradStride2.applies(kh: p.kh, kw: p.kw, strideY: p.strideY, strideX: p.strideX, padY: p.padY, padX: p.padX,
                                                  inChannels: p.inChannels, outChannels: p.outChannels)
            ? WinogradStride2(weights: p.weights, outChannels: p.outChannels, inChannels: p.inChannels) : nil
        singleOutput = SingleOutputConvolution.applies(outChannels: p.outChannels, strideY: p.strideY, strideX: p.strideX, kh: p.kh, kw: p.kw)
            ? SingleOutputConvolution(inChannels: p.inChannels, kh: p.kh, kw: p.kw, padY: p.padY, padX: p.padX, weights: p.weights) : nil
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
        // Every output value is written by exactly one tile, so skip zero-filling 10s of MB.
        let outCount = input.n * outChannels * oh * ow
        var out = Tensor(n: input.n, k: outChannels, h: oh, w: ow,
                         data: [Float](unsafeUninitializedCapacity: outCount) { _, initialized in initialized = outCount })
        if out.count == 0 { return out }
        let inPlane = input.k * input.h * input.w
        let outPlane = outChannels * oh * ow
        /// Runs `kernel(input sample, output sample, scale, shift)` for each sample in turn.
        func perSample(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) -> Void) {
            input.data.withUnsafeBufferPointer { src in
                out.data.withUnsafeMutableBufferPointer { dst in
                    scale.withUnsafeBufferPointer { scale in
                        shift.withUnsafeBufferPointer { shift in
                            for s in 0..<input.n {
                                kernel(src.baseAddress! + s * inPlane, dst.baseAddress! + s * outPlane, scale.baseAddress!, shift.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        if let winograd, ConvolutionTuning.winograd5x5 {
            perSample { x, y, scale, shift in winograd.apply(x, h: input.h, w: input.w, y, scale: scale, shift: shift, relu: relu) }
            return out
        }
        if let winogradStride2, ConvolutionTuning.winogradStride2 {
            perSample { x, y, scale, shift in winogradStride2.apply(x, h: input.h, w: input.w, y, scale: scale, shift: shift, relu: relu) }
            return out
        }
        if let singleOutput, ConvolutionTuning.singleOutputDirect {
            perSample { x, y, scale, shift in
                singleOutput.apply(x, h: input.h, w: input.w, y, oh: oh, ow: ow, scale: scale[0], shift: shift[0], relu: relu)
            }
            return out
        }
        let source = SourceGeometry(channels: input.k, h: input.h, w: input.w, padY: padY, padX: padX,
                                    strideY: strideY, strideX: strideX)
        // Large inputs go in bands of output rows whose source copy (<= ~256 KiB) stays in L2
        // between being written and being read by the GEMM.
        // Bands are equal-sized, and a multiple of the thread count, so workers get equal shares.
        let maxBandRows = source.outputRowsPerBand(kh: kh, oh: oh, budgetFloats: 64 * 1024)
        var bands = (oh + maxBandRows - 1) / maxBandRows
        if bands > 1 { bands = min(oh, (bands + Parallel.threadCount - 1) / Parallel.threadCount * Parallel.threadCount) }
        let bandRows = (oh + bands - 1) / bands
        bands = (oh + bandRows - 1) / bandRows
        let bandCapacity = source.band(outputRows: 0..<min(oh, bandRows), kh: kh).count
        input.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                /// Samples `samples`, bands `bandRange` of each, on the calling thread.
                func runBands(samples: Range<Int>, bandRange: Range<Int>) {
                    let scratch = ConvScratch(columns: columnBlock(positions: oh * ow, workers: 1))
                    let buffer = BufferPool.shared.take(bandCapacity)
                    defer { BufferPool.shared.give(buffer, bandCapacity) }
                    for s in samples {
                        for b in bandRange {
                            let rows = (b * bandRows)..<min(oh, (b + 1) * bandRows)
                            let geometry = source.band(outputRows: rows, kh: kh)
                            let prepared = geometry.prepare(src + s * inPlane, into: buffer)
                            runSample(prepared, geometry, dst + s * outPlane, oh: oh, ow: ow,
                                      positions: (rows.lowerBound * ow)..<(rows.upperBound * ow),
                                      columnBlock: scratch.columns, scratch: scratch)
                        }
                    }
                }
                if input.n > 1 && Parallel.threadCount > 1 {
                    Parallel.forEachChunk(input.n) { _, samples in runBands(samples: samples, bandRange: 0..<bands) }
                } else if bands > 1 {
                    for s in 0..<input.n {
                        Parallel.forEachChunk(bands) { _, bandRange in runBands(samples: s..<(s + 1), bandRange: bandRange) }
                    }
                } else if oh * ow < 4 * gemmNR * Parallel.threadCount && Parallel.threadCount > 1
                            && (outChannels + gemmMR - 1) / gemmMR >= 2 * Parallel.threadCount {
                    // Few positions, many channels (the ResNet's 8x8 .. 1x1 layers): split the
                    // weight panels; each worker packs the (small) input itself.
                    let geometry = source.band(outputRows: 0..<oh, kh: kh)
                    let buffer = BufferPool.shared.take(geometry.count)
                    defer { BufferPool.shared.give(buffer, geometry.count) }
                    let weightPanels = (outChannels + gemmMR - 1) / gemmMR
                    for s in 0..<input.n {
                        let prepared = geometry.prepare(src + s * inPlane, into: buffer)
                        Parallel.forEachChunk(weightPanels) { _, panelRange in
                            let scratch = ConvScratch(columns: columnBlock(positions: oh * ow, workers: 1))
                            runSample(prepared, geometry, dst + s * outPlane, oh: oh, ow: ow,
                                      positions: 0..<(oh * ow), columnBlock: scratch.columns, scratch: scratch,
                                      weightPanels: panelRange)
                        }
                    }
                } else {
                    // One band: split its output positions across workers when there are enough.
                    let positions = oh * ow
                    let maxWorkers = max(1, positions / (4 * gemmNR))
                    let workers = max(1, min(Parallel.threadCount, maxWorkers))
                    let block = columnBlock(positions: positions, workers: workers)
                    let blocks = (positions + block - 1) / block
                    let geometry = source.band(outputRows: 0..<oh, kh: kh)
                    let buffer = BufferPool.shared.take(geometry.count)
                    defer { BufferPool.shared.give(buffer, geometry.count) }
                    for s in 0..<input.n {
                        let prepared = geometry.prepare(src + s * inPlane, into: buffer)
                        Parallel.forEachChunk(blocks, maxWorkers: workers) { _, range in
                            let scratch = ConvScratch(columns: block)
                            runSample(prepared, geometry, dst + s * outPlane, oh: oh, ow: ow,
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

    /// One sample, output positions `positions` (a range of y * Wo + x), output channels of
    /// the weight panels `panelRange` (all by default).
    private func runSample(_ input: UnsafePointer<Float>, _ source: SourceGeometry,
                           _ output: UnsafeMutablePointer<Float>, oh: Int, ow: Int,
                           positions: Range<Int>, columnBlock: Int, scratch: ConvScratch,
                           weightPanels panelRange: Range<Int>? = nil) {
        let k = reductionLength
        let p = oh * ow
        let kBlocks = (k + gemmKC - 1) / gemmKC
        let weightPanels = (outChannels + gemmMR - 1) / gemmMR
        let panelRange = panelRange ?? 0..<weightPanels
        // Thin layers (few weight panels) use each packed value for few multiply-adds, so
        // packing can cost as much as the GEMM: read in-row panels straight from the source.
        // Wider layers reuse a packed panel over many weight panels and keep it in L1.
        let direct = weightPanels <= ConvolutionTuning.directMaxWeightPanels || inChannels <= ConvolutionTuning.directMaxInputChannels
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
                                columns: blockStart..<blockEnd, direct: direct, scratch: scratch)
                    let first = kb == 0, last = kb == kBlocks - 1
                    for jp in 0..<columnPanels {
                        let p0 = blockStart + jp * gemmNR
                        let cols = min(gemmNR, blockEnd - p0)
                        let b = UnsafePointer(scratch.columnsBuffer + jp * kc * gemmNR)
                        let directStart = scratch.directStart[jp]
                        for ip in panelRange {
                            let o0 = ip * gemmMR
                            let rows = min(gemmMR, outChannels - o0)
                            let a = panels + (ip * k + k0) * gemmMR
                            let epilogue = last ? TileEpilogue(scale: scale + o0, shift: shift + o0, relu: relu) : nil
                            let c = output + o0 * p + p0
                            if directStart >= 0 {
                                microkernel6x16Direct(kc: kc, a: a, source: input + directStart, taps: scratch.taps,
                                                      c: c, ldc: p, rows: rows, accumulate: !first, epilogue: epilogue)
                            } else if cols == gemmNR {
                                microkernel6x16(kc: kc, a: a, b: b, c: c, ldc: p, rows: rows,
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
    /// With `direct`, in-row panels are not copied: `scratch.directStart[q]` gets their source
    /// offset (it is -1 for packed panels) and the GEMM reads them through `scratch.taps`.
    private func packColumns(_ input: UnsafePointer<Float>, _ source: SourceGeometry, ow: Int,
                             k0: Int, kc: Int, columns: Range<Int>, direct: Bool, scratch: ConvScratch) {
        let buffer = scratch.columnsBuffer, taps = scratch.taps, offsets = scratch.offsets
        let window = kh * kw
        // Walk (channel, u, v) incrementally: integer division per element would cost more
        // than the multiply-adds on thin layers.
        var channel = k0 / window, u = (k0 % window) / kw, v = k0 % kw
        for kk in 0..<kc {
            taps[kk] = source.tap(channel: channel, u: u, v: v)
            v += 1
            if v == kw { v = 0; u += 1; if u == kh { u = 0; channel += 1 } }
        }
        let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let panelCount = (columns.count + gemmNR - 1) / gemmNR
        for q in 0..<panelCount {
            let p0 = columns.lowerBound + q * gemmNR
            let valid = min(gemmNR, columns.upperBound - p0)
            var y = p0 / ow, x = p0 % ow
            for j in 0..<gemmNR {
                offsets[j] = source.window(y: y, x: x)
                if j < valid - 1 { x += 1; if x == ow { x = 0; y += 1 } }
            }
            var split = 0
            for j in 1..<gemmNR where offsets[j] != offsets[j - 1] + 1 { split = j; break }
            let dst = buffer + q * kc * gemmNR
            scratch.directStart[q] = -1
            if split == 0 && direct && valid == gemmNR {
                scratch.directStart[q] = offsets[0]
            } else if split == 0 {
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
    /// The copy holds padded rows firstRow ..< firstRow + rows (a band), all of them by default.
    var firstRow = 0
    var rows: Int

    init(channels: Int, h: Int, w: Int, padY: Int, padX: Int, strideY: Int, strideX: Int) {
        self.channels = channels; self.h = h; self.w = w; self.padY = padY; self.padX = padX
        self.strideY = strideY; self.strideX = strideX
        rows = h + 2 * padY
    }

    static let slack = 32
    var paddedH: Int { h + 2 * padY }
    var paddedW: Int { w + 2 * padX }
    var phaseWidth: Int { (paddedW + strideX - 1) / strideX }
    var rowLength: Int { strideX * phaseWidth }
    var plane: Int { rows * rowLength }
    var count: Int { channels * plane + SourceGeometry.slack }

    /// Output rows per band so that a band's copy stays within `budgetFloats` (at least one row).
    func outputRowsPerBand(kh: Int, oh: Int, budgetFloats: Int) -> Int {
        let inputRows = budgetFloats / max(1, channels * rowLength)
        return min(oh, max(1, (inputRows - kh) / strideY + 1))
    }

    /// The geometry of the copy that output rows `outputRows` read: padded rows
    /// y0*sy ..< (y1-1)*sy + kh.
    func band(outputRows: Range<Int>, kh: Int) -> SourceGeometry {
        var g = self
        g.firstRow = outputRows.lowerBound * strideY
        g.rows = (outputRows.upperBound - 1) * strideY + kh - g.firstRow
        return g
    }

    /// Offset of tap (channel, u, v) relative to a window's offset.
    @inline(__always) func tap(channel: Int, u: Int, v: Int) -> Int {
        channel * plane + u * rowLength + (v % strideX) * phaseWidth + v / strideX
    }

    /// Offset of the window of output position (y, x) (its tap (0, 0, 0)).
    @inline(__always) func window(y: Int, x: Int) -> Int { (y * strideY - firstRow) * rowLength + x }

    /// Writes the padded, phase-split copy of the band of `sample` into `buffer` (count floats). Every
    /// float is written (padding as zeros), so the buffer may hold stale data from a reuse.
    func prepare(_ sample: UnsafePointer<Float>, into buffer: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        let phaseWidth = phaseWidth, rowLength = rowLength, sx = strideX, plane = plane
        for c in 0..<channels {
            let channelBase = buffer + c * plane
            for row in 0..<rows {
                let dst = channelBase + row * rowLength
                let y = firstRow + row - padY   // input row, or padding
                if y < 0 || y >= h { dst.update(repeating: 0, count: rowLength); continue }
                let src = sample + (c * h + y) * w
                if sx == 1 {
                    dst.update(repeating: 0, count: padX)
                    (dst + padX).update(from: src, count: w)
                    (dst + padX + w).update(repeating: 0, count: rowLength - padX - w)
                } else if sx == 2 {
                    splitPhases2(src, count: w, padding: padX, into: dst, phaseWidth: phaseWidth)
                } else {
                    // Phase `phase` holds padded columns phase, phase + sx, ...; no divisions per element.
                    for phase in 0..<sx {
                        let d = dst + phase * phaseWidth
                        var x = phase - padX, i = 0
                        while x < 0 { d[i] = 0; x += sx; i += 1 }
                        while x < w && i < phaseWidth { d[i] = src[x]; x += sx; i += 1 }
                        while i < phaseWidth { d[i] = 0; i += 1 }
                    }
                }
            }
        }
        (buffer + channels * plane).update(repeating: 0, count: SourceGeometry.slack)
        return UnsafePointer(buffer)
    }
}

/// One row for a stride-2 layer: padded column px = x + padding goes to phase px & 1, index px >> 1,
/// of `into` (two phases of `phaseWidth` floats; what falls past a phase's end is dropped, the rest
/// of both phases is zero). Sixteen source floats at a time, split into their even and odd halves:
/// the scalar strided copy cost more than a stride-2 layer's GEMM on the detector's large inputs.
@inline(__always)
func splitPhases2(_ src: UnsafePointer<Float>, count w: Int, padding: Int,
                  into dst: UnsafeMutablePointer<Float>, phaseWidth: Int) {
    dst.update(repeating: 0, count: 2 * phaseWidth)
    let evenPhase = padding & 1                       // where even x land
    let evens = dst + evenPhase * phaseWidth + (padding >> 1)          // x = 2k -> evens[k]
    let odds = dst + (1 - evenPhase) * phaseWidth + ((padding + 1) >> 1)  // x = 2k + 1 -> odds[k]
    let evenRoom = phaseWidth - (padding >> 1), oddRoom = phaseWidth - ((padding + 1) >> 1)
    var k = 0
    while 2 * k + 16 <= w && k + 8 <= evenRoom && k + 8 <= oddRoom {
        let v = UnsafeRawPointer(src + 2 * k).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(evens + k).storeBytes(of: v.evenHalf, as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(odds + k).storeBytes(of: v.oddHalf, as: SIMD8<Float>.self)
        k += 8
    }
    var x = 2 * k
    while x < w {
        let px = x + padding
        if px >> 1 < phaseWidth { dst[(px & 1) * phaseWidth + (px >> 1)] = src[x] }
        x += 1
    }
}

/// Tuning knobs of the conv kernel (benchmarks flip them to compare variants in one process).
public enum ConvolutionTuning {
    /// Layers with at most this many 6-channel weight panels, or at most `directMaxInputChannels`
    /// input channels, read in-row panels in place instead of packing them; 0 turns that rule off.
    /// Measured (`exposure-bench kernels --ab-direct`, interleaved pairs): x1.58 on the detector's
    /// 45 -> 1 layer (before it got its own kernel), x1.17-1.21 on its 3 -> 16 first layer (short
    /// reduction: packing cost as much as the multiply-adds it fed), x0.86..x1.05 on the other
    /// layers with 3..6 panels.
    nonisolated(unsafe) public static var directMaxWeightPanels = 1
    nonisolated(unsafe) public static var directMaxInputChannels = 3
    /// 5x5 stride-1 layers with >= 16 input and output channels use Winograd F(2x2, 5x5)
    /// (Winograd5x5.swift); false runs them through the direct GEMM path (A/B benchmarks, tests).
    nonisolated(unsafe) public static var winograd5x5 = true
    /// One-output-channel stride-1 layers (the detector's 9x9 score layer) use the 2-row direct
    /// kernel (SingleOutputConvolution.swift); false runs them through the GEMM path.
    nonisolated(unsafe) public static var singleOutputDirect = true
    /// 5x5 stride-2 unpadded layers with >= 8 input and >= 16 output channels use Winograd
    /// F(4x4, 3x3) over their input's phases (WinogradStride2.swift); false: the GEMM path.
    nonisolated(unsafe) public static var winogradStride2 = true
}

/// Reuses the large per-call source copies: fresh multi-MB allocations are returned to the
/// OS on free, and page-faulting them in again cost ~15% of a detector layer.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()
    private let lock = NSLock()
    private var free: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []

    func take(_ capacity: Int) -> UnsafeMutablePointer<Float> {
        lock.lock(); defer { lock.unlock() }
        if let i = free.firstIndex(where: { $0.capacity >= capacity && $0.capacity <= 2 * capacity }) {
            return free.remove(at: i).pointer
        }
        return .allocate(capacity: capacity)
    }

    /// Keeps at most 4 buffers (two workers, a layer's input and a pyramid level or so).
    func give(_ pointer: UnsafeMutablePointer<Float>, _ capacity: Int) {
        lock.lock(); defer { lock.unlock() }
        free.append((pointer, capacity))
        if free.count > 4 { free.removeFirst().pointer.deallocate() }
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
    /// Per panel of the block: source offset when read in place, -1 when packed.
    let directStart: UnsafeMutablePointer<Int>

    init(columns: Int) {
        directStart = .allocate(capacity: (columns + gemmNR - 1) / gemmNR)
        taps = .allocate(capacity: gemmKC)
        offsets = .allocate(capacity: gemmNR)
        self.columns = columns
        let padded = (columns + gemmNR - 1) / gemmNR * gemmNR
        columnsBuffer = .allocate(capacity: padded * gemmKC)
        tile = .allocate(capacity: gemmMR * gemmNR)
        tile.initialize(repeating: 0, count: gemmMR * gemmNR)
    }

    deinit { columnsBuffer.deallocate(); tile.deallocate(); taps.deallocate(); offsets.deallocate(); directStart.deallocate() }
}
