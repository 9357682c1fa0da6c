// Fuzz target: the media front end — format sniffing, JPEG/PNG/WebP/HEIF headers, EXIF, XMP,
// ISO-BMFF video metadata (MediaInspector.inspect) and full decoding with EXIF orientation
// (ImageDecoder.decode). The pixel cap is lowered to 4 megapixels so one input stays cheap;
// headers declaring more must be refused before any pixel buffer is allocated.
import Foundation
import MediaMetadata

private let maxPixels = 1 << 22

func fuzzOne(_ data: Data) {
    // The first byte picks the file name the sniffer sees (name and content may disagree).
    let names = ["photo.jpg", "photo.png", "photo.heic", "clip.mp4", "photo.webp", "unnamed"]
    let name = names[Int(data.first ?? 0) % names.count]
    let inspection = MediaInspector.inspect(data, filename: name,
                                            options: .init(maxPixels: maxPixels, compareThumbnail: true))
    _ = inspection.unreadableReason
    if let image = try? ImageDecoder.decode(data, maxPixels: maxPixels, scaleDenominator: 2) {
        precondition(image.width > 0 && image.height > 0, "decoder returned an empty image")
    }
}

// MARK: - Entry points
//
// Built with `scripts/fuzz` (flags -sanitize=fuzzer,address -DFUZZING), libFuzzer drives
// fuzzOne. SwiftPM links executables with `--defsym main=FuzzMedia_main`, so libFuzzer's own main
// is never used: this target's renamed main hands control to libFuzzer's LLVMFuzzerRunDriver.
// In a normal build the executable replays the files named on the command line through the
// same function (reproducing a crash without sanitizers: `swift run FuzzMedia crash-file`).
#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("FuzzMedia_main")
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
        if files.isEmpty { print("usage: FuzzMedia INPUT... (replays inputs; build with scripts/fuzz to fuzz)") }
        for file in files {
            fuzzOne(try Data(contentsOf: URL(fileURLWithPath: file)))
            print("\(file): ok")
        }
    }
}
#endif
