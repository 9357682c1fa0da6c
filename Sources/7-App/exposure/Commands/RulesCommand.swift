import ArgumentParser
import ExposurePipeline
import Foundation

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Exposure rules.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Validate the default rules, or a folder of rules, with file:line errors.")

        @Option(help: "A folder of rules to check (default: the shipped rules).") var rules: String?

        func run() throws {
            let report = Workflows.checkRules(directory: rules.map { URL(fileURLWithPath: $0) })
            print(report.text)
            if !report.ok { throw ExitCode.failure }
        }
    }
}
