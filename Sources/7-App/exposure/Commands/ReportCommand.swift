import ArgumentParser
import ExposurePipeline
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write the self-contained HTML report of an inventory.")

    @Argument(help: "The inventory database.") var database: String
    @Option(name: .shortAndLong, help: "The HTML file to write.") var output = "exposure-report.html"
    @Flag(help: "Leave out every face image (for sharing).") var noThumbnails = false
    @Option(help: "A folder of extra rules.") var rules: String?

    func run() throws {
        let html = try Workflows.report(database: try existingDatabase(database), extraRules: rules.map(URL.init(fileURLWithPath:)),
                                        includeThumbnails: !noThumbnails)
        try emit(html, to: output)
        print("Report written to \(output)")
    }
}
