// The GEMM micro-kernel behind every convolution.
//
// C[MR x NR] (+)= A[MR x kc] * B[kc x NR] with MR = 6 output channels broadcast from
// the packed weights and NR = 16 output positions loaded as one SIMD16 vector from
// the packed im2col panel. 6 accumulators of SIMD16 = 12 AVX2 registers, plus 2 for
// B and 1 broadcast: fits the 16 ymm registers, and 12 independent FMA chains hide
// the FMA latency (5 cycles on Zen 1). On arm64 the same code uses 24 of 32 q registers.

/// Output channels per micro-tile (rows broadcast from the weights).
public let gemmMR = 6
/// Output positions per micro-tile (one SIMD16 vector).
public let gemmNR = 16
/// Reduction block: a 16 x 256 B panel (16 KiB) stays in L1 while every weight panel passes.
let gemmKC = 256

/// Work done on a finished tile: out = max?(acc * scale[r] + shift[r], 0).
/// `scale`/`shift` point at the tile's first row; they hold at least MR values.
struct TileEpilogue {
    var scale: UnsafePointer<Float>
    var shift: UnsafePointer<Float>
    var relu: Bool
}

@inline(__always)
private func loadVector(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
private func storeVector(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}

@inline(__always)
private func finish(_ v: SIMD16<Float>, _ e: TileEpilogue, _ row: Int) -> SIMD16<Float> {
    var r = v * e.scale[row] + e.shift[row]
    if e.relu { r = pointwiseMax(r, SIMD16<Float>()) }
    return r
}

/// One 6x16 tile. `a`: kc groups of 6 weights; `b`: kc groups of 16 inputs;
/// `c`: `rows` (<= 6) rows of 16 floats, `ldc` floats apart. `accumulate` adds to what is in `c`
/// (K split into several blocks); `epilogue` is applied after the last block only.
@inline(never)
func microkernel6x16(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int = gemmMR,
                     accumulate: Bool, epilogue: TileEpilogue?) {
    if rows == 1 {
        tile1x16(kc: kc, a: a, c: c, accumulate: accumulate, epilogue: epilogue) { kk in loadVector(b + kk * gemmNR) }
        return
    }
    tile6x16(kc: kc, a: a, c: c, ldc: ldc, rows: rows, accumulate: accumulate, epilogue: epilogue) { kk in
        loadVector(b + kk * gemmNR)
    }
}

/// The same tile with B read in place instead of from a packed panel: row kk of B is the
/// 16 consecutive floats at `source + taps[kk]` (implicit im2col; no packing pass).
@inline(never)
func microkernel6x16Direct(kc: Int, a: UnsafePointer<Float>, source: UnsafePointer<Float>, taps: UnsafePointer<Int>,
                           c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int = gemmMR,
                           accumulate: Bool, epilogue: TileEpilogue?) {
    if rows == 1 {
        tile1x16(kc: kc, a: a, c: c, accumulate: accumulate, epilogue: epilogue) { kk in loadVector(source + taps[kk]) }
        return
    }
    tile6x16(kc: kc, a: a, c: c, ldc: ldc, rows: rows, accumulate: accumulate, epilogue: epilogue) { kk in
        loadVector(source + taps[kk])
    }
}

/// A single output channel (the detector's final 45 -> 1 conv): skip the 5 padding rows
/// of the panel and split the reduction over 4 accumulators to hide the FMA latency.
@inline(__always)
private func tile1x16(kc: Int, a: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                      accumulate: Bool, epilogue: TileEpilogue?, loadB: (Int) -> SIMD16<Float>) {
    var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
    var kk = 0
    while kk + 4 <= kc {
        s0.addProduct(SIMD16(repeating: a[kk * gemmMR]), loadB(kk))
        s1.addProduct(SIMD16(repeating: a[(kk + 1) * gemmMR]), loadB(kk + 1))
        s2.addProduct(SIMD16(repeating: a[(kk + 2) * gemmMR]), loadB(kk + 2))
        s3.addProduct(SIMD16(repeating: a[(kk + 3) * gemmMR]), loadB(kk + 3))
        kk += 4
    }
    while kk < kc { s0.addProduct(SIMD16(repeating: a[kk * gemmMR]), loadB(kk)); kk += 1 }
    var sum = (s0 + s1) + (s2 + s3)
    if accumulate { sum += loadVector(c) }
    if let e = epilogue { sum = finish(sum, e, 0) }
    storeVector(sum, c)
}

@inline(__always)
private func tile6x16(kc: Int, a: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int,
                      accumulate: Bool, epilogue: TileEpilogue?, loadB: (Int) -> SIMD16<Float>) {
    var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>()
    var c3 = SIMD16<Float>(), c4 = SIMD16<Float>(), c5 = SIMD16<Float>()
    if accumulate {
        c0 = loadVector(c)
        if rows > 1 { c1 = loadVector(c + ldc) }
        if rows > 2 { c2 = loadVector(c + 2 * ldc) }
        if rows > 3 { c3 = loadVector(c + 3 * ldc) }
        if rows > 4 { c4 = loadVector(c + 4 * ldc) }
        if rows > 5 { c5 = loadVector(c + 5 * ldc) }
    }
    var a = a
    for kk in 0..<kc {
        let bv = loadB(kk)
        c0.addProduct(SIMD16(repeating: a[0]), bv)
        c1.addProduct(SIMD16(repeating: a[1]), bv)
        c2.addProduct(SIMD16(repeating: a[2]), bv)
        c3.addProduct(SIMD16(repeating: a[3]), bv)
        c4.addProduct(SIMD16(repeating: a[4]), bv)
        c5.addProduct(SIMD16(repeating: a[5]), bv)
        a += 6
    }
    if let e = epilogue {
        c0 = finish(c0, e, 0); c1 = finish(c1, e, 1); c2 = finish(c2, e, 2)
        c3 = finish(c3, e, 3); c4 = finish(c4, e, 4); c5 = finish(c5, e, 5)
    }
    // Only `rows` rows exist in the output (the last weight panel may be partly padding).
    storeVector(c0, c)
    if rows > 1 { storeVector(c1, c + ldc) }
    if rows > 2 { storeVector(c2, c + 2 * ldc) }
    if rows > 3 { storeVector(c3, c + 3 * ldc) }
    if rows > 4 { storeVector(c4, c + 4 * ldc) }
    if rows > 5 { storeVector(c5, c + 5 * ldc) }
}

/// Packs a row-major `rows x k` matrix into MR-row panels: panel p holds, for each
/// kk in 0..<k, the MR values m[p*MR + r][kk] (zeros past the last row).
/// Layout: [panel][kk][r], `panelCount * k * MR` floats.
func packWeightPanels(_ m: [Float], rows: Int, k: Int) -> [Float] {
    let panelCount = (rows + gemmMR - 1) / gemmMR
    var packed = [Float](repeating: 0, count: panelCount * k * gemmMR)
    for row in 0..<rows {
        let panel = row / gemmMR, r = row % gemmMR
        for kk in 0..<k {
            packed[(panel * k + kk) * gemmMR + r] = m[row * k + kk]
        }
    }
    return packed
}

/// Runs the micro-kernel alone on L1-resident panels (the machine's usable peak), for
/// benchmarks: `iterations` tiles with kc = 256. Returns the FLOPs performed; the caller times it.
public func runMicrokernelForBenchmark(iterations: Int) -> Double {
    let kc = gemmKC
    let a = UnsafeMutablePointer<Float>.allocate(capacity: kc * gemmMR)
    let b = UnsafeMutablePointer<Float>.allocate(capacity: kc * gemmNR)
    let c = UnsafeMutablePointer<Float>.allocate(capacity: gemmMR * gemmNR)
    defer { a.deallocate(); b.deallocate(); c.deallocate() }
    for i in 0..<(kc * gemmMR) { a[i] = Float(i % 7) * 1e-3 }
    for i in 0..<(kc * gemmNR) { b[i] = Float(i % 5) * 1e-3 }
    c.initialize(repeating: 0, count: gemmMR * gemmNR)
    for _ in 0..<iterations {
        microkernel6x16(kc: kc, a: a, b: b, c: c, ldc: gemmNR, accumulate: true, epilogue: nil)
    }
    return 2.0 * Double(kc * gemmMR * gemmNR) * Double(iterations)
}
