import XCTest
@testable import NeuralNet

/// Winograd F(2x2, 5x5) (Kernels/Winograd5x5.swift) against the naive reference and the direct path.
final class WinogradTests: XCTestCase {
    /// The transform identity in 1D, exactly in Double: A^T [(G g) ⊙ (B^T d)] equals the
    /// correlation of d (6 values) with g (5 taps) for random g and d.
    func testTransformMatricesComputeACorrelation() {
        let bt: [[Double]] = [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
                              [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]]
        let at: [[Double]] = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 1]]
        var rng = SeededRandom(seed: 5)
        for _ in 0..<20 {
            let g = (0..<5).map { _ in Double(rng.float()) }, d = (0..<6).map { _ in Double(rng.float()) }
            let gg = Winograd5x5.g.map { row in zip(row, g).map { $0 * $1 }.reduce(0, +) }
            let dd = bt.map { row in zip(row, d).map { $0 * $1 }.reduce(0, +) }
            let m = zip(gg, dd).map { $0 * $1 }
            for i in 0..<2 {
                let y = zip(at[i], m).map { $0 * $1 }.reduce(0, +)
                let expected = (0..<5).map { g[$0] * d[i + $0] }.reduce(0, +)
                XCTAssertEqual(y, expected, accuracy: 1e-12)
            }
        }
    }

    /// The detector's layer shapes and odd sizes (partial tiles, partial 16-tile blocks), with the
    /// fused affine and relu, against ReferenceOps; the direct GEMM path on the same input too.
    func testLayerMatchesReferenceAndDirectPath() {
        var rng = SeededRandom(seed: 0x5A5A)
        let shapes: [(c: Int, o: Int, h: Int, w: Int)] = [(45, 45, 19, 37), (32, 45, 20, 33), (16, 16, 5, 5),
                                                           (17, 23, 1, 1), (45, 45, 2, 70), (20, 30, 9, 3)]
        for (c, o, h, w) in shapes {
            let p = ConvolutionParameters(outChannels: o, inChannels: c, kh: 5, kw: 5, strideY: 1, strideX: 1, padY: 2, padX: 2,
                                          weights: rng.floats(o * c * 25), bias: rng.floats(o))
            let gamma = rng.floats(o), beta = rng.floats(o)
            let packed = PackedConvolution(p, gamma: gamma, beta: beta, relu: true)
            XCTAssertNotNil(packed.winograd, "\(c)->\(o) qualifies")
            let x = rng.tensor(n: 2, k: c, h: h, w: w)
            var expected = ReferenceOps.conv2d(x, p)
            expected = ReferenceOps.relu(ReferenceOps.affine(expected, gamma: gamma, beta: beta))
            let fast = packed.apply(x)
            assertClose(fast, expected, relative: 2e-5, "winograd \(c)->\(o) @\(h)x\(w)")
            ConvolutionTuning.winograd5x5 = false
            let direct = packed.apply(x)
            ConvolutionTuning.winograd5x5 = true
            assertClose(fast, direct, relative: 2e-5, "winograd vs direct \(c)->\(o) @\(h)x\(w)")
            XCTAssertGreaterThan(fast.data.filter { $0 == 0 }.count, 0, "relu applied")
        }
    }

    func testOnlyFiveByFiveStrideOneLayersQualify() {
        XCTAssertTrue(Winograd5x5.applies(kh: 5, kw: 5, strideY: 1, strideX: 1, padY: 2, padX: 2, inChannels: 45, outChannels: 45))
        XCTAssertFalse(Winograd5x5.applies(kh: 5, kw: 5, strideY: 2, strideX: 2, padY: 0, padX: 0, inChannels: 16, outChannels: 32))
        XCTAssertFalse(Winograd5x5.applies(kh: 3, kw: 3, strideY: 1, strideX: 1, padY: 1, padX: 1, inChannels: 64, outChannels: 64))
        XCTAssertFalse(Winograd5x5.applies(kh: 5, kw: 5, strideY: 1, strideX: 1, padY: 2, padX: 2, inChannels: 3, outChannels: 16))
    }
}

/// The vectorized stride-2 column split (Conv2D.swift `splitPhases2`) against its definition.
final class PhaseSplitTests: XCTestCase {
    func testMatchesTheDefinitionForEveryPaddingAndWidth() {
        var rng = SeededRandom(seed: 77)
        for w in [1, 2, 7, 15, 16, 17, 31, 32, 33, 64, 100] {
            for padding in 0...4 {
                for phaseWidth in [(w + 2 * padding + 1) / 2, (w + 2 * padding + 1) / 2 + 9, max(1, w / 4)] {
                    let src = rng.floats(w)
                    var expected = [Float](repeating: 0, count: 2 * phaseWidth)
                    for x in 0..<w where (x + padding) >> 1 < phaseWidth {
                        expected[((x + padding) & 1) * phaseWidth + ((x + padding) >> 1)] = src[x]
                    }
                    var actual = [Float](repeating: .nan, count: 2 * phaseWidth)
                    src.withUnsafeBufferPointer { s in
                        actual.withUnsafeMutableBufferPointer { d in
                            splitPhases2(s.baseAddress!, count: w, padding: padding, into: d.baseAddress!, phaseWidth: phaseWidth)
                        }
                    }
                    XCTAssertEqual(actual, expected, "w \(w) padding \(padding) phaseWidth \(phaseWidth)")
                }
            }
        }
    }
}

/// Winograd F(4x4, 3x3) over the input's phases for 5x5 stride-2 layers (Kernels/WinogradStride2.swift).
final class WinogradStride2Tests: XCTestCase {
    /// The 1D identity, exactly in Double: A^T [(G g) ⊙ (B^T d)] is the correlation of 6 values with 3 taps.
    func testTransformMatricesComputeACorrelation() {
        let bt: [[Double]] = [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
                              [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]]
        let at: [[Double]] = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]]
        var rng = SeededRandom(seed: 6)
        for _ in 0..<20 {
            let g = (0..<3).map { _ in Double(rng.float()) }, d = (0..<6).map { _ in Double(rng.float()) }
            let gg = WinogradStride2.g.map { row in zip(row, g).map { $0 * $1 }.reduce(0, +) }
            let dd = bt.map { row in zip(row, d).map { $0 * $1 }.reduce(0, +) }
            let m = zip(gg, dd).map { $0 * $1 }
            for i in 0..<4 {
                let y = zip(at[i], m).map { $0 * $1 }.reduce(0, +)
                XCTAssertEqual(y, (0..<3).map { g[$0] * d[i + $0] }.reduce(0, +), accuracy: 1e-12)
            }
        }
    }

    /// The detector's shapes and odd sizes (partial 4x4 tiles, partial 16-tile blocks, outputs of
    /// one row or column, widths past 128 for the vector phase split), with the fused affine and
    /// relu, against ReferenceOps and the GEMM path.
    func testLayerMatchesReferenceAndDirectPath() {
        var rng = SeededRandom(seed: 0x2B2B)
        let shapes: [(c: Int, o: Int, h: Int, w: Int)] = [(16, 32, 29, 141), (32, 32, 13, 300), (8, 16, 5, 5),
                                                           (16, 20, 6, 9), (9, 17, 40, 7), (16, 32, 11, 133)]
        for (c, o, h, w) in shapes {
            let p = ConvolutionParameters(outChannels: o, inChannels: c, kh: 5, kw: 5, strideY: 2, strideX: 2, padY: 0, padX: 0,
                                          weights: rng.floats(o * c * 25), bias: rng.floats(o))
            let gamma = rng.floats(o), beta = rng.floats(o)
            let packed = PackedConvolution(p, gamma: gamma, beta: beta, relu: true)
            XCTAssertNotNil(packed.winogradStride2, "\(c)->\(o) qualifies")
            let x = rng.tensor(n: 2, k: c, h: h, w: w)
            let expected = ReferenceOps.relu(ReferenceOps.affine(ReferenceOps.conv2d(x, p), gamma: gamma, beta: beta))
            let fast = packed.apply(x)
            assertClose(fast, expected, relative: 2e-5, "winograd stride 2 \(c)->\(o) @\(h)x\(w)")
            ConvolutionTuning.winogradStride2 = false
            let direct = packed.apply(x)
            ConvolutionTuning.winogradStride2 = true
            assertClose(fast, direct, relative: 2e-5, "winograd stride 2 vs direct \(c)->\(o) @\(h)x\(w)")
            XCTAssertGreaterThan(fast.data.filter { $0 == 0 }.count, 0, "relu applied")
        }
    }

    func testOnlyUnpaddedFiveByFiveStrideTwoLayersQualify() {
        XCTAssertTrue(WinogradStride2.applies(kh: 5, kw: 5, strideY: 2, strideX: 2, padY: 0, padX: 0, inChannels: 16, outChannels: 32))
        XCTAssertFalse(WinogradStride2.applies(kh: 5, kw: 5, strideY: 2, strideX: 2, padY: 0, padX: 0, inChannels: 3, outChannels: 16))
        XCTAssertFalse(WinogradStride2.applies(kh: 5, kw: 5, strideY: 2, strideX: 2, padY: 2, padX: 2, inChannels: 16, outChannels: 32))
        XCTAssertFalse(WinogradStride2.applies(kh: 3, kw: 3, strideY: 2, strideX: 2, padY: 0, padX: 0, inChannels: 64, outChannels: 128))
    }

    /// The vector 8-phase split against its definition, for widths around the 128-float step.
    func testEightPhaseSplitMatchesTheDefinition() {
        var rng = SeededRandom(seed: 78)
        for w in [1, 7, 8, 9, 127, 128, 129, 255, 256, 300] {
            for phaseWidth in [(w + 7) / 8, (w + 7) / 8 + 17, max(1, w / 16)] {
                let src = rng.floats(w)
                var expected = [Float](repeating: 0, count: 8 * phaseWidth)
                for x in 0..<w where x / 8 < phaseWidth { expected[(x % 8) * phaseWidth + x / 8] = src[x] }
                var actual = [Float](repeating: .nan, count: 8 * phaseWidth)
                src.withUnsafeBufferPointer { s in
                    actual.withUnsafeMutableBufferPointer { d in
                        splitPhases8(s.baseAddress!, count: w, into: d.baseAddress!, phaseWidth: phaseWidth)
                    }
                }
                XCTAssertEqual(actual, expected, "w \(w) phaseWidth \(phaseWidth)")
            }
        }
    }
}
