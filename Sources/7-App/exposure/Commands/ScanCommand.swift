import ArgumentParser
import ExposurePipeline
import Foundation

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan export archives (zip, split zips, tar.gz or folders) into an inventory.",
        discussion: """
        Rerunning on the same --db resumes an interrupted scan. Every option is checked before anything is \
        scanned or written. Exit status: 0 done (skips are reported), 2 usage error (nothing written), \
        3 nothing could be scanned (no inventory left behind), 130/143 interrupted (saved; rerun to resume).
        """)

    @Argument(help: "Export archives or folders. Parts of one split export are merged.") var archives: [String] = []
    @Option(help: "The inventory database to create or resume (a file; an existing file must be an Exposure inventory).") var db: String
    @Flag(help: "Inventory and metadata only: no face detection.") var noFaces = false
    @Option(help: "Items processed at once: 1-\(ScanLimits.maxJobs) on this machine (up to twice its cores, one per GiB of memory; default: its cores).")
    var jobs = min(ProcessInfo.processInfo.activeProcessorCount, ScanLimits.maxJobs)
    @Option(help: "Folder with the six model files, dlib's three and MTCNN's three (default: the model cache; `exposure models fetch`).") var models: String?
    @Option(help: "A photo of you (showing your face only): decides which identity is yours. Checked before the scan.") var me: String?
    @Option(help: "A folder of extra rules.") var rules: String?
    @Option(help: "Reuse faces and metadata of items already analysed in this inventory (matched by content; read-only).") var reuse: String?
    @Option(help: "How faces are searched for: fast (default; MTCNN proposals, then dlib's detector in windows around them, faces from 20 px) or dlib (dlib's detector over the whole photo, faces from 40 px).")
    var search: String?
    @Option(help: "Smallest face to look for, in pixels of the photo: 20-400 with --search fast (default 20; below 40 px the faces are counted apart), 40-400 with --search dlib (default 40; 80 scans about 3.5x faster). README \"Detection defaults\".")
    var smallestFace: Int?
    @Option(help: "dlib's detector on the full image with this upsampling, 0-\(ScanLimits.maxUpsample) (implies --search dlib; each step needs about 4x the memory and time). Default: the --smallest-face search.")
    var upsample: Int?
    @Option(help: "Seconds one file may take (CPU per thread, or without progress) before its worker is stopped and the file skipped: 1-86400.")
    var fileTimeout: Double = 120
    @Option(help: "Memory limit of each analysis worker in GiB, 1 to this machine's \(ScanLimits.physicalGiB) (default: 3/4 of memory shared by the workers, at least 4).")
    var workerMemory: Double?

    func validate() throws {
        guard !archives.isEmpty else { throw ValidationError("name at least one archive or folder to scan") }
        guard (1...ScanLimits.maxJobs).contains(jobs) else {
            throw ValidationError("--jobs must be 1 to \(ScanLimits.maxJobs) on this machine (twice its \(ProcessInfo.processInfo.activeProcessorCount) cores, at most one per GiB of memory)")
        }
        guard fileTimeout.isFinite, (1...86_400).contains(fileTimeout) else { throw ValidationError("--file-timeout must be 1 to 86400 seconds") }
        if let workerMemory {
            guard workerMemory.isFinite, workerMemory >= 1, workerMemory <= Double(ScanLimits.physicalGiB) else {
                throw ValidationError("--worker-memory must be 1 to \(ScanLimits.physicalGiB) GiB (this machine's memory)")
            }
        }
        if noFaces {
            let conflicting = [("--me", me != nil), ("--search", search != nil), ("--smallest-face", smallestFace != nil),
                               ("--upsample", upsample != nil), ("--models", models != nil)].filter(\.1).map(\.0)
            if !conflicting.isEmpty {
                throw ValidationError("\(conflicting.joined(separator: ", ")) \(conflicting.count == 1 ? "needs" : "need") the face search: drop \(conflicting.count == 1 ? "it" : "them") or --no-faces")
            }
        }
        let method = try searchMethod()
        if let upsample, !(0...ScanLimits.maxUpsample).contains(upsample) {
            throw ValidationError("--upsample must be 0 to \(ScanLimits.maxUpsample) (each step doubles the photo's sides: 4x the memory and time)")
        }
        if let smallestFace, !method.smallestFaceRange.contains(smallestFace) {
            let range = method.smallestFaceRange
            throw ValidationError("--smallest-face must be \(range.lowerBound)...\(range.upperBound) with --search \(method.rawValue)")
        }
        if upsample != nil && smallestFace != nil {
            throw ValidationError("--upsample and --smallest-face are two ways to choose the smallest face: give one")
        }
        for path in archives + [reuse, models, rules].compactMap({ $0 }) where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no such file or folder: \(path)")
        }
        if let me {
            var folder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: me, isDirectory: &folder) else { throw ValidationError("--me: no such file: \(me)") }
            if folder.boolValue { throw ValidationError("--me \(me) is a folder: give one photo of you") }
        }
        // The rules are read before anything is scanned: a broken file is a usage error.
        if let rules, case let check = Workflows.checkRules(extra: URL(fileURLWithPath: rules)), !check.ok {
            throw ValidationError(check.text)
        }
        // The inventory: never inside, or one of, the inputs; an existing file must be an inventory.
        let dbURL = URL(fileURLWithPath: db).standardizedFileURL
        for path in archives + [me].compactMap({ $0 }) {
            if FileProblem.sameFile(path, db) { throw ValidationError("--db \(db) is one of the inputs: give the inventory a new file name") }
            if dbURL.path.hasPrefix(URL(fileURLWithPath: path).standardizedFileURL.path + "/") {
                throw ValidationError("--db must not be inside an input (\(path)): Exposure never writes into what it reads")
            }
        }
        if let reuse, FileProblem.sameFile(reuse, db) { throw ValidationError("--reuse and --db are the same file: give the new scan its own --db") }
        let folder = dbURL.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("--db \(db): the folder \(folder) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw ValidationError("--db \(db): the folder \(folder) is not writable (read-only media?): give --db a file in a folder you can write to")
        }
        do {
            try Workflows.checkInventoryForScan(db)
            if let reuse { try Workflows.checkInventoryForReading(reuse) }
        } catch let problem as UserFacingError {
            throw ValidationError(problem.description)
        }
    }

    func searchMethod() throws -> FaceSearchMethod {
        guard let search else { return upsample == nil || upsample == 1 ? .fast : .dlib }
        guard let method = FaceSearchMethod(rawValue: search) else { throw ValidationError("--search must be fast or dlib") }
        if method == .fast, let upsample, upsample != 1 {
            throw ValidationError("--upsample applies to dlib's full-image search: use --search dlib, or drop --upsample")
        }
        return method
    }

    func run() throws {
        var inputs: [URL] = []
        for path in archives {
            if let earlier = inputs.first(where: { FileProblem.sameFile($0.path, path) }) {
                printError("\(path) is given twice (as \(earlier.path)): read once")
                continue
            }
            inputs.append(URL(fileURLWithPath: path))
        }
        var options = ScanOptions(inputs: inputs, database: db)
        options.analyzeFaces = !noFaces
        options.jobs = jobs
        options.modelDirectory = models.map { URL(fileURLWithPath: $0) }
        options.me = me.map { URL(fileURLWithPath: $0) }
        options.extraRules = rules.map { URL(fileURLWithPath: $0) }
        options.reuse = reuse
        options.upsample = upsample ?? 1
        options.smallestFace = smallestFace
        options.searchMethod = try searchMethod()
        options.fileTimeout = fileTimeout
        options.workerMemoryLimit = workerMemory.map { UInt64($0 * Double(1 << 30)) }
        let scanner = try Scanner(options: options, progress: ProgressReporter())
        Interrupts.onInterrupt(message: "everything scanned so far is saved in \(db): run the same command again to resume") {
            scanner.saveForInterrupt()
        }
        let outcome = try scanner.run()
        print(ScanText.closing(outcome))
        if outcome.nothingScanned {
            if outcome.inventoryRemoved { printError("nothing to scan: no photo or video found in the inputs; no inventory was written") }
            throw ExitStatus.nothingScanned
        }
    }
}

/// The bounds of the scan's options on this machine.
enum ScanLimits {
    static let cores = ProcessInfo.processInfo.activeProcessorCount
    static let physicalGiB = max(1, Int(ProcessInfo.processInfo.physicalMemory >> 30))
    /// More workers than twice the cores only wait for each other; each needs about a GiB.
    static let maxJobs = max(1, min(2 * cores, physicalGiB))
    /// dlib's full-image search at upsample 3 already works on 64x the photo's pixels.
    static let maxUpsample = 3
}
