import ArgumentParser
import ExposurePipeline
import Foundation

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan export archives (zip, split zips, tar.gz or folders) into an inventory.",
        discussion: "Rerunning on the same --db resumes an interrupted scan. Exit status: 0 done (skips are reported), 2 usage error, 3 nothing could be scanned.")

    @Argument(help: "Export archives or folders. Parts of one split export are merged.") var archives: [String]
    @Option(help: "The inventory database to create or resume.") var db: String
    @Flag(help: "Inventory and metadata only: no face detection.") var noFaces = false
    @Option(help: "Items processed at once.") var jobs = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Folder with the three dlib model files (default: the model cache).") var models: String?
    @Option(help: "A photo of you: decides which identity is yours.") var me: String?
    @Option(help: "A folder of extra rules.") var rules: String?
    @Option(help: "Reuse faces and metadata of items already analysed in this inventory (matched by content).") var reuse: String?
    @Option(help: "How faces are searched for: fast (default; MTCNN proposals, then dlib's detector in windows around them, faces from 20 px) or dlib (dlib's detector over the whole photo, faces from 40 px).")
    var search: String = FaceSearchMethod.fast.rawValue
    @Option(help: "Smallest face to look for, in pixels of the photo: 20-400 with --search fast (default 20; below 40 px the faces are counted apart), 40-400 with --search dlib (default 40; 80 scans about 3.5x faster). README \"Detection defaults\".")
    var smallestFace: Int?
    @Option(help: "Detector upsampling. 1 (default): the --smallest-face search; any other value: dlib's detector with that upsampling on the full image.") var upsample = 1
    @Option(help: "Seconds one file may take (CPU per thread, or without progress) before its worker is stopped and the file skipped.")
    var fileTimeout: Double = 120
    @Option(help: "Memory limit of each analysis worker in GiB (default: 3/4 of memory shared by the workers, at least 4).")
    var workerMemory: Double?

    func validate() throws {
        guard !archives.isEmpty else { throw ValidationError("name at least one archive or folder") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard fileTimeout > 0 else { throw ValidationError("--file-timeout must be positive") }
        guard let method = FaceSearchMethod(rawValue: search) else { throw ValidationError("--search must be fast or dlib") }
        if let smallestFace, !method.smallestFaceRange.contains(smallestFace) {
            let range = method.smallestFaceRange
            throw ValidationError("--smallest-face must be \(range.lowerBound)...\(range.upperBound) with --search \(search)")
        }
        for path in archives + [me, reuse, models, rules].compactMap({ $0 }) where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no such file or folder: \(path)")
        }
        // The rules are read before anything is scanned: a broken file is a usage error.
        if let rules, case let check = Workflows.checkRules(extra: URL(fileURLWithPath: rules)), !check.ok {
            throw ValidationError(check.text)
        }
        let dbURL = URL(fileURLWithPath: db).standardizedFileURL
        for path in archives where dbURL.path.hasPrefix(URL(fileURLWithPath: path).standardizedFileURL.path + "/") {
            throw ValidationError("--db must not be inside an input (\(path)): Exposure never writes into what it reads")
        }
    }

    func run() throws {
        var options = ScanOptions(inputs: archives.map { URL(fileURLWithPath: $0) }, database: db)
        options.analyzeFaces = !noFaces
        options.jobs = jobs
        options.modelDirectory = models.map { URL(fileURLWithPath: $0) }
        options.me = me.map { URL(fileURLWithPath: $0) }
        options.extraRules = rules.map { URL(fileURLWithPath: $0) }
        options.reuse = reuse
        options.upsample = upsample
        options.smallestFace = smallestFace
        options.searchMethod = FaceSearchMethod(rawValue: search) ?? .fast
        options.fileTimeout = fileTimeout
        options.workerMemoryLimit = workerMemory.map { UInt64($0 * Double(1 << 30)) }
        let outcome = try Scanner(options: options, progress: ProgressReporter()).run()
        print(ScanText.closing(outcome))
        if outcome.nothingScanned { throw ExitStatus.nothingScanned }
    }
}
