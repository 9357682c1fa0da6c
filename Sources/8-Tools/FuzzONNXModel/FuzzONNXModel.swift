// Fuzz target: the ONNX model loader (ONNXModelFile's protobuf reader) and MTCNN's graph check.
// The input is the model file. Every truncated, corrupted or hostile file must throw
// ONNXModelError: no traps, no huge allocations from forged lengths, counts or shapes. A file
// that parses and passes the architecture check for one of the three networks also builds it.
import FaceAnalysis
import Foundation
import FuzzSupport

func fuzzOne(_ data: Data) {
    guard let model = try? ONNXModelFile(bytes: [UInt8](data), fileName: "fuzz.onnx") else { return }
    _ = ProposalNetwork.fuzzLoad(model)
}

// MARK: - Entry points (see Sources/8-Tools/FuzzSupport/FuzzDriver.swift)
#if FUZZING
@_cdecl("FuzzONNXModel_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzOne)
}
#else
@main
enum Replay {
    static func main() throws { try FuzzDriver.replay("FuzzONNXModel", fuzzOne) }
}
#endif
