// Winograd F(2x2, 5x5): the detector's 5x5 stride-1 layers (32/45 -> 45 channels, 57% of its
// FLOPs) with 2.6x fewer multiply-adds than direct convolution.
//
// Each 2x2 block of outputs ("tile") comes from a 6x6 input patch d:
//     Y = A^T [ (G g G^T) ⊙ (B^T d B) ] A          (g: one 5x5 filter, cross-correlation)
// with interpolation points 0, 1, -1, 2, -2 and infinity:
//     B^T = [ 4  0 -5  0  1  0 ]    G = [  1/4     0     0     0     0 ]    A^T = [ 1 1  1 1  1 0 ]
//           [ 0 -4 -4  1  1  0 ]        [ -1/6  -1/6  -1/6  -1/6  -1/6 ]          [ 0 1 -1 2 -2 1 ]
//           [ 0  4 -4 -1  1  0 ]        [ -1/6   1/6  -1/6   1/6  -1/6 ]
//           [ 0 -2 -1  2  1  0 ]        [ 1/24  1/12   1/6   1/3   2/3 ]
//           [ 0  2 -1 -2  1  0 ]        [ 1/24 -1/12   1/6  -1/3   2/3 ]
//           [ 0  4  0 -5  0  1 ]        [    0     0     0     0     1 ]
// (B^T solved exactly from A^T and G; WinogradTests checks the identity and the layer against
// ReferenceOps.) Per output channel o and input channel c, U[ξ] = (G g G^T)[ξ] for the 36
// positions ξ, computed once at load time; then for a block of 16 tiles along a tile row:
//   1. input transform: V[ξ][c][t] = (B^T d B)[ξ] for each channel and tile, SIMD over the 16 tiles
//      (the padded input is split into even and odd columns, so the tiles' patches are contiguous);
//   2. 36 small GEMMs M[ξ] (O x 16) = U[ξ] (O x C) * V[ξ] (C x 16) on the 6x16 micro-kernel;
//   3. output transform Y = A^T M A per channel, then the fused bias/affine/relu epilogue.
// Float32 rounding differs from direct convolution by ~1e-6 relative (the transforms' largest
// coefficient is 5); the detector goldens hold.
import Foundation

/// The filters of one 5x5 stride-1 pad-2 convolution, transformed for F(2x2, 5x5).
struct Winograd5x5: Sendable {
    let outChannels: Int
    let inChannels: Int
    /// 36 matrices U[ξ] (outChannels x inChannels), each packed like `packWeightPanels`.
    let panels: [Float]
    var weightPanels: Int { (outChannels + gemmMR - 1) / gemmMR }

    static let g: [[Double]] = [
        [1.0 / 4, 0, 0, 0, 0],
        [-1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6],
        [-1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6],
        [1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3, 2.0 / 3],
        [1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3, 2.0 / 3],
        [0, 0, 0, 0, 1],
    ]

    /// Whether a layer has the shape this kernel is for.
    static func applies(kh: Int, kw: Int, strideY: Int, strideX: Int, padY: Int, padX: Int, inChannels: Int, outChannels: Int) -> Bool {
        kh == 5 && kw == 5 && strideY == 1 && strideX == 1 && padY == 2 && padX == 2 && inChannels >= 16 && outChannels >= 16
    }

    /// - Parameter weights: `[outChannels][inChannels][5][5]`.
    init(weights: [Float], outChannels: Int, inChannels: Int) {
        self.outChannels = outChannels
        self.inChannels = inChannels
        let plane = outChannels * inChannels
        var u = [Float](repeating: 0, count: 36 * plane)
        for o in 0..<outChannels {
            for c in 0..<inChannels {
                let base = (o * inChannels + c) * 25
                // t = G g (6x5), U = t G^T (6x6), in Double.
                var t = [[Double]](repeating: [Double](repeating: 0, count: 5), count: 6)
                for r in 0..<6 { for x in 0..<5 { for k in 0..<5 { t[r][x] += Self.g[r][k] * Double(weights[base + k * 5 + x]) } } }
                for r in 0..<6 {
                    for s in 0..<6 {
                        var v = 0.0
                        for k in 0..<5 { v += t[r][k] * Self.g[s][k] }
                        u[(r * 6 + s) * plane + o * inChannels + c] = Float(v)
                    }
                }
            }
        }
        panels = packWinogradPanels(u, rows: outChannels, k: inChannels)
    }

    /// input (C, H, W) of one sample -> output (O, H, W), `out = relu?(conv * scale + shift)` per channel.
    func apply(_ input: UnsafePointer<Float>, h: Int, w: Int, _ output: UnsafeMutablePointer<Float>,
               scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, relu: Bool) {
        let tilesY = (h + 1) / 2, tilesX = (w + 1) / 2
        let blocksX = (tilesX + gemmNR - 1) / gemmNR
        // Padded input, each row split into even and odd columns: padded column x + 2 = 2 * col + phase.
        let halfWidth = blocksX * gemmNR + 2
        let paddedRows = 2 * tilesY + 4
        let rowFloats = 2 * halfWidth
        let c = inChannels
        let paddedCount = c * paddedRows * rowFloats
        let padded = UnsafeMutablePointer<Float>.allocate(capacity: paddedCount)
        defer { padded.deallocate() }
        Parallel.forEachChunk(c) { _, channels in
            for ch in channels {
                let plane = padded + ch * paddedRows * rowFloats
                // Zero rows above and below the image; each image row split into its column phases.
                plane.update(repeating: 0, count: 2 * rowFloats)
                (plane + (h + 2) * rowFloats).update(repeating: 0, count: (paddedRows - h - 2) * rowFloats)
                for y in 0..<h {
                    splitPhases2(input + (ch * h + y) * w, count: w, padding: 2,
                                 into: plane + (y + 2) * rowFloats, phaseWidth: halfWidth)
                }
            }
        }
        Parallel.forEachChunk(tilesY) { _, tileRows in
            let kPadded = weightPanels * gemmMR
            let v = UnsafeMutablePointer<Float>.allocate(capacity: 36 * c * gemmNR)
            let m = UnsafeMutablePointer<Float>.allocate(capacity: 36 * kPadded * gemmNR)
            let vectors = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: 36)
            defer { v.deallocate(); m.deallocate(); vectors.deallocate() }
            panels.withUnsafeBufferPointer { u in
                for ty in tileRows {
                    for block in 0..<blocksX {
                        let tx0 = block * gemmNR
                        transformInput(padded, rowFloats: rowFloats, paddedRows: paddedRows, halfWidth: halfWidth,
                                       ty: ty, tx0: tx0, into: v, scratch: vectors)
                        winogradProducts(u.baseAddress!, v, into: m, rows: outChannels, k: c)
                        transformOutput(m, kPadded: kPadded, ty: ty, tx0: tx0, h: h, w: w, output,
                                        scale: scale, shift: shift, relu: relu, scratch: vectors)
                    }
                }
            }
        }
    }

    /// B^T x for one column of six values (also the row pass, B^T applied to a transposed row).
    @inline(__always)
    static func bt(_ x0: SIMD16<Float>, _ x1: SIMD16<Float>, _ x2: SIMD16<Float>, _ x3: SIMD16<Float>,
                           _ x4: SIMD16<Float>, _ x5: SIMD16<Float>)
        -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
        let a = x4 - 4 * x2, b = x3 - 4 * x1          // rows 1 and 2 of B^T: a + b, a - b
        let c = x4 - x2, d = 2 * (x3 - x1)            // rows 3 and 4: c + d, c - d
        return (4 * x0 - 5 * x2 + x4, a + b, a - b, c + d, c - d, 4 * x1 - 5 * x3 + x5)
    }

    /// V[ξ][c][t] = (B^T d B)[ξ] for the 16 tiles from `tx0` in tile row `ty`, every channel.
    private func transformInput(_ padded: UnsafePointer<Float>, rowFloats: Int, paddedRows: Int, halfWidth: Int,
                                ty: Int, tx0: Int, into v: UnsafeMutablePointer<Float>,
                                scratch e: UnsafeMutablePointer<SIMD16<Float>>) {
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
            UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
        }
        @inline(__always) func store(_ x: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
            UnsafeMutableRawPointer(p).storeBytes(of: x, as: SIMD16<Float>.self)
        }
        for ch in 0..<inChannels {
            // e = B^T d: six columns j, each the transform of the patch's six rows.
            let top = padded + (ch * paddedRows + 2 * ty) * rowFloats
            for j in 0..<6 {
                let column = top + (j & 1) * halfWidth + tx0 + (j >> 1)
                let r = Self.bt(load(column), load(column + rowFloats), load(column + 2 * rowFloats),
                                load(column + 3 * rowFloats), load(column + 4 * rowFloats), load(column + 5 * rowFloats))
                e[j] = r.0; e[6 + j] = r.1; e[12 + j] = r.2; e[18 + j] = r.3; e[24 + j] = r.4; e[30 + j] = r.5
            }
            // V = e B: the same transform along each row of e.
            for row in 0..<6 {
                let r = Self.bt(e[row * 6], e[row * 6 + 1], e[row * 6 + 2], e[row * 6 + 3], e[row * 6 + 4], e[row * 6 + 5])
                let xi = row * 6
                store(r.0, v + ((xi + 0) * inChannels + ch) * gemmNR)
                store(r.1, v + ((xi + 1) * inChannels + ch) * gemmNR)
                store(r.2, v + ((xi + 2) * inChannels + ch) * gemmNR)
                store(r.3, v + ((xi + 3) * inChannels + ch) * gemmNR)
                store(r.4, v + ((xi + 4) * inChannels + ch) * gemmNR)
                store(r.5, v + ((xi + 5) * inChannels + ch) * gemmNR)
            }
        }
    }

    /// Y = A^T M A per output channel, epilogue, stored where the tiles lie inside the output.
    private func transformOutput(_ m: UnsafePointer<Float>, kPadded: Int, ty: Int, tx0: Int, h: Int, w: Int,
                                 _ output: UnsafeMutablePointer<Float>,
                                 scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, relu: Bool,
                                 scratch t: UnsafeMutablePointer<SIMD16<Float>>) {
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
            UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
        }
        @inline(__always) func at(_ x0: SIMD16<Float>, _ x1: SIMD16<Float>, _ x2: SIMD16<Float>, _ x3: SIMD16<Float>,
                                  _ x4: SIMD16<Float>, _ x5: SIMD16<Float>) -> (SIMD16<Float>, SIMD16<Float>) {
            let p = x1 + x2, q = x1 - x2, r = x3 + x4, s = x3 - x4
            return (x0 + p + r, q + 2 * s + x5)
        }
        let tiles = min(gemmNR, (w + 1) / 2 - tx0)
        for k in 0..<outChannels {
            @inline(__always) func mAt(_ xi: Int) -> SIMD16<Float> { load(m + (xi * kPadded + k) * gemmNR) }
            // t = A^T M: two rows of six (t[col], t[6 + col]).
            for col in 0..<6 {
                let r = at(mAt(col), mAt(6 + col), mAt(12 + col), mAt(18 + col), mAt(24 + col), mAt(30 + col))
                t[col] = r.0; t[6 + col] = r.1
            }
            let sc = SIMD16<Float>(repeating: scale[k]), sh = SIMD16<Float>(repeating: shift[k])
            for i in 0..<2 {
                var (even, odd) = at(t[6 * i], t[6 * i + 1], t[6 * i + 2], t[6 * i + 3], t[6 * i + 4], t[6 * i + 5])
                even = even * sc + sh; odd = odd * sc + sh
                if relu {
                    even = even.replacing(with: 0, where: even .< 0)
                    odd = odd.replacing(with: 0, where: odd .< 0)
                }
                t[12 + 2 * i] = even; t[13 + 2 * i] = odd
            }
            for i in 0..<2 {
                let y = 2 * ty + i
                guard y < h else { break }
                let dst = output + (k * h + y) * w
                let even = t[12 + 2 * i], odd = t[13 + 2 * i]
                for lane in 0..<tiles {
                    let x = 2 * (tx0 + lane)
                    dst[x] = even[lane]
                    if x + 1 < w { dst[x + 1] = odd[lane] }
                }
            }
        }
    }
}

/// The 36 matrices U[ξ] (`rows x k` each, stored one after another in `u`), each packed like
/// `packWeightPanels`: what `winogradProducts` reads.
func packWinogradPanels(_ u: [Float], rows: Int, k: Int) -> [Float] {
    let plane = rows * k
    var packed: [Float] = []
    for xi in 0..<36 {
        packed += packWeightPanels(Array(u[(xi * plane)..<((xi + 1) * plane)]), rows: rows, k: k)
    }
    return packed
}

/// The 36 small GEMMs of a Winograd 6x6 tile block: M[ξ] (rows x 16) = U[ξ] (rows x k) * V[ξ] (k x 16),
/// U from `packWinogradPanels`, V as k rows of 16 tiles per ξ; M[ξ] holds whole weight panels of rows.
func winogradProducts(_ u: UnsafePointer<Float>, _ v: UnsafePointer<Float>, into m: UnsafeMutablePointer<Float>, rows: Int, k: Int) {
    let weightPanels = (rows + gemmMR - 1) / gemmMR, kPadded = weightPanels * gemmMR
    let panelStride = weightPanels * k * gemmMR
    for xi in 0..<36 {
        for p in 0..<weightPanels {
            microkernel6x16(kc: k, a: u + xi * panelStride + p * k * gemmMR,
                            b: v + xi * k * gemmNR, c: m + (xi * kPadded + p * gemmMR) * gemmNR,
                            ldc: gemmNR, rows: min(gemmMR, rows - p * gemmMR),
                            accumulate: false, epilogue: nil)
        }
    }
}
