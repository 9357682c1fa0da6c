import Foundation
import XCTest
import NeuralNet
@testable import FaceAnalysis

/// The compiled execution plan (packed convs with fused affine/relu, fused add_prev+relu) gives
/// the same outputs as running the loaded layers one by one with ReferenceOps.
final class NetworkExecutionTests: XCTestCase {
    func randomInput(_ n: Int, _ h: Int, _ w: Int, seed: UInt64) -> Tensor {
        var state = seed
        var x = Tensor(n: n, k: 3, h: h, w: w)
        for i in 0..<x.data.count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            x.data[i] = Float(Int(state >> 40) % 256 - 120) / 256
        }
        return x
    }

    func testResNetPlanMatchesReferenceOps() throws {
        let model = try FaceResNetModel(contentsOf: try FaceTestData.model(FaceTestData.resnetFile))
        let x = randomInput(2, 150, 150, seed: 7)
        let fast = model.network.forward(x), reference = model.network.referenceForward(x)
        XCTAssertEqual(fast.shape, [2, 128, 1, 1])
        XCTAssertEqual(reference.shape, fast.shape)
        let maxError = zip(fast.data, reference.data).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(maxError, 1e-5)
        // samples of a batch are independent
        let single = model.network.forward(Tensor(n: 1, k: 3, h: 150, w: 150, data: Array(x.data[(3 * 150 * 150)...])))
        XCTAssertLessThan(zip(single.data, fast.data[128...]).map { abs($0 - $1) }.max() ?? .infinity, 1e-6)
    }

    func testDetectorPlanMatchesReferenceOps() throws {
        let model = try MMODDetectorModel(contentsOf: try FaceTestData.model(FaceTestData.detectorFile))
        let x = randomInput(1, 90, 70, seed: 3)
        let fast = model.network.forward(x), reference = model.network.referenceForward(x)
        // 90 -> 43 -> 20 -> 8 rows; 70 -> 33 -> 15 -> 6 cols; one score channel
        XCTAssertEqual(fast.shape, [1, 1, 8, 6])
        XCTAssertEqual(reference.shape, fast.shape)
        let maxError = zip(fast.data, reference.data).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(maxError, 1e-4)
    }
}
