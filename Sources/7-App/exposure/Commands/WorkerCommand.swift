import ArgumentParser
import ExposurePipeline
import Foundation

/// `exposure worker`: the analysis worker a scan starts (hidden; not for users). Reads
/// files on standard input and answers with their metadata and faces on standard output,
/// under resource limits. See ExposurePipeline/Worker and ProcessIsolation.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Internal: the analysis worker process of a scan.", shouldDisplay: false)

    @Flag var noFaces = false
    @Option var models: String?
    @Option var upsample = 1
    @Option var smallestFace: Int?
    @Option var search: String = FaceSearchMethod.fast.rawValue
    @Flag var wholeImage = false
    @Option var threads = 1
    @Option(help: "Address-space limit in bytes (0: none).") var memoryLimit: UInt64 = 4 << 30
    @Option(help: "CPU seconds per file (0: none).") var cpuSeconds: UInt64 = 0

    func run() throws {
        var options = AnalysisWorker.Options()
        options.analyzeFaces = !noFaces
        options.modelDirectory = models.map { URL(fileURLWithPath: $0) }
        options.upsample = upsample
        options.smallestFace = smallestFace
        guard let method = FaceSearchMethod(rawValue: search) else { throw ValidationError("--search fast|dlib") }
        options.searchMethod = method
        options.wholeImage = wholeImage
        options.threads = threads
        options.memoryLimit = memoryLimit
        options.cpuSecondsPerFile = cpuSeconds
        let status = AnalysisWorker.serve(options)
        if status != 0 { throw ExitCode(status) }
    }
}
