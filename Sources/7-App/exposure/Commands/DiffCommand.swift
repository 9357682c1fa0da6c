import ArgumentParser
import ExposurePipeline
import Foundation

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Compare a scan before and after deleting posts (both inventories are only read).")

    @Argument(help: "The inventory before.") var before: String
    @Argument(help: "The inventory after.") var after: String
    @Option(name: .shortAndLong, help: "Write the HTML comparison here (never one of the inputs; an existing file only if Exposure wrote it, or with --force).")
    var output: String?
    @Flag(help: "Print the exposure.diff/1 JSON object.") var json = false
    @Option(help: "A folder of extra rules.") var rules: String?
    @Flag(help: "Compare even two inventories with no account or photo in common, and overwrite -o even when Exposure did not write it.")
    var force = false

    func run() throws {
        if let output { try OutputFile.check(output, inputs: [before, after], force: force) }
        let result = try Workflows.diff(before: before, after: after, extraRules: rules.map(URL.init(fileURLWithPath:)), force: force)
        if let output { try OutputFile.write(result.html, to: output, inputs: [before, after], force: force) }
        if json { printOut(try prettyJSON(result.diff)) } else if output == nil { printOut(result.text) }
    }
}
