// Fuzz target: the dlib model loaders (serialization reader, network parser, shape predictor).
// The first input byte picks the loader; the rest is the model file, written to a temporary file
// (the loaders' public API takes a URL). Every truncated or corrupted file must throw
// DlibModelError: no traps, no huge allocations from forged counts.
import FaceAnalysis
import Foundation

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

// MARK: - Entry points
//
// Built with `scripts/fuzz` (flags -sanitize=fuzzer,address -DFUZZING), libFuzzer drives
// fuzzOne. SwiftPM links executables with `--defsym main=FuzzDlibModel_main`, so libFuzzer's own main
// is never used: this target's renamed main hands control to libFuzzer's LLVMFuzzerRunDriver.
// In a normal build the executable replays the files named on the command line through the
// same function (reproducing a crash without sanitizers: `swift run FuzzDlibModel crash-file`).
#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("FuzzDlibModel_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { bytes, size in
        fuzzOne(bytes.map { Data(bytes: $0, count: size) } ?? Data())
        return 0
    }
}
#else
@main
enum Replay {
    static func main() throws {
        let files = CommandLine.arguments.dropFirst()
        if files.isEmpty { print("usage: FuzzDlibModel INPUT... (replays inputs; build with scripts/fuzz to fuzz)") }
        for file in files {
            fuzzOne(try Data(contentsOf: URL(fileURLWithPath: file)))
            print("\(file): ok")
        }
    }
}
#endif
