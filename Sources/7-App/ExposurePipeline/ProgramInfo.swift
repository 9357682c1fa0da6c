import ExposureModel
import FaceAnalysis
import Foundation

extension Workflows {
    /// This build of Exposure: the VERSION file's version and the git commit it was built from
    /// (both written by Plugins/BuildInfoPlugin), and the model files it is pinned to (ModelStore).
    /// The summary's `exposure` object and the report's provenance carry it.
    public static let programVersion = ProgramVersion(
        version: BuildInfo.version, commit: BuildInfo.commit,
        models: ModelStore.files.map {
            .init(file: $0.name, package: ModelStore.sdistName, packageVersion: ModelStore.sdistVersion, sha256: $0.sha256)
        } + ModelStore.proposalFiles.map {
            .init(file: $0.name, package: ModelStore.wheelName, packageVersion: ModelStore.wheelVersion, sha256: $0.sha256)
        })

    /// `exposure --version`: the version and commit, then each pinned model package and file and
    /// whether it is installed in the model folder (present with its pinned size: a stat, not a
    /// hash; `exposure models verify` checks the SHA-256s).
    public static func versionText(modelDirectory: String? = nil) -> String {
        let p = programVersion, store = ModelStore(overrideDirectory: modelDirectory)
        var lines = ["exposure \(p.version)", "commit \(p.commit)",
                     "models (pinned; `exposure models fetch` installs them in \(store.directory.path)):"]
        let packages: [(name: String, version: String, archive: String, sha256: String, files: [ModelStore.ModelFile])] = [
            (ModelStore.sdistName, ModelStore.sdistVersion, "sdist", ModelStore.sdistSHA256, ModelStore.files),
            (ModelStore.wheelName, ModelStore.wheelVersion, "wheel", ModelStore.wheelSHA256, ModelStore.proposalFiles),
        ]
        var installed = 0
        for package in packages {
            lines.append("  \(package.name) \(package.version) (PyPI \(package.archive) sha256 \(package.sha256))")
            for file in package.files {
                let state = installState(store.url(of: file), size: file.size)
                if state == "installed" { installed += 1 }
                lines.append("    \(file.name) sha256 \(file.sha256) \(state)")
            }
        }
        lines.append(installed == ModelStore.allFiles.count
                     ? "all \(installed) model files installed (`exposure models verify` checks their SHA-256)"
                     : "\(installed) of \(ModelStore.allFiles.count) model files installed: run `exposure models fetch` (needed for face search; `scan --no-faces` runs without)")
        return lines.joined(separator: "\n")
    }

    /// "installed", "missing" or "wrong size (N bytes)".
    static func installState(_ url: URL, size: Int) -> String {
        guard let found = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int else { return "missing" }
        return found == size ? "installed" : "wrong size (\(found) bytes, pinned \(size))"
    }
}
