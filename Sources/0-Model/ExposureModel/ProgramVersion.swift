/// Which Exposure made a summary or a report, and with which models: `exposure --version`, the
/// summary's `exposure` object (schema 5) and the report's "How this was measured".
/// `version` is the VERSION file's, `commit` the git commit the binary was built from ("unknown"
/// when built outside a git checkout, "-dirty" appended when the tracked files had changes).
public struct ProgramVersion: Codable, Equatable, Sendable {
    public var version: String
    public var commit: String
    /// The model files a face scan loads, as pinned in this build (not read from disk).
    public var models: [Model]

    public struct Model: Codable, Equatable, Sendable {
        /// The file's name in the model folder.
        public var file: String
        /// The PyPI package it is extracted from, and that package's pinned version.
        public var package: String
        public var packageVersion: String
        /// The file's pinned SHA-256 (what `exposure models verify` checks).
        public var sha256: String
        enum CodingKeys: String, CodingKey { case file, package, packageVersion = "package_version", sha256 }
        public init(file: String, package: String, packageVersion: String, sha256: String) {
            self.file = file; self.package = package; self.packageVersion = packageVersion; self.sha256 = sha256
        }
    }

    public init(version: String, commit: String, models: [Model]) {
        self.version = version; self.commit = commit; self.models = models
    }

    /// "0.1.0 (commit 1a2b3c4d5e6f)": the commit shortened to 12 hex digits.
    public var short: String {
        let hex = commit.prefix { $0.isHexDigit }
        let shown = hex.count >= 12 ? String(hex.prefix(12)) + commit.dropFirst(hex.count) : commit
        return "\(version) (commit \(shown))"
    }
}
