import NeuralNet
import XCTest

/// The MTCNN proposal networks' kernels (Kernels/PReLUPoolSoftmax.swift) against ReferenceOps.
final class ProposalOpsTests: XCTestCase {
    func testPReLUMatchesReference() {
        var rng = SeededRandom(seed: 0x9E1)
        for trial in 0..<20 {
            let t = rng.tensor(n: rng.int(1...3), k: rng.int(1...33), h: rng.int(1...19), w: rng.int(1...21))
            let slopes = rng.floats(t.k)
            var fast = t
            Ops.preluInPlace(&fast, slopes: slopes)
            XCTAssertEqual(fast, ReferenceOps.prelu(t, slopes: slopes), "trial \(trial)")
        }
    }

    /// Windows 1-4, strides 1-3, SAME_UPPER and random asymmetric padding, odd sizes: exact equality.
    func testMaxPoolWithAsymmetricPaddingMatchesReference() {
        var rng = SeededRandom(seed: 0x9E2)
        for trial in 0..<80 {
            let window = rng.int(1...4), stride = rng.int(1...3)
            let t = rng.tensor(n: rng.int(1...2), k: rng.int(1...5), h: rng.int(1...23), w: rng.int(1...29))
            let padding = trial % 2 == 0
                ? PoolPadding.sameUpper(h: t.h, w: t.w, window: window, stride: stride)
                : PoolPadding(top: rng.int(0...window - 1), left: rng.int(0...window - 1),
                              bottom: rng.int(0...window - 1), right: rng.int(0...window - 1))
            let fast = Ops.maxPool(t, window: window, stride: stride, padding: padding)
            let reference = ReferenceOps.maxPool(t, window: window, stride: stride, padding: padding)
            XCTAssertEqual(fast, reference, "trial \(trial): \(t.shape) window \(window) stride \(stride) \(padding)")
        }
    }

    func testSameUpperPaddingFollowsONNX() {
        // out = ceil(in / stride), the odd padding at the end (MTCNN's 22 -> 11 and 46 -> 23 with 3/2).
        XCTAssertEqual(PoolPadding.sameUpper(h: 22, w: 46, window: 3, stride: 2), PoolPadding(top: 0, left: 0, bottom: 1, right: 1))
        XCTAssertEqual(PoolPadding.sameUpper(h: 8, w: 7, window: 2, stride: 2), PoolPadding(top: 0, left: 0, bottom: 0, right: 1))
        XCTAssertEqual(PoolPadding.sameUpper(h: 5, w: 5, window: 5, stride: 1), PoolPadding(top: 2, left: 2, bottom: 2, right: 2))
        let t = Tensor(k: 1, h: 22, w: 7)
        let out = Ops.maxPool(t, window: 3, stride: 2, padding: .sameUpper(h: 22, w: 7, window: 3, stride: 2))
        XCTAssertEqual([out.h, out.w], [11, 4])
    }

    func testSoftmaxOverChannelsMatchesReference() {
        var rng = SeededRandom(seed: 0x9E3)
        for trial in 0..<20 {
            var t = rng.tensor(n: rng.int(1...3), k: rng.int(2...7), h: rng.int(1...9), w: rng.int(1...11))
            for i in t.data.indices { t.data[i] *= 30 }   // large logits: the max subtraction matters
            let channels = trial % 2 == 0 ? t.k : 2
            assertClose(Ops.softmaxChannels(t, channels: channels), ReferenceOps.softmaxChannels(t, channels: channels),
                        relative: 1e-6, "trial \(trial)")
        }
    }

    func testBiasAdd() {
        var t = Tensor(n: 2, k: 3, h: 1, w: 2, data: [Float](repeating: 1, count: 12))
        Ops.addBiasInPlace(&t, bias: [1, 2, 3])
        XCTAssertEqual(t.data, [2, 2, 3, 3, 4, 4, 2, 2, 3, 3, 4, 4])
    }
}

