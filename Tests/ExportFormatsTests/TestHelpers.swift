import Foundation
import XCTest
import ExposureModel
@testable import ExportFormats

func tree(_ files: [String: Data]) -> InMemoryFileTree { InMemoryFileTree(files) }

func epoch(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: seconds) }

/// The item at `path`, failing the test when it is absent.
func item(_ parsed: ParsedExport, _ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> MediaReference {
    let matches = parsed.media.filter { $0.path == path }
    XCTAssertEqual(matches.count, 1, "\(path) should appear exactly once in \(parsed.media.map(\.path))", file: file, line: line)
    return try XCTUnwrap(matches.first, file: file, line: line)
}

/// Every media file of the tree is in `parsed.media` exactly once.
func assertEveryMediaFileListedOnce(_ files: [String: Data], _ parsed: ParsedExport,
                                     file: StaticString = #filePath, line: UInt = #line) {
    let paths = parsed.media.map(\.path)
    XCTAssertEqual(Set(paths).count, paths.count, "duplicate paths in \(paths)", file: file, line: line)
    // Snapchat caption overlays belong to their main item and are never listed (SnapchatOverlays).
    for path in files.keys where MediaFiles.isMedia(path) && !SnapchatOverlays.isOverlay(path) {
        XCTAssertEqual(paths.filter { $0 == path }.count, 1, "\(path) not listed once", file: file, line: line)
    }
    for reference in parsed.media where reference.isPresent {
        XCTAssertNotNil(files[reference.path], "\(reference.path) marked present but not in the tree", file: file, line: line)
    }
}

func assertLocation(_ point: GeoPoint?, _ latitude: Double, _ longitude: Double,
                    file: StaticString = #filePath, line: UInt = #line) {
    guard let point else { return XCTFail("no location", file: file, line: line) }
    XCTAssertEqual(point.latitude, latitude, accuracy: 1e-9, file: file, line: line)
    XCTAssertEqual(point.longitude, longitude, accuracy: 1e-9, file: file, line: line)
}

/// All fixtures of all platforms, for detection tests.
func allPlatformFixtures() -> [(Platform, String, [String: Data])] {
    var result: [(Platform, String, [String: Data])] = []
    for era in FacebookFixtures.Era.allCases { result.append((.facebook, era.rawValue, FacebookFixtures.files(era))) }
    for era in InstagramFixtures.Era.allCases { result.append((.instagram, era.rawValue, InstagramFixtures.files(era))) }
    result.append((.googleTakeout, "classic", GoogleTakeoutFixtures.classicFiles()))
    result.append((.googleTakeout, "supplemental", GoogleTakeoutFixtures.supplementalFiles()))
    for era in TwitterFixtures.Era.allCases { result.append((.twitter, era.rawValue, TwitterFixtures.files(era))) }
    for era in SnapchatFixtures.Era.allCases { result.append((.snapchat, era.rawValue, SnapchatFixtures.files(era))) }
    result.append((.folder, "folder", FolderFixtures.files()))
    return result
}
