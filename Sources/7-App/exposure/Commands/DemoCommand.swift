import ArgumentParser
import ExposurePipeline
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build the demo export, scan it, report, delete some posts, rescan and compare.")

    @Option(help: "Folder for the reports (demo.html, demo-diff.html); the demo exports and inventories go in a subfolder.")
    var out = "reports"
    @Option(help: "Folder with the three dlib model files (default: the model cache).") var models: String?

    func run() throws {
        let result = try Demo.run(outputDirectory: URL(fileURLWithPath: out), modelDirectory: models.map { URL(fileURLWithPath: $0) },
                                  progress: ProgressReporter())
        print([
            SummaryText.render(result.summaryBefore),
            "",
            "After deleting 4 posts and photos and a video, rescanned in \(String(format: "%.1f", result.rescanSeconds)) s (first scan \(String(format: "%.1f", result.firstScanSeconds)) s):",
            result.diffHeadline,
            "",
            "Report: \(result.report.path)",
            "Comparison: \(result.comparison.path)",
        ].joined(separator: "\n"))
    }
}
