import ArgumentParser
import ExposurePipeline
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build the demo export, scan it, report, delete some posts, rescan and compare.")

    @Option(help: "Folder for the reports (demo.html, demo-diff.html); the demo exports and inventories go in a subfolder.")
    var out = "reports"
    @Option(help: "Folder with the six model files, dlib's three and MTCNN's three (default: the model cache).") var models: String?

    func run() throws {
        let current = CurrentScan()
        Interrupts.onInterrupt(message: "the demo's inventories are saved; run `exposure demo` again to start over") { current.save() }
        let result = try Demo.run(outputDirectory: URL(fileURLWithPath: out), modelDirectory: models.map { URL(fileURLWithPath: $0) },
                                  progress: ProgressReporter(), willScan: current.set)
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

/// The scan a command is running, for its interrupt handler.
final class CurrentScan: @unchecked Sendable {
    private let lock = NSLock()
    private var scanner: ExposurePipeline.Scanner?
    func set(_ scanner: ExposurePipeline.Scanner) { lock.lock(); self.scanner = scanner; lock.unlock() }
    func save() { lock.lock(); let s = scanner; lock.unlock(); s?.saveForInterrupt() }
}
