import ArgumentParser
import ExposurePipeline
import Foundation

@main
struct Exposure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exposure",
        abstract: "Measure how much face-recognition training signal a data export has surrendered. Local only.",
        discussion: """
        Exit status: 0 done (skipped files are reported, not fatal), 1 failed while working, 2 usage error \
        (nothing was changed), 3 nothing could be scanned, 130 or 143 interrupted (what was scanned is saved; \
        run the same command again to resume).
        """,
        version: Workflows.versionText(),  // version, git commit, pinned models and whether they are installed
        subcommands: [
            ScanCommand.self, SummaryCommand.self, ReportCommand.self, DiffCommand.self, PlanCommand.self,
            FacesCommand.self, ModelsCommand.self, RulesCommand.self, DemoCommand.self, UpgradeCommand.self,
            WorkerCommand.self,
        ])

    /// ArgumentParser's own runner, with two changes: usage errors exit with status 2 (the
    /// documented contract), not EX_USAGE (64); and an error of the work is one line in a
    /// person's words (`UserFacingError`), never an error domain or a stack trace.
    static func main() {
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitForArgumentParser(error)
        }
        do {
            try command.run()
        } catch let error as UserFacingError {
            printError(error.description)
            Foundation.exit(error.isUsageError ? 2 : 1)
        } catch let error as ExitCode {
            exit(withError: error)
        } catch let error as ValidationError {
            exitForArgumentParser(error)
        } catch let error as CleanExit {
            exit(withError: error)
        } catch where String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            // Help and version requests reach here from the help command's run().
            exitForArgumentParser(error)
        } catch {
            // Anything else that reaches here: its message without Foundation's decoration.
            printError(FileProblem.message(error))
            Foundation.exit(1)
        }
    }

    static func exitForArgumentParser(_ error: Error) -> Never {
        if exitCode(for: error) == .validationFailure {
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
        exit(withError: error)
    }
}
