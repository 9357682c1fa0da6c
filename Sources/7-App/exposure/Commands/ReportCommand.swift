import ArgumentParser
import ExposurePipeline
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write the self-contained HTML report of an inventory (the inventory is only read).")

    @Argument(help: "The inventory database.") var database: String
    @Option(name: .shortAndLong, help: "The HTML file to write (never one of the inputs; an existing file only if Exposure wrote it, or with --force).")
    var output = "exposure-report.html"
    @Flag(help: "Leave out every face image (for sharing).") var noThumbnails = false
    @Option(help: "A folder of extra rules.") var rules: String?
    @Flag(help: "Overwrite -o even when it is not a report Exposure wrote (never one of the inputs).") var force = false

    func run() throws {
        // Checked first: a refused -o costs no work.
        try OutputFile.check(output, inputs: [database], force: force)
        let html = try Workflows.report(database: database, extraRules: rules.map(URL.init(fileURLWithPath:)),
                                        includeThumbnails: !noThumbnails)
        try OutputFile.write(html, to: output, inputs: [database], force: force)
        print("Report written to \(output)")
    }
}
