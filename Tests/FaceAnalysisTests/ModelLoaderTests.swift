import Foundation
import XCTest
import NeuralNet
import ExposureTestSupport
@testable import FaceAnalysis

/// The dlib model loaders: recognize the real files, extract the expected structure,
/// and reject truncated / corrupted / wrong files with a clear error.
final class ModelLoaderTests: XCTestCase {
    func testLoadsFaceResNet() throws {
        let model = try FaceResNetModel(contentsOf: try FaceTestData.model(FaceTestData.resnetFile))
        XCTAssertEqual(model.network.parameterCount, 5_614_592)
        XCTAssertEqual(model.inputRows, 150)
        XCTAssertEqual(model.inputColumns, 150)
        XCTAssertEqual(model.averageRGB.red, 122.782, accuracy: 1e-4)
        XCTAssertEqual(model.averageRGB.green, 117.001, accuracy: 1e-4)
        XCTAssertEqual(model.averageRGB.blue, 104.298, accuracy: 1e-4)
        XCTAssertEqual(model.distanceThreshold, 0.6, accuracy: 1e-6)
        let convs = model.network.layers.filter { if case .conv = $0 { return true }; return false }
        XCTAssertEqual(convs.count, 29)
        XCTAssertEqual(model.network.layers.filter { if case .addPrev = $0 { return true }; return false }.count, 14)
        guard case .conv(let first)? = model.network.layers.first else { return XCTFail("first layer is not a conv") }
        XCTAssertEqual([first.outChannels, first.inChannels, first.kh, first.strideY, first.padY], [32, 3, 7, 2, 0])
        guard case .fullyConnected(let w, let outputs)? = model.network.layers.last else { return XCTFail("last layer is not fc") }
        XCTAssertEqual(w.count, 256 * 128)
        XCTAssertEqual(outputs, 128)
    }

    func testLoadsDetectorAndItsOptions() throws {
        let model = try MMODDetectorModel(contentsOf: try FaceTestData.model(FaceTestData.detectorFile))
        XCTAssertEqual(model.network.parameterCount, 181_141)
        let o = model.options
        XCTAssertEqual(o.windows, [MMODOptions.DetectorWindow(width: 80, height: 80)])
        XCTAssertEqual(o.nmsIoU, 0.3382761351109955, accuracy: 1e-15)
        XCTAssertEqual(o.nmsPercentCovered, 1.0)
        XCTAssertEqual(o.pyramidPadding, 10)
        XCTAssertEqual(o.pyramidOuterPadding, 11)
        XCTAssertEqual(o.outputToInput.scale, 8)
        XCTAssertEqual(o.outputToInput.offset, 14)
        XCTAssertEqual(o.averageRGB.red, 122.782, accuracy: 1e-4)
        let convs = model.network.layers.compactMap { layer -> ConvolutionParameters? in
            if case .conv(let p) = layer { return p }; return nil
        }
        XCTAssertEqual(convs.map(\.outChannels), [16, 32, 32, 45, 45, 45, 1])
        XCTAssertEqual(convs.map(\.padY), [0, 0, 0, 2, 2, 2, 4])
    }

    func testLoadsShapePredictor() throws {
        let model = try ShapePredictorModel(contentsOf: try FaceTestData.model(FaceTestData.shapeFile))
        XCTAssertEqual(model.cascades.count, 15)
        XCTAssertEqual(model.initialShape.count, 10)
        XCTAssertEqual(model.initialShape[0], 0.776252, accuracy: 1e-6)
        XCTAssertEqual(model.cascades[0].trees.count, 500)
        XCTAssertEqual(model.cascades[0].anchors.count, 800)
        XCTAssertEqual(model.cascades[0].trees[0].splits[0].index1, 346)
        XCTAssertEqual(model.cascades[0].trees[0].splits[0].index2, 714)
    }

    // MARK: Corrupt input

    private func withCopy(of name: String, _ mutate: (inout [UInt8]) -> Void, _ body: (URL) throws -> Void) throws {
        var bytes = [UInt8](try Data(contentsOf: try FaceTestData.model(name)))
        mutate(&bytes)
        let dir = try TestSupport.temporaryDirectory("faces-models")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        try body(url)
    }

    private func assertModelError(_ expression: @autoclosure () throws -> Any, mentions: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            guard let e = error as? DlibModelError else { return XCTFail("unexpected error \(error)", file: file, line: line) }
            XCTAssertTrue(e.description.contains(mentions), "\(e.description) should mention \(mentions)", file: file, line: line)
        }
    }

    func testTruncatedFilesAreRejected() throws {
        for (name, cut) in [(FaceTestData.resnetFile, 1000), (FaceTestData.resnetFile, 22_466_000),
                            (FaceTestData.detectorFile, 50), (FaceTestData.detectorFile, 700_000),
                            (FaceTestData.shapeFile, 5000), (FaceTestData.shapeFile, 9_150_480)] {
            try withCopy(of: name, { $0.removeSubrange(cut...) }) { url in
                switch name {
                case FaceTestData.resnetFile: assertModelError(try FaceResNetModel(contentsOf: url), mentions: name)
                case FaceTestData.detectorFile: assertModelError(try MMODDetectorModel(contentsOf: url), mentions: name)
                default: assertModelError(try ShapePredictorModel(contentsOf: url), mentions: name)
                }
            }
        }
    }

    func testEmptyFileIsRejected() throws {
        try withCopy(of: FaceTestData.detectorFile, { $0 = [] }) { url in
            assertModelError(try MMODDetectorModel(contentsOf: url), mentions: "end of file")
        }
    }

    /// Flips in structure (headers, counts, layer tags) are caught by the parser; flips inside raw
    /// float weights cannot be seen by a parser at all: `FaceEngine` verifies SHA-256 for those.
    func testBitFlipsNeverCrashTheParser() throws {
        // offsets: loss header, loss_mmod tag, options, a wrapper version, the input tag, inside a
        // tensor header, and some inside weight data (parser may accept those: no crash is the point).
        var structural = 0
        for position in [0, 1, 5, 14, 17, 33, 60, 95, 137, 5067, 5100, 300_000, 729_000] {
            for bit in [0, 6] {
                try withCopy(of: FaceTestData.detectorFile, { $0[position] ^= UInt8(1 << bit) }) { url in
                    do { _ = try MMODDetectorModel(contentsOf: url) } catch let e as DlibModelError {
                        structural += 1
                        XCTAssertTrue(e.description.contains(FaceTestData.detectorFile))
                    }
                }
            }
        }
        XCTAssertGreaterThan(structural, 14, "most flips in structural bytes must be reported")
        // In the shape predictor every number is variable-length: a flipped control byte is caught,
        // a flipped magnitude byte is just another value.
        var shapeErrors = 0
        for position in [2, 3, 20, 66, 300, 1_000_000, 9_150_000] {
            for bit in [4, 6] {
                try withCopy(of: FaceTestData.shapeFile, { $0[position] ^= UInt8(1 << bit) }) { url in
                    do { _ = try ShapePredictorModel(contentsOf: url) } catch let e as DlibModelError {
                        shapeErrors += 1
                        XCTAssertTrue(e.description.contains(FaceTestData.shapeFile))
                    }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(shapeErrors, 4)
    }

    func testWrongModelFilesAreRejected() throws {
        let shape = try FaceTestData.model(FaceTestData.shapeFile)
        let detector = try FaceTestData.model(FaceTestData.detectorFile)
        let resnet = try FaceTestData.model(FaceTestData.resnetFile)
        assertModelError(try FaceResNetModel(contentsOf: shape), mentions: "shape_predictor_5_face_landmarks.dat")
        assertModelError(try FaceResNetModel(contentsOf: detector), mentions: "expected loss layer \"loss_metric_\"")
        assertModelError(try MMODDetectorModel(contentsOf: resnet), mentions: "expected loss layer \"loss_mmod_\"")
        assertModelError(try ShapePredictorModel(contentsOf: resnet), mentions: FaceTestData.resnetFile)
        assertModelError(try ShapePredictorModel(contentsOf: detector), mentions: FaceTestData.detectorFile)
    }
}

