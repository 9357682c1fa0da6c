import ArgumentParser
import ExposurePipeline
import Foundation

/// `exposure upgrade DB`: the one command that migrates an inventory of an earlier version in
/// place (summary, report, diff and plan only read, and refuse an older inventory with this advice).
struct UpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade", abstract: "Bring an inventory made by an earlier version of Exposure up to date (in place).")

    @Argument(help: "The inventory database.") var database: String

    func run() throws {
        let (from, to) = try Workflows.upgrade(database: database)
        print(from == to ? "\(database) is up to date (schema \(to))" : "\(database) upgraded from schema \(from) to \(to)")
    }
}
