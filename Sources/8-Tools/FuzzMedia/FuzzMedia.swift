// Fuzz target: the media front end — format sniffing, JPEG/PNG/WebP/HEIF headers, EXIF, XMP,
// ISO-BMFF video metadata (MediaInspector.inspect) and full decoding with EXIF orientation
// (ImageDecoder.decode). The pixel cap is lowered to 4 megapixels so one input stays cheap;
// headers declaring more must be refused before any pixel buffer is allocated.
import Foundation
import FuzzSupport
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

// MARK: - Entry points (see Sources/8-Tools/FuzzSupport/FuzzDriver.swift)
#if FUZZING
@_cdecl("FuzzMedia_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzOne)
}
#else
@main
enum Replay {
    static func main() throws { try FuzzDriver.replay("FuzzMedia", fuzzOne) }
}
#endif
