import Foundation
import XCTest
import ExposureModel
@testable import ExportFormats

/// mat2-style sweep over every fixture: each metadata file in turn is truncated or replaced by JSON of
/// the wrong shape. The reader must not crash, must still list every media file exactly once, and a
/// truncated file it reads must be named in a warning (a file it ignores leaves the output unchanged).
final class CorruptionSweepTests: XCTestCase {
    func testEveryMetadataFileTruncatedOrMisshapen() throws {
        for (platform, era, files) in allPlatformFixtures() {
            let format = ExportFormatRegistry.format(for: platform)
            let baseline = try format.read(tree(files))
            for (path, data) in files where path.hasSuffix(".json") || path.hasSuffix(".js") {
                var truncated = files
                truncated[path] = data.prefix(data.count / 2)
                let parsed = try format.read(tree(truncated))
                assertEveryMediaFileListedOnce(truncated, parsed)
                let named = parsed.warnings.contains { $0.hasPrefix(path + ":") }
                XCTAssertTrue(named || (parsed.media == baseline.media && parsed.ownerName == baseline.ownerName),
                              "\(platform) \(era): truncated \(path) neither warned about nor ignored: \(parsed.warnings)")

                for wrongShape in ["[]", "{}", "\"text\"", "42", "null", "[[1, 2], {\"uri\": 3}]", "{\"uri\": [\"a\"]}"] {
                    var misshapen = files
                    misshapen[path] = Data((path.hasSuffix(".js") ? "window.YTD.x.part0 = " : "").utf8) + Data(wrongShape.utf8)
                    let parsed = try format.read(tree(misshapen))
                    assertEveryMediaFileListedOnce(misshapen, parsed)
                }
            }
        }
    }
}
