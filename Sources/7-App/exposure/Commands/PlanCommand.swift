import ArgumentParser
import ExposurePipeline
import Foundation

extension PlanGoal: ExpressibleByArgument {}

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Rank the deletions that take back the most exposure (the inventory is only read).")

    @Argument(help: "The inventory database.") var database: String
    @Option(help: "What to take back: \(PlanGoal.allCases.map(\.rawValue).joined(separator: ", ")) (labelled-faces and owner-faces need an inventory scanned with faces).")
    var goal: PlanGoal = .all
    @Option(help: "How many deletions to list: 1-100000.") var limit = 100
    @Flag(help: "Print JSON (schema exposure.plan/2).") var json = false

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be 1 to 100000") }
    }

    func run() throws {
        let plan = try Workflows.plan(database: database, goal: goal, limit: limit)
        printOut(json ? try prettyJSON(plan) : PlanText.render(plan))
    }
}
