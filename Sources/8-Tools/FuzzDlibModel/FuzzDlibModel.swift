// Fuzz target: the dlib model loaders (serialization reader, network parser, shape predictor).
// The first input byte picks the loader; the rest is the model file, written to a temporary file
// (the loaders' public API takes a URL). Every truncated or corrupted file must throw
// DlibModelError: no traps, no huge allocations from forged counts.
import FaceAnalysis
import Foundation
import FuzzSupport

private let modelURL = URL(fileURLWithPath: NSTemporaryDirectory())
    .appendingPathComponent("exposure-fuzz-dlib-\(getpid()).dat")

func fuzzOne(_ data: Data) {
    guard let selector = data.first else { return }
    guard (try? data.dropFirst().write(to: modelURL)) != nil else { fatalError("cannot write \(modelURL.path)") }
    defer { try? FileManager.default.removeItem(at: modelURL) }
    switch selector % 3 {
    case 0: _ = try? ShapePredictorModel(contentsOf: modelURL)
    case 1: _ = try? MMODDetectorModel(contentsOf: modelURL)
    default: _ = try? FaceResNetModel(contentsOf: modelURL)
    }
}

// MARK: - Entry points (see Sources/8-Tools/FuzzSupport/FuzzDriver.swift)
#if FUZZING
@_cdecl("FuzzDlibModel_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzOne)
}
#else
@main
enum Replay {
    static func main() throws { try FuzzDriver.replay("FuzzDlibModel", fuzzOne) }
}
#endif
