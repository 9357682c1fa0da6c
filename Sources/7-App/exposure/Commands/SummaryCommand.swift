import ArgumentParser
import ExposurePipeline
import Foundation

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary", abstract: "Summarize an inventory made by `exposure scan`.")

    @Argument(help: "The inventory database.") var database: String
    @Flag(help: "Print the exposure.summary/4 JSON object.") var json = false
    @Option(help: "A folder of extra rules (rules/*.yaml format) that add to or override the defaults.")
    var rules: String?

    func run() throws {
        let summary = try Workflows.summary(database: try existingDatabase(database), extraRules: rules.map(URL.init(fileURLWithPath:)))
        try emit(json ? try prettyJSON(summary) : SummaryText.render(summary), to: nil)
    }
}
