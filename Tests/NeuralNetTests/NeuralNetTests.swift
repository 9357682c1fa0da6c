import ExposureModel
import NeuralNet
import XCTest

/// ExposureModel's SplitMix64 with the helpers these tests draw shapes and values from, so
/// every run tests the same shapes and values.
struct SeededRandom {
    var base: SplitMix64
    init(seed: UInt64) { base = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { base.next() }
    /// Uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
    /// Uniform float in [-1, 1).
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
    mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in float() } }
    mutating func tensor(n: Int, k: Int, h: Int, w: Int) -> Tensor {
        Tensor(n: n, k: k, h: h, w: w, data: floats(n * k * h * w))
    }
}

/// Fails unless shapes match and every value is within `relative * max(1, max|expected|)`.
func assertClose(_ actual: Tensor, _ expected: Tensor, relative: Float = 1e-4, _ message: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "shape: \(message)", file: file, line: line)
    guard actual.shape == expected.shape else { return }
    let scale = max(1, expected.data.map(abs).max() ?? 0)
    var worst: Float = 0, worstIndex = 0
    for i in 0..<expected.count {
        let d = abs(actual.data[i] - expected.data[i])
        if !(d <= worst) { worst = d; worstIndex = i }   // also catches NaN
    }
    XCTAssertTrue(worst <= relative * scale,
                  "\(message): worst |diff| \(worst) at \(worstIndex) (scale \(scale))", file: file, line: line)
}

final class ConvolutionKernelTests: XCTestCase {
    private func randomConvolution(_ rng: inout SeededRandom, inChannels: Int, outChannels: Int,
                                   kernel: Int, stride: Int, pad: Int, bias: Bool = true) -> ConvolutionParameters {
        ConvolutionParameters(outChannels: outChannels, inChannels: inChannels, kh: kernel, kw: kernel,
                              strideY: stride, strideX: stride, padY: pad, padX: pad,
                              weights: rng.floats(outChannels * inChannels * kernel * kernel),
                              bias: bias ? rng.floats(outChannels) : [])
    }

    /// Many seeded random shapes: kernels 1..9, strides 1..3, paddings 0..4, odd channel counts, N 1..3.
    func testConvolutionMatchesReferenceOnRandomShapes() {
        var rng = SeededRandom(seed: 0xC0FFEE)
        let kernels = [1, 3, 5, 7, 9]
        for trial in 0..<60 {
            let kernel = kernels[trial % kernels.count]
            let stride = rng.int(1...(trial % 7 == 0 ? 3 : 2))
            let pad = rng.int(0...min(4, kernel))
            let inChannels = rng.int(1...13), outChannels = rng.int(1...23)
            let h = rng.int(max(1, kernel - 2 * pad)...(kernel + 17))
            let w = rng.int(max(1, kernel - 2 * pad)...(kernel + 23))
            let n = rng.int(1...3)
            let p = randomConvolution(&rng, inChannels: inChannels, outChannels: outChannels,
                                      kernel: kernel, stride: stride, pad: pad, bias: trial % 3 != 0)
            let x = rng.tensor(n: n, k: inChannels, h: h, w: w)
            assertClose(Ops.conv2d(x, p), ReferenceOps.conv2d(x, p),
                        "trial \(trial): \(n)x\(inChannels)x\(h)x\(w) k\(kernel) s\(stride) p\(pad) -> \(outChannels)")
        }
    }

    /// Non-square kernels/strides/paddings exercise the separate x and y index paths.
    func testConvolutionWithDifferentAxes() {
        var rng = SeededRandom(seed: 7)
        for trial in 0..<12 {
            let kh = rng.int(1...5), kw = rng.int(1...5)
            let outChannels = rng.int(1...9), inChannels = rng.int(1...5)
            let p = ConvolutionParameters(outChannels: outChannels, inChannels: inChannels, kh: kh, kw: kw,
                                          strideY: rng.int(1...2), strideX: rng.int(1...3),
                                          padY: rng.int(0...2), padX: rng.int(0...3),
                                          weights: rng.floats(outChannels * inChannels * kh * kw),
                                          bias: rng.floats(outChannels))
            let x = rng.tensor(n: 1, k: p.inChannels, h: rng.int(5...20), w: rng.int(5...26))
            assertClose(Ops.conv2d(x, p), ReferenceOps.conv2d(x, p), "trial \(trial) kh\(kh) kw\(kw)")
        }
    }

    /// K = 40*3*3 = 360 > 256 (two K blocks, accumulation path) and P = 900 (several column blocks).
    func testConvolutionWithLongReductionAndManyPositions() {
        var rng = SeededRandom(seed: 42)
        let p = randomConvolution(&rng, inChannels: 40, outChannels: 38, kernel: 3, stride: 1, pad: 1)
        let x = rng.tensor(n: 1, k: 40, h: 30, w: 30)
        assertClose(Ops.conv2d(x, p), ReferenceOps.conv2d(x, p), "40x30x30 3x3 -> 38")
        // One-panel layer (panels read in place) and a packed one, each with two K blocks: 40*3*3 = 360, 30 channels, 40-wide rows.
        for outChannels in [6, 30] {
            let thin = randomConvolution(&rng, inChannels: 40, outChannels: outChannels, kernel: 3, stride: 1, pad: 1)
            let t = rng.tensor(n: 2, k: 40, h: 9, w: 40)
            assertClose(Ops.conv2d(t, thin), ReferenceOps.conv2d(t, thin), "40x9x40 3x3 -> \(outChannels)")
        }
        // 9x9 45 -> 1, the detector's last layer (one output row of a 6-row panel).
        let last = randomConvolution(&rng, inChannels: 45, outChannels: 1, kernel: 9, stride: 1, pad: 4)
        let y = rng.tensor(n: 1, k: 45, h: 13, w: 37)
        assertClose(Ops.conv2d(y, last), ReferenceOps.conv2d(y, last), "45x13x21 9x9 -> 1")
    }

    /// Wide rows: 16-position panels that lie inside one output row take the vector-copy
    /// packing paths (stride 1: 16 contiguous floats; stride 2: every other float of 32).
    func testConvolutionOnWideRows() {
        var rng = SeededRandom(seed: 77)
        for (kernel, stride, pad, w) in [(5, 2, 0, 75), (5, 2, 0, 76), (3, 1, 1, 50), (5, 1, 2, 41), (7, 2, 0, 90), (3, 3, 1, 70), (1, 2, 0, 40)] {
            // 13 channels: packed panels; 5 channels: panels read in place (one weight panel).
            let p = randomConvolution(&rng, inChannels: 4, outChannels: w % 2 == 0 ? 13 : 5, kernel: kernel, stride: stride, pad: pad)
            let x = rng.tensor(n: 2, k: 4, h: 11, w: w)
            assertClose(Ops.conv2d(x, p), ReferenceOps.conv2d(x, p), "wide k\(kernel) s\(stride) p\(pad) w\(w)")
        }
    }

    /// Inputs too big for one L2-sized source copy run in bands of output rows (here 7 bands
    /// each), per sample, across threads, with packed and in-place panels.
    func testConvolutionInBands() {
        var rng = SeededRandom(seed: 123)
        for (kernel, stride, pad, outChannels, n) in [(3, 1, 1, 9, 1), (5, 2, 2, 5, 1), (3, 1, 1, 9, 2)] {
            let p = randomConvolution(&rng, inChannels: 40, outChannels: outChannels, kernel: kernel, stride: stride, pad: pad)
            let x = rng.tensor(n: n, k: 40, h: 150, w: 60)
            let expected = ReferenceOps.conv2d(x, p)
            let one = Parallel.withThreadCount(1) { Ops.conv2d(x, p) }
            let two = Parallel.withThreadCount(2) { Ops.conv2d(x, p) }
            assertClose(one, expected, "bands k\(kernel) s\(stride) -> \(outChannels), N=\(n)")
            XCTAssertEqual(one, two, "bands: 1 vs 2 threads, k\(kernel) s\(stride) N=\(n)")
        }
    }

    /// The fused epilogue equals relu(affine(conv)) computed by the reference ops.
    func testFusedAffineRelu() {
        var rng = SeededRandom(seed: 99)
        for (kernel, stride, pad, channels) in [(5, 2, 0, 16), (3, 1, 1, 32), (7, 2, 0, 7), (1, 1, 0, 45)] {
            let p = randomConvolution(&rng, inChannels: 5, outChannels: channels, kernel: kernel, stride: stride, pad: pad)
            let gamma = rng.floats(channels), beta = rng.floats(channels)
            let x = rng.tensor(n: 2, k: 5, h: 19, w: 23)
            let expected = ReferenceOps.relu(ReferenceOps.affine(ReferenceOps.conv2d(x, p), gamma: gamma, beta: beta))
            let packed = PackedConvolution(p, gamma: gamma, beta: beta, relu: true)
            let fused = Ops.conv2d(x, packed)
            assertClose(fused, expected, "fused k\(kernel) s\(stride) -> \(channels)")
            XCTAssertTrue(fused.data.contains(0) && fused.data.contains { $0 > 0 }, "relu should clip some values")
            let affineOnly = Ops.conv2d(x, PackedConvolution(p, gamma: gamma, beta: beta))
            assertClose(affineOnly, ReferenceOps.affine(ReferenceOps.conv2d(x, p), gamma: gamma, beta: beta),
                        "affine only k\(kernel)")
        }
    }

    /// Splitting work across threads never changes a value: each output keeps its summation order.
    func testThreadCountDoesNotChangeResults() {
        var rng = SeededRandom(seed: 5)
        let p = randomConvolution(&rng, inChannels: 30, outChannels: 20, kernel: 3, stride: 1, pad: 1)
        for n in [1, 3] {
            let x = rng.tensor(n: n, k: 30, h: 33, w: 35)
            let one = Parallel.withThreadCount(1) { Ops.conv2d(x, p) }
            let two = Parallel.withThreadCount(2) { Ops.conv2d(x, p) }
            XCTAssertEqual(one, two, "N=\(n)")
            assertClose(one, ReferenceOps.conv2d(x, p), "N=\(n) reference")
        }
    }

    /// Small planes with many channels split the output channels across threads (the ResNet tail).
    func testSmallPlanesManyChannels() {
        var rng = SeededRandom(seed: 31)
        for (size, stride, pad) in [(4, 1, 1), (3, 1, 1), (4, 2, 0), (1, 1, 1), (8, 1, 1)] {
            let p = randomConvolution(&rng, inChannels: 20, outChannels: 40, kernel: 3, stride: stride, pad: pad)
            let x = rng.tensor(n: 1, k: 20, h: size, w: size)
            let one = Parallel.withThreadCount(1) { Ops.conv2d(x, p) }
            let two = Parallel.withThreadCount(2) { Ops.conv2d(x, p) }
            assertClose(two, ReferenceOps.conv2d(x, p), "\(size)x\(size) s\(stride) -> 40")
            XCTAssertEqual(one, two, "\(size)x\(size): 1 vs 2 threads")
        }
    }

    /// Image-input layers (<= 3 channels, several weight panels: the detector's 3 -> 16 first layer)
    /// read their panels in place; the same values as packing them, and as the reference.
    func testImageInputLayersReadInPlaceAsIfPacked() {
        var rng = SeededRandom(seed: 41)
        for (c, o, h, w) in [(3, 16, 37, 71), (3, 16, 5, 5), (1, 13, 20, 40), (3, 32, 29, 30)] {
            let p = randomConvolution(&rng, inChannels: c, outChannels: o, kernel: 5, stride: 2, pad: 0)
            let x = rng.tensor(n: 2, k: c, h: h, w: w)
            let inPlace = Ops.conv2d(x, p)
            ConvolutionTuning.directMaxInputChannels = 0
            let packed = Ops.conv2d(x, p)
            ConvolutionTuning.directMaxInputChannels = 3
            XCTAssertEqual(inPlace, packed, "\(c)->\(o) @\(h)x\(w)")
            assertClose(inPlace, ReferenceOps.conv2d(x, p), "\(c)->\(o) @\(h)x\(w) reference")
        }
    }

    func testEmptyOutputWhenWindowDoesNotFit() {
        var rng = SeededRandom(seed: 1)
        let p = randomConvolution(&rng, inChannels: 2, outChannels: 3, kernel: 5, stride: 1, pad: 0)
        let out = Ops.conv2d(rng.tensor(n: 1, k: 2, h: 3, w: 9), p)
        XCTAssertEqual(out.shape, [1, 3, 0, 5])
    }
}

final class ElementwiseKernelTests: XCTestCase {
    func testAffineAndRelu() {
        var rng = SeededRandom(seed: 11)
        for (n, k, h, w) in [(1, 3, 5, 7), (2, 17, 9, 1), (3, 1, 1, 1)] {
            let x = rng.tensor(n: n, k: k, h: h, w: w)
            let gamma = rng.floats(k), beta = rng.floats(k)
            XCTAssertEqual(Ops.affine(x, gamma: gamma, beta: beta), ReferenceOps.affine(x, gamma: gamma, beta: beta))
            XCTAssertEqual(Ops.relu(x), ReferenceOps.relu(x))
            var inPlace = x
            Ops.affineInPlace(&inPlace, gamma: gamma, beta: beta, relu: true)
            XCTAssertEqual(inPlace, ReferenceOps.relu(ReferenceOps.affine(x, gamma: gamma, beta: beta)))
            XCTAssertTrue(inPlace.data.contains(0) || n * k * h * w < 4)
        }
    }

    /// Same shapes, and the ResNet's zero-padding cases: more channels, larger/smaller planes.
    func testAddPrevMatchesReference() {
        var rng = SeededRandom(seed: 12)
        let pairs: [((Int, Int, Int), (Int, Int, Int))] = [
            ((8, 5, 5), (8, 5, 5)),
            ((64, 17, 17), (32, 17, 17)),    // ares_down<64>: shortcut fills channels 0-31 only
            ((256, 3, 3), (128, 4, 4)),      // ares_down<256> at alevel1: sum is 256x4x4
            ((256, 1, 1), (256, 2, 2)),      // alevel0: only (0,0) gets the block
            ((3, 2, 7), (5, 4, 1)),
        ]
        for ((ak, ah, aw), (bk, bh, bw)) in pairs {
            let a = rng.tensor(n: 2, k: ak, h: ah, w: aw), b = rng.tensor(n: 2, k: bk, h: bh, w: bw)
            let expected = ReferenceOps.addPrev(a, b)
            XCTAssertEqual(Ops.addPrev(a, b), expected, "\(a.shape) + \(b.shape)")
            XCTAssertEqual(Ops.addPrevRelu(a, b), ReferenceOps.relu(expected), "relu \(a.shape) + \(b.shape)")
        }
    }

    func testFullyConnectedMatchesReference() {
        var rng = SeededRandom(seed: 13)
        for (n, k, h, w, outputs) in [(1, 256, 1, 1, 128), (3, 7, 2, 3, 5), (2, 1, 1, 1, 1)] {
            let x = rng.tensor(n: n, k: k, h: h, w: w)
            let weights = rng.floats(k * h * w * outputs)
            assertClose(Ops.fullyConnected(x, weights: weights, outputs: outputs),
                        ReferenceOps.fullyConnected(x, weights: weights, outputs: outputs), "fc \(x.shape) -> \(outputs)")
        }
    }
}

final class PoolingKernelTests: XCTestCase {
    func testPoolingMatchesReferenceOnRandomShapes() {
        var rng = SeededRandom(seed: 21)
        var windows: [PoolingParameters] = [
            PoolingParameters(kh: 3, kw: 3, strideY: 2, strideX: 2, padY: 0, padX: 0),   // ResNet max_pool
            PoolingParameters(kh: 2, kw: 2, strideY: 2, strideX: 2, padY: 0, padX: 0),   // ResNet avg_pool
            PoolingParameters(kh: 0, kw: 0, strideY: 1, strideX: 1, padY: 0, padX: 0),   // avg_pool_everything
        ]
        for _ in 0..<12 {
            let kh = rng.int(1...4), kw = rng.int(1...4)
            windows.append(PoolingParameters(kh: kh, kw: kw, strideY: rng.int(1...3), strideX: rng.int(1...3),
                                             padY: rng.int(0...(kh - 1)), padX: rng.int(0...(kw - 1))))
        }
        for (i, p) in windows.enumerated() {
            let x = rng.tensor(n: rng.int(1...2), k: rng.int(1...5), h: rng.int(4...19), w: rng.int(4...19))
            XCTAssertEqual(Ops.maxPool(x, p), ReferenceOps.maxPool(x, p), "max \(i): \(p) on \(x.shape)")
            assertClose(Ops.avgPool(x, p), ReferenceOps.avgPool(x, p), relative: 1e-6, "avg \(i): \(p) on \(x.shape)")
        }
        // The ResNet shapes: 32x72x72 -> 35x35 and 256x2x2 -> 1x1.
        let stem = rng.tensor(n: 1, k: 32, h: 72, w: 72)
        XCTAssertEqual(Ops.maxPool(stem, windows[0]).shape, [1, 32, 35, 35])
        XCTAssertEqual(Ops.maxPool(stem, windows[0]), ReferenceOps.maxPool(stem, windows[0]))
        let last = rng.tensor(n: 2, k: 256, h: 2, w: 2)
        XCTAssertEqual(Ops.avgPool(last, windows[2]).shape, [2, 256, 1, 1])
        assertClose(Ops.avgPool(last, windows[2]), ReferenceOps.avgPool(last, windows[2]), relative: 1e-6, "whole plane")
    }
}
