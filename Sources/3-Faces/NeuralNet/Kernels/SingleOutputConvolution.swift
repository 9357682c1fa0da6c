// Direct convolution for layers with one output channel and stride 1: the detector's 9x9
// 45 -> 1 score layer (45 * 81 multiply-adds per output, nothing to share across output
// channels). Through the GEMM path every multiply-add loads its own input vector and the 1-row
// tile has few independent accumulators, so that layer ran at ~10 GFLOPS. Here a block of 2
// output rows x 32 columns is computed at once: each weight broadcast serves 64 outputs, and the
// 8 accumulator registers (AVX2) are independent chains that keep both FMA units busy.
// (Three rows x 32 columns needs 12 accumulators + 4 input registers: more than AVX2's 16, and
// the spills made it slower.)
//
// Blocks whose input window lies inside the input read it in place; blocks on the border first
// copy their window into a zero-padded tile, so the loops have no bounds tests.
import Foundation

struct SingleOutputConvolution: Sendable {
    static let blockRows = 2
    static let blockColumns = 32

    let inChannels: Int, kh: Int, kw: Int, padY: Int, padX: Int
    /// `[inChannels][kh][kw]`.
    let weights: [Float]

    static func applies(outChannels: Int, strideY: Int, strideX: Int, kh: Int, kw: Int) -> Bool {
        outChannels == 1 && strideY == 1 && strideX == 1 && kh >= 3 && kw >= 3 && kw <= 17
    }

    /// Floats of one block's input tile.
    var tileRowLength: Int { Self.blockColumns + kw - 1 }
    var tileCount: Int { inChannels * (Self.blockRows + kh - 1) * tileRowLength }

    /// One sample: input (C, H, W) -> output (1, oh, ow), `out = relu?(conv * scale + shift)`.
    func apply(_ input: UnsafePointer<Float>, h: Int, w: Int, _ output: UnsafeMutablePointer<Float>, oh: Int, ow: Int,
               scale: Float, shift: Float, relu: Bool) {
        let rowGroups = (oh + Self.blockRows - 1) / Self.blockRows
        let columnBlocks = (ow + Self.blockColumns - 1) / Self.blockColumns
        weights.withUnsafeBufferPointer { weights in
            let weights = weights.baseAddress!
            Parallel.forEachChunk(rowGroups, maxWorkers: max(1, rowGroups * columnBlocks / 8)) { _, groups in
                let tile = UnsafeMutablePointer<Float>.allocate(capacity: tileCount)
                defer { tile.deallocate() }
                for group in groups {
                    let y0 = group * Self.blockRows
                    let top = y0 - padY, rowsInside = top >= 0 && top + Self.blockRows + kh - 1 <= h
                    for block in 0..<columnBlocks {
                        let x0 = block * Self.blockColumns, left = x0 - padX
                        if rowsInside && left >= 0 && left + tileRowLength <= w {
                            block2x32(input + top * w + left, rowStride: w, channelStride: h * w, weights, output,
                                      oh: oh, ow: ow, y0: y0, x0: x0, scale: scale, shift: shift, relu: relu)
                        } else {
                            gather(input, h: h, w: w, y0: y0, x0: x0, into: tile)
                            block2x32(tile, rowStride: tileRowLength, channelStride: (Self.blockRows + kh - 1) * tileRowLength,
                                      weights, output, oh: oh, ow: ow, y0: y0, x0: x0, scale: scale, shift: shift, relu: relu)
                        }
                    }
                }
            }
        }
    }

    /// tile[c][r][j] = input[c][y0 + r - padY][x0 + j - padX], zero outside the input.
    private func gather(_ input: UnsafePointer<Float>, h: Int, w: Int, y0: Int, x0: Int, into tile: UnsafeMutablePointer<Float>) {
        let rows = Self.blockRows + kh - 1, length = tileRowLength
        let left = x0 - padX
        let inside = max(0, min(w, left + length) - max(0, left))   // columns that exist
        let skip = max(0, -left)                                     // tile columns before the input's first
        for c in 0..<inChannels {
            for r in 0..<rows {
                let dst = tile + (c * rows + r) * length
                let y = y0 + r - padY
                guard y >= 0 && y < h && inside > 0 else { dst.update(repeating: 0, count: length); continue }
                dst.update(repeating: 0, count: skip)
                (dst + skip).update(from: input + (c * h + y) * w + max(0, left), count: inside)
                (dst + skip + inside).update(repeating: 0, count: length - skip - inside)
            }
        }
    }

    @inline(__always)
    private func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    /// Output rows y0, y0 + 1 and columns x0 ..< x0+32 (those inside the output are stored), from the
    /// window at `window`: channel c's row r (input row y0 - padY + r) starts at c * channelStride + r * rowStride.
    private func block2x32(_ window: UnsafePointer<Float>, rowStride: Int, channelStride: Int, _ weights: UnsafePointer<Float>,
                           _ output: UnsafeMutablePointer<Float>, oh: Int, ow: Int, y0: Int, x0: Int,
                           scale: Float, shift: Float, relu: Bool) {
        var a0 = SIMD16<Float>(), b0 = SIMD16<Float>()     // output row y0: columns 0-15, 16-31
        var a1 = SIMD16<Float>(), b1 = SIMD16<Float>()     // y0 + 1
        for c in 0..<inChannels {
            let channel = window + c * channelStride, wc = weights + c * kh * kw
            for u in 0..<kh {
                let row0 = channel + u * rowStride, row1 = row0 + rowStride, wr = wc + u * kw
                for v in 0..<kw {
                    let weight = SIMD16<Float>(repeating: wr[v])
                    a0.addProduct(weight, load(row0 + v)); b0.addProduct(weight, load(row0 + v + 16))
                    a1.addProduct(weight, load(row1 + v)); b1.addProduct(weight, load(row1 + v + 16))
                }
            }
        }
        let columns = min(Self.blockColumns, ow - x0)
        for (i, (a, b)) in [(a0, b0), (a1, b1)].enumerated() where y0 + i < oh {
            var lo = a * scale + shift, hi = b * scale + shift
            if relu { lo = pointwiseMax(lo, SIMD16()); hi = pointwiseMax(hi, SIMD16()) }
            let out = output + (y0 + i) * ow + x0
            for j in 0..<min(16, columns) { out[j] = lo[j] }
            if columns > 16 { for j in 16..<columns { out[j] = hi[j - 16] } }
        }
    }
}
