import ArgumentParser

@main
struct Exposure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exposure",
        abstract: "Measure how much face-recognition training signal a data export has surrendered. Local only.",
        subcommands: [
            ScanCommand.self, SummaryCommand.self, ReportCommand.self, DiffCommand.self, PlanCommand.self,
            FacesCommand.self, ModelsCommand.self, RulesCommand.self, DemoCommand.self,
        ])
}
