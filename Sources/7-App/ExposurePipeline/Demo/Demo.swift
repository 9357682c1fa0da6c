import ExposureModel
import DemoArchive
import Foundation

/// `exposure demo`: the main job end to end on the built-in demo export.
public enum Demo {
    public struct Result {
        public var summaryBefore: Summary
        public var summaryAfter: Summary
        /// The comparison's headline (what the deletions removed).
        public var diffHeadline: String
        public var firstScanSeconds: Double, rescanSeconds: Double
        /// demo.html and demo-diff.html.
        public var report: URL, comparison: URL
    }

    /// Writes `demo.html` and `demo-diff.html` into `outputDirectory`; the generated exports
    /// and inventories go in `outputDirectory/demo-work` (replaced on each run).
    /// `willScan` is given each scan before it starts (the command saves it on Ctrl-C).
    public static func run(outputDirectory: URL, modelDirectory: URL?, progress: any ScanProgress,
                           willScan: (Scanner) -> Void = { _ in }) throws -> Result {
        let fm = FileManager.default
        let work = outputDirectory.appendingPathComponent("demo-work")
        try? fm.removeItem(at: work)
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        let before = try DemoExport.write(into: work, after: false)
        let after = try DemoExport.write(into: work, after: true)

        func scan(_ export: URL, db: String, reuse: String?) throws -> (ScanOutcome, TimeInterval) {
            var options = ScanOptions(inputs: [export], database: db)
            options.modelDirectory = modelDirectory
            options.reuse = reuse
            let start = Date()
            let scanner = try Scanner(options: options, progress: progress)
            willScan(scanner)
            let outcome = try scanner.run()
            return (outcome, Date().timeIntervalSince(start))
        }
        let beforeDB = work.appendingPathComponent("before.sqlite").path
        let afterDB = work.appendingPathComponent("after.sqlite").path
        let (_, firstTime) = try scan(before, db: beforeDB, reuse: nil)
        let (_, secondTime) = try scan(after, db: afterDB, reuse: beforeDB)

        let report = outputDirectory.appendingPathComponent("demo.html")
        try Data(try Workflows.report(database: beforeDB, extraRules: nil, includeThumbnails: true).utf8).write(to: report)
        let diff = try Workflows.diff(before: beforeDB, after: afterDB, extraRules: nil)
        let diffReport = outputDirectory.appendingPathComponent("demo-diff.html")
        try Data(diff.html.utf8).write(to: diffReport)

        let summaryBefore = try Workflows.summary(database: beforeDB, extraRules: nil)
        let summaryAfter = try Workflows.summary(database: afterDB, extraRules: nil)
        return Result(summaryBefore: summaryBefore, summaryAfter: summaryAfter, diffHeadline: diff.text,
                      firstScanSeconds: firstTime, rescanSeconds: secondTime, report: report, comparison: diffReport)
    }
}
