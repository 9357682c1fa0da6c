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

    func validate() throws {
        var folder: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &folder), !folder.boolValue {
            throw ValidationError("--out \(out) is a file: give a folder for the demo's reports")
        }
        // Its two pages may replace only pages Exposure wrote.
        if folder.boolValue {
            do {
                for page in ["demo.html", "demo-diff.html"] {
                    try OutputFile.check((out as NSString).appendingPathComponent(page), inputs: [], force: false)
                }
            } catch let problem as UsageProblem {
                throw ValidationError(problem.description)
            }
        }
    }

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
