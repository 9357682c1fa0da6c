// The entry points every fuzz harness (Sources/Fuzz*) shares.
//
// Built with `scripts/fuzz` (flags -sanitize=fuzzer,address -DFUZZING), libFuzzer drives the
// harness's `fuzzOne`. SwiftPM links executables with `--defsym main=<Harness>_main`, so
// libFuzzer's own main is never used: each harness's renamed main calls `FuzzDriver.run`, which
// hands control to libFuzzer's LLVMFuzzerRunDriver. In a normal build the harness's `@main`
// calls `FuzzDriver.replay`, which runs the files named on the command line through the same
// function (reproducing a crash without sanitizers: `swift run FuzzMedia crash-file`).
import Foundation

public enum FuzzDriver {
    /// The harness's function. libFuzzer's callback is a C function pointer and cannot capture
    /// it, so it waits here (set once, before libFuzzer starts).
    nonisolated(unsafe) private static var target: ((Data) -> Void)?

    #if FUZZING
    public static func run(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                           _ fuzzOne: @escaping (Data) -> Void) -> CInt {
        target = fuzzOne
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments) { bytes, size in
            FuzzDriver.target?(bytes.map { Data(bytes: $0, count: size) } ?? Data())
            return 0
        }
    }
    #endif

    /// Replays each file named on the command line through `fuzzOne`.
    public static func replay(_ harness: String, _ fuzzOne: (Data) -> Void) throws {
        let files = CommandLine.arguments.dropFirst()
        if files.isEmpty { print("usage: \(harness) INPUT... (replays inputs; build with scripts/fuzz to fuzz)") }
        for file in files {
            fuzzOne(try Data(contentsOf: URL(fileURLWithPath: file)))
            print("\(file): ok")
        }
    }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif
