// Winograd F(4x4, 3x3) for 5x5 stride-2 convolutions without padding (the detector's second and
// third layers, 16 -> 32 and 32 -> 32 channels: 39% of its time on the GEMM path).
//
// A stride-2 convolution is a stride-1 one over the input's four phase images
// P[py][px][c][i][j] = x[c][2i + py][2j + px]: with u = 2a + py and v = 2b + px,
//     y[o][i][j] = sum over c, py, px, a, b < 3 of  w'[o][c,py,px][a][b] * P[py][px][c][i + a][j + b],
//     w'[o][c,py,px][a][b] = w[o][c][2a + py][2b + px]  (zero where 2a + py or 2b + px reaches 5),
// i.e. a 3x3 "valid" convolution with 4C input channels. That runs as F(4x4, 3x3): each 4x4 block
// of outputs (a "tile") comes from a 6x6 patch of every phase image,
//     Y = A^T [ (G g G^T) ⊙ (B^T d B) ] A
// with the interpolation points of Winograd5x5.swift (same B^T), and
//     G = [  1/4     0     0 ]    A^T = [ 1  1  1  1  1  0 ]
//         [ -1/6  -1/6  -1/6 ]          [ 0  1 -1  2 -2  0 ]
//         [ -1/6   1/6  -1/6 ]          [ 0  1  1  4  4  0 ]
//         [ 1/24  1/12   1/6 ]          [ 0  1 -1  8 -8  1 ]
//         [ 1/24 -1/12   1/6 ]
//         [    0     0     1 ]
// 36 multiply-adds per input channel and tile of 16 outputs on 4C channels = 9C per output,
// against 25C for the direct convolution (2.8x fewer).
//
// Tile (ti, tj)'s patch element (r, s) of phase (py, px) is x[8 ti + 2r + py][8 tj + 2s + px]: the
// same element of 16 consecutive tiles is 16 floats 8 apart. So each input row a tile row needs is
// first split into its 8 column phases (`splitPhases8`), after which those 16 values are
// contiguous; the transforms then run SIMD over 16 tiles like Winograd5x5's.
import Foundation

struct WinogradStride2: Sendable {
    let outChannels: Int
    let inChannels: Int
    /// 36 matrices U[ξ] (outChannels x 4*inChannels; column 4c + 2py + px), packed like `packWeightPanels`.
    let panels: [Float]
    var weightPanels: Int { (outChannels + gemmMR - 1) / gemmMR }
    var reduction: Int { 4 * inChannels }

    static let g: [[Double]] = [
        [1.0 / 4, 0, 0],
        [-1.0 / 6, -1.0 / 6, -1.0 / 6],
        [-1.0 / 6, 1.0 / 6, -1.0 / 6],
        [1.0 / 24, 1.0 / 12, 1.0 / 6],
        [1.0 / 24, -1.0 / 12, 1.0 / 6],
        [0, 0, 1],
    ]

    static func applies(kh: Int, kw: Int, strideY: Int, strideX: Int, padY: Int, padX: Int, inChannels: Int, outChannels: Int) -> Bool {
        kh == 5 && kw == 5 && strideY == 2 && strideX == 2 && padY == 0 && padX == 0 && inChannels >= 8 && outChannels >= 16
    }

    /// - Parameter weights: `[outChannels][inChannels][5][5]`.
    init(weights: [Float], outChannels: Int, inChannels: Int) {
        self.outChannels = outChannels
        self.inChannels = inChannels
        let k = 4 * inChannels
        let plane = outChannels * k
        var u = [Float](repeating: 0, count: 36 * plane)
        for o in 0..<outChannels {
            for c in 0..<inChannels {
                for py in 0..<2 {
                    for px in 0..<2 {
                        // The phase's 3x3 sub-filter, then U = G g G^T in Double.
                        var sub = [[Double]](repeating: [0, 0, 0], count: 3)
                        for a in 0..<3 where 2 * a + py < 5 {
                            for b in 0..<3 where 2 * b + px < 5 {
                                sub[a][b] = Double(weights[((o * inChannels + c) * 5 + 2 * a + py) * 5 + 2 * b + px])
                            }
                        }
                        var t = [[Double]](repeating: [0, 0, 0], count: 6)
                        for r in 0..<6 { for x in 0..<3 { for j in 0..<3 { t[r][x] += Self.g[r][j] * sub[j][x] } } }
                        let column = 4 * c + 2 * py + px
                        for r in 0..<6 {
                            for s in 0..<6 {
                                var v = 0.0
                                for j in 0..<3 { v += t[r][j] * Self.g[s][j] }
                                u[(r * 6 + s) * plane + o * k + column] = Float(v)
                            }
                        }
                    }
                }
            }
        }
        panels = packWinogradPanels(u, rows: outChannels, k: k)
    }

    /// input (C, H, W) of one sample -> output (O, (H-5)/2+1, (W-5)/2+1), `out = relu?(conv * scale + shift)`.
    func apply(_ input: UnsafePointer<Float>, h: Int, w: Int, _ output: UnsafeMutablePointer<Float>,
               scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, relu: Bool) {
        let oh = (h - 5) / 2 + 1, ow = (w - 5) / 2 + 1
        guard oh > 0 && ow > 0 else { return }
        let tilesY = (oh + 3) / 4, tilesX = (ow + 3) / 4
        let blocksX = (tilesX + gemmNR - 1) / gemmNR
        // One tile row reads input rows 8 ti ..< 8 ti + 12, each split into 8 column phases of
        // `phaseWidth` floats (a tile block reads phase indexes tx0 ..< tx0 + 17).
        let phaseWidth = blocksX * gemmNR + 1
        let rowFloats = 8 * phaseWidth
        let bandFloats = inChannels * 12 * rowFloats
        Parallel.forEachChunk(tilesY) { _, tileRows in
            let kPadded = weightPanels * gemmMR
            let band = UnsafeMutablePointer<Float>.allocate(capacity: bandFloats)
            let v = UnsafeMutablePointer<Float>.allocate(capacity: 36 * reduction * gemmNR)
            let m = UnsafeMutablePointer<Float>.allocate(capacity: 36 * kPadded * gemmNR)
            let vectors = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: 36)
            defer { band.deallocate(); v.deallocate(); m.deallocate(); vectors.deallocate() }
            panels.withUnsafeBufferPointer { u in
                for ty in tileRows {
                    for ch in 0..<inChannels {
                        for r in 0..<12 {
                            let dst = band + (ch * 12 + r) * rowFloats
                            let y = 8 * ty + r
                            if y < h {
                                splitPhases8(input + (ch * h + y) * w, count: w, into: dst, phaseWidth: phaseWidth)
                            } else {
                                dst.update(repeating: 0, count: rowFloats)
                            }
                        }
                    }
                    for block in 0..<blocksX {
                        let tx0 = block * gemmNR
                        transformInput(band, rowFloats: rowFloats, phaseWidth: phaseWidth, tx0: tx0, into: v, scratch: vectors)
                        winogradProducts(u.baseAddress!, v, into: m, rows: outChannels, k: reduction)
                        transformOutput(m, kPadded: kPadded, ty: ty, tx0: tx0, oh: oh, ow: ow, output,
                                        scale: scale, shift: shift, relu: relu, scratch: vectors)
                    }
                }
            }
        }
    }

    /// V[ξ][4c + 2py + px][t] = (B^T d B)[ξ] for the 16 tiles from `tx0` of the band's tile row.
    private func transformInput(_ band: UnsafePointer<Float>, rowFloats: Int, phaseWidth: Int, tx0: Int,
                                into v: UnsafeMutablePointer<Float>, scratch e: UnsafeMutablePointer<SIMD16<Float>>) {
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
            UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
        }
        @inline(__always) func store(_ x: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
            UnsafeMutableRawPointer(p).storeBytes(of: x, as: SIMD16<Float>.self)
        }
        let k = reduction
        for ch in 0..<inChannels {
            for py in 0..<2 {
                for px in 0..<2 {
                    // Patch row r is band row 2r + py; patch column s is column 2s + px of the tile,
                    // i.e. phase (2s + px) % 8 at index tx0 + (2s + px) / 8.
                    let top = band + (ch * 12 + py) * rowFloats
                    for s in 0..<6 {
                        let x = 2 * s + px
                        let column = top + (x & 7) * phaseWidth + tx0 + (x >> 3)
                        let r = Winograd5x5.bt(load(column), load(column + 2 * rowFloats), load(column + 4 * rowFloats),
                                               load(column + 6 * rowFloats), load(column + 8 * rowFloats), load(column + 10 * rowFloats))
                        e[s] = r.0; e[6 + s] = r.1; e[12 + s] = r.2; e[18 + s] = r.3; e[24 + s] = r.4; e[30 + s] = r.5
                    }
                    let channel = 4 * ch + 2 * py + px
                    for row in 0..<6 {
                        let r = Winograd5x5.bt(e[row * 6], e[row * 6 + 1], e[row * 6 + 2], e[row * 6 + 3], e[row * 6 + 4], e[row * 6 + 5])
                        let xi = row * 6
                        store(r.0, v + ((xi + 0) * k + channel) * gemmNR)
                        store(r.1, v + ((xi + 1) * k + channel) * gemmNR)
                        store(r.2, v + ((xi + 2) * k + channel) * gemmNR)
                        store(r.3, v + ((xi + 3) * k + channel) * gemmNR)
                        store(r.4, v + ((xi + 4) * k + channel) * gemmNR)
                        store(r.5, v + ((xi + 5) * k + channel) * gemmNR)
                    }
                }
            }
        }
    }

    /// A^T x for one column of six values: four outputs.
    @inline(__always)
    private static func at(_ x0: SIMD16<Float>, _ x1: SIMD16<Float>, _ x2: SIMD16<Float>, _ x3: SIMD16<Float>,
                           _ x4: SIMD16<Float>, _ x5: SIMD16<Float>) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
        let p = x1 + x2, q = x1 - x2, r = x3 + x4, s = x3 - x4
        return (x0 + p + r, q + 2 * s, p + 4 * r, q + 8 * s + x5)
    }

    /// Y = A^T M A per output channel, epilogue, stored where the tiles lie inside the output.
    private func transformOutput(_ m: UnsafePointer<Float>, kPadded: Int, ty: Int, tx0: Int, oh: Int, ow: Int,
                                 _ output: UnsafeMutablePointer<Float>,
                                 scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, relu: Bool,
                                 scratch t: UnsafeMutablePointer<SIMD16<Float>>) {
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
            UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
        }
        let tiles = min(gemmNR, (ow + 3) / 4 - tx0)
        for k in 0..<outChannels {
            @inline(__always) func mAt(_ xi: Int) -> SIMD16<Float> { load(m + (xi * kPadded + k) * gemmNR) }
            // t = A^T M: four rows of six (t[6i + col]).
            for col in 0..<6 {
                let r = Self.at(mAt(col), mAt(6 + col), mAt(12 + col), mAt(18 + col), mAt(24 + col), mAt(30 + col))
                t[col] = r.0; t[6 + col] = r.1; t[12 + col] = r.2; t[18 + col] = r.3
            }
            let sc = SIMD16<Float>(repeating: scale[k]), sh = SIMD16<Float>(repeating: shift[k])
            for i in 0..<4 {
                let y = 4 * ty + i
                guard y < oh else { break }
                var (c0, c1, c2, c3) = Self.at(t[6 * i], t[6 * i + 1], t[6 * i + 2], t[6 * i + 3], t[6 * i + 4], t[6 * i + 5])
                c0 = c0 * sc + sh; c1 = c1 * sc + sh; c2 = c2 * sc + sh; c3 = c3 * sc + sh
                if relu {
                    let zero = SIMD16<Float>()
                    c0 = pointwiseMax(c0, zero); c1 = pointwiseMax(c1, zero); c2 = pointwiseMax(c2, zero); c3 = pointwiseMax(c3, zero)
                }
                let dst = output + (k * oh + y) * ow
                for lane in 0..<tiles {
                    let x = 4 * (tx0 + lane)
                    if x + 4 <= ow {
                        dst[x] = c0[lane]; dst[x + 1] = c1[lane]; dst[x + 2] = c2[lane]; dst[x + 3] = c3[lane]
                    } else {
                        dst[x] = c0[lane]
                        if x + 1 < ow { dst[x + 1] = c1[lane] }
                        if x + 2 < ow { dst[x + 2] = c2[lane] }
                    }
                }
            }
        }
    }
}

/// One row split into its 8 column phases: `src[8q + m]` goes to `dst[m * phaseWidth + q]` for
/// q < phaseWidth; the rest of every phase is zero. 128 floats at a time by three rounds of
/// even/odd splits (the vector shuffles), then a scalar tail.
@inline(__always)
func splitPhases8(_ src: UnsafePointer<Float>, count w: Int, into dst: UnsafeMutablePointer<Float>, phaseWidth: Int) {
    dst.update(repeating: 0, count: 8 * phaseWidth)
    @inline(__always) func load(_ i: Int) -> SIMD16<Float> { UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<Float>.self) }
    @inline(__always) func split(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> (even: SIMD16<Float>, odd: SIMD16<Float>) {
        (SIMD16(lowHalf: a.evenHalf, highHalf: b.evenHalf), SIMD16(lowHalf: a.oddHalf, highHalf: b.oddHalf))
    }
    var q = 0
    while 8 * q + 128 <= w && q + 16 <= phaseWidth {
        let base = 8 * q
        // Round 1: columns by x % 2; round 2: by x % 4; round 3: by x % 8.
        let s0 = split(load(base), load(base + 16)), s1 = split(load(base + 32), load(base + 48))
        let s2 = split(load(base + 64), load(base + 80)), s3 = split(load(base + 96), load(base + 112))
        let e0 = split(s0.even, s1.even), e1 = split(s2.even, s3.even)        // x%4 == 0, 2
        let o0 = split(s0.odd, s1.odd), o1 = split(s2.odd, s3.odd)            // x%4 == 1, 3
        let p0 = split(e0.even, e1.even), p2 = split(e0.odd, e1.odd)          // x%8 == 0, 4 and 2, 6
        let p1 = split(o0.even, o1.even), p3 = split(o0.odd, o1.odd)          // x%8 == 1, 5 and 3, 7
        @inline(__always) func put(_ v: SIMD16<Float>, _ phase: Int) {
            UnsafeMutableRawPointer(dst + phase * phaseWidth + q).storeBytes(of: v, as: SIMD16<Float>.self)
        }
        put(p0.even, 0); put(p0.odd, 4); put(p2.even, 2); put(p2.odd, 6)
        put(p1.even, 1); put(p1.odd, 5); put(p3.even, 3); put(p3.odd, 7)
        q += 16
    }
    var x = 8 * q
    while x < w {
        if x >> 3 < phaseWidth { dst[(x & 7) * phaseWidth + (x >> 3)] = src[x] }
        x += 1
    }
}
