import ArgumentParser
import ExposurePipeline
import Foundation

extension PlanGoal: ExpressibleByArgument {}

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Rank the deletions that take back the most exposure.")

    @Argument(help: "The inventory database.") var database: String
    @Option(help: "What to take back: \(PlanGoal.allCases.map(\.rawValue).joined(separator: ", ")).")
    var goal: PlanGoal = .all
    @Option(help: "How many deletions to list.") var limit = 100
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let plan = try Workflows.plan(database: try existingDatabase(database), goal: goal, limit: limit)
        try emit(json ? try prettyJSON(plan) : PlanText.render(plan), to: nil)
    }
}
