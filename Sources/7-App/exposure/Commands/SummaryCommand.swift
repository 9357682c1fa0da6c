import ArgumentParser
import ExposurePipeline
import Foundation

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary", abstract: "Summarize an inventory made by `exposure scan` (read-only).")

    @Argument(help: "The inventory database.") var database: String
    @Flag(help: "Print the exposure.summary/5 JSON object.") var json = false
    @Option(help: "A folder of extra rules (rules/*.yaml format) that add to or override the defaults.")
    var rules: String?

    func run() throws {
        let summary = try Workflows.summary(database: database, extraRules: rules.map(URL.init(fileURLWithPath:)))
        printOut(json ? try prettyJSON(summary) : SummaryText.render(summary))
    }
}
