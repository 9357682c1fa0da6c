import XCTest
@testable import NeuralNet

/// The 2-row direct kernel for one-output-channel layers (Kernels/SingleOutputConvolution.swift)
/// against ReferenceOps and the GEMM path.
final class SingleOutputConvolutionTests: XCTestCase {
    /// The detector's 9x9 45 -> 1 score layer and odd shapes: heights that leave a partial 2-row
    /// group, widths that leave a partial 32-column block or are narrower than the kernel,
    /// asymmetric padding, two samples, with the fused affine and relu.
    func testMatchesReferenceAndGEMMPath() {
        var rng = SeededRandom(seed: 0x9_9)
        let shapes: [(c: Int, kh: Int, kw: Int, padY: Int, padX: Int, h: Int, w: Int)] = [
            (45, 9, 9, 4, 4, 20, 70), (45, 9, 9, 4, 4, 1, 1), (7, 9, 9, 4, 4, 4, 33), (3, 3, 3, 1, 1, 5, 32),
            (5, 5, 3, 0, 2, 11, 17), (2, 3, 5, 2, 0, 3, 40),
        ]
        for (c, kh, kw, padY, padX, h, w) in shapes {
            let p = ConvolutionParameters(outChannels: 1, inChannels: c, kh: kh, kw: kw, strideY: 1, strideX: 1, padY: padY, padX: padX,
                                          weights: rng.floats(c * kh * kw), bias: rng.floats(1))
            let gamma = rng.floats(1), beta = rng.floats(1)
            for relu in [false, true] {
                let packed = relu ? PackedConvolution(p, gamma: gamma, beta: beta, relu: true) : PackedConvolution(p)
                XCTAssertNotNil(packed.singleOutput)
                let x = rng.tensor(n: 2, k: c, h: h, w: w)
                var expected = ReferenceOps.conv2d(x, p)
                if relu { expected = ReferenceOps.relu(ReferenceOps.affine(expected, gamma: gamma, beta: beta)) }
                let fast = packed.apply(x)
                XCTAssertEqual(fast.shape, expected.shape)
                assertClose(fast, expected, relative: 1e-5, "\(c)x\(kh)x\(kw) pad \(padY),\(padX) @\(h)x\(w) relu \(relu)")
                ConvolutionTuning.singleOutputDirect = false
                let gemm = packed.apply(x)
                ConvolutionTuning.singleOutputDirect = true
                assertClose(fast, gemm, relative: 1e-5, "vs GEMM path \(c)x\(kh)x\(kw) @\(h)x\(w)")
            }
        }
    }

    func testOnlyOneOutputChannelStrideOneLayersQualify() {
        XCTAssertTrue(SingleOutputConvolution.applies(outChannels: 1, strideY: 1, strideX: 1, kh: 9, kw: 9))
        XCTAssertFalse(SingleOutputConvolution.applies(outChannels: 2, strideY: 1, strideX: 1, kh: 9, kw: 9))
        XCTAssertFalse(SingleOutputConvolution.applies(outChannels: 1, strideY: 2, strideX: 2, kh: 9, kw: 9))
        XCTAssertFalse(SingleOutputConvolution.applies(outChannels: 1, strideY: 1, strideX: 1, kh: 1, kw: 1))
    }
}
