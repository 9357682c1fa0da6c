import ArgumentParser
import ExposurePipeline
import Foundation

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Compare a scan before and after deleting posts.")

    @Argument(help: "The inventory before.") var before: String
    @Argument(help: "The inventory after.") var after: String
    @Option(name: .shortAndLong, help: "Write the HTML comparison here.") var output: String?
    @Flag(help: "Print the exposure.diff/1 JSON object.") var json = false
    @Option(help: "A folder of extra rules.") var rules: String?

    func run() throws {
        let result = try Workflows.diff(before: try existingDatabase(before), after: try existingDatabase(after),
                                        extraRules: rules.map(URL.init(fileURLWithPath:)))
        if let output { try emit(result.html, to: output) }
        if json { try emit(try prettyJSON(result.diff), to: nil) } else if output == nil { try emit(result.text, to: nil) }
    }
}
