import ArgumentParser
import Foundation

@main
struct Exposure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exposure",
        abstract: "Measure how much face-recognition training signal a data export has surrendered. Local only.",
        subcommands: [
            ScanCommand.self, SummaryCommand.self, ReportCommand.self, DiffCommand.self, PlanCommand.self,
            FacesCommand.self, ModelsCommand.self, RulesCommand.self, DemoCommand.self,
            WorkerCommand.self,
        ])

    /// ArgumentParser's own runner, with one change: usage errors exit with status 2
    /// (the documented contract), not EX_USAGE (64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
