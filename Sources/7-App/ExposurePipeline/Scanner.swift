import ArchiveInput
import ExportFormats
import ExposureModel
import ExposureStore
import FaceAnalysis
import ExposureRules
import Foundation
import ProcessIsolation
import VideoFrames

/// What `exposure scan` was asked to do.
public struct ScanOptions: Sendable {
    public var inputs: [URL]
    public var database: String
    /// Detect faces and compute descriptors (false: `--no-faces`).
    public var analyzeFaces: Bool = true
    /// Items processed at once.
    public var jobs: Int = 2
    public var modelDirectory: URL?
    /// A photo of the user (`--me`): overrides the owner choice.
    public var me: URL?
    public var extraRules: URL?
    /// Another inventory whose analysed items (by content hash) are reused (`--reuse`).
    public var reuse: String?
    public var upsample: Int = 1
    /// The smallest face looked for, in pixels of the photo (`--smallest-face`; with upsample 1).
    /// nil: the search method's default (20 px fast, 40 px dlib).
    public var smallestFace: Int?
    /// `--search`: the fast cascade (default) or dlib's own search.
    public var searchMethod: FaceSearchMethod = .fast
    /// How faces are searched for; recorded in the inventory.
    public var faceSearch: FaceSearch { FaceSearch(method: searchMethod, upsample: upsample, smallestFace: smallestFace) }
    /// Wall-clock seconds a worker may spend on one file before it is killed and the file
    /// skipped (`--file-timeout`).
    public var fileTimeout: TimeInterval = 120
    /// Address-space limit of each worker, in bytes (RLIMIT_AS); nil: 3/4 of the machine's
    /// memory shared by the workers, at least 4 GiB. (The face pass on a 12-megapixel photo
    /// at upsample 1 peaks at about 9 GB.)
    public var workerMemoryLimit: UInt64?
    /// The `exposure` binary that runs the workers; nil: this executable when it is
    /// `exposure`, else the `exposure` beside it (a test runner in .build/debug).
    public var workerExecutable: URL?

    public init(inputs: [URL], database: String) {
        self.inputs = inputs; self.database = database
    }
}

/// What a scan did, for the closing lines and the exit status.
public struct ScanOutcome: Sendable {
    public var sources: [(name: String, platform: Platform)] = []
    public var written = 0
    public var resumed = 0
    public var reused = 0
    public var skipped: [(archive: String, entry: String?, reason: String)] = []
    /// The workers' time per stage, summed over the files analysed in this run.
    public var stageSeconds = StageSeconds()
    /// What the rules (the shipped ones and `--rules`) found in the inventory after the analysis.
    public var findings: [Finding] = []
    /// Photos and videos the inputs hold or name (present or missing from the archive).
    public var mediaFound = 0
    /// True when no input could be read, or none held or named a photo or video (exit status 3).
    public var nothingScanned: Bool { sources.isEmpty || mediaFound == 0 }
    /// The scan created the inventory and found nothing: the file was removed again.
    public var inventoryRemoved = false
}

/// Drives a scan: inputs → platform readers → per-file hashing, metadata and faces →
/// the inventory, then the analysis. Resumable: files already written are skipped.
public final class Scanner {
    let options: ScanOptions
    let progress: any ScanProgress
    let database: InventoryDatabase
    let media: MediaAnalyzer
    /// The shipped rules plus `--rules`: loaded before anything is scanned, so that a broken rule
    /// file stops the scan at once (with its file and line) and creates no inventory.
    let rules: RuleSet

    /// True when this scan created the inventory file: a scan that finds nothing removes it again.
    let createdInventory: Bool
    /// `--me`'s descriptor, computed before anything is written.
    let meDescriptor: [Float]?

    /// Checks everything a scan could refuse before it writes anything: the rules, the `--reuse`
    /// inventory (read-only), the workers, `--me` (decoded and searched: exactly one face), the
    /// inventory file (an existing file must be an inventory) and its face search.
    public init(options: ScanOptions, progress: any ScanProgress) throws {
        self.options = options
        self.progress = progress
        rules = try RuleBook.load(extra: options.extraRules)
        let reuse = try options.reuse.map { try InventoryDatabase(readingPath: $0) }
        let search = options.faceSearch.settingValue
        if options.analyzeFaces, let reuse, let theirs = try reuse.setting(FaceSearch.settingKey), theirs != search {
            throw ScanError.faceSearchDiffers(what: "--reuse \(options.reuse ?? "")", recorded: theirs, asked: search)
        }
        let workers = try WorkerPool(try WorkerConfiguration.analysis(search: options.faceSearch, analyzeFaces: options.analyzeFaces,
                                                                      modelDirectory: options.modelDirectory, jobs: options.jobs,
                                                                      fileTimeout: options.fileTimeout, memoryLimit: options.workerMemoryLimit,
                                                                      executable: options.workerExecutable),
                                     count: max(1, options.jobs))
        let media = MediaAnalyzer(analyzeFaces: options.analyzeFaces, reuse: reuse, workers: workers)
        self.media = media
        do {
            meDescriptor = try options.me.map { try media.meDescriptor($0) }
            createdInventory = !FileManager.default.fileExists(atPath: options.database)
            database = try InventoryDatabase(path: options.database)
        } catch {
            workers.shutDown()
            throw error
        }
        do {
            if options.analyzeFaces {
                // Faces found with another search cannot be mixed with this one's (or resumed by it).
                if let recorded = try database.setting(FaceSearch.settingKey), recorded != search {
                    throw ScanError.faceSearchDiffers(what: "--db \(options.database)", recorded: recorded, asked: search)
                }
                try database.recordSetting(FaceSearch.settingKey, search)
                try database.recordSetting(VideoSampling.settingKey, AnalysisWorker.Options().videoSampling.settingValue)
            }
        } catch {
            workers.shutDown()
            database.close()
            throw error
        }
    }

    /// Leaves the inventory whole and closed now (Ctrl-C, SIGTERM): what is committed stays, the
    /// scan state says "scanning", and the same command resumes.
    public func saveForInterrupt() {
        database.close()
        WorkerPool.killAllWorkers()
    }

    public func run() throws -> ScanOutcome {
        defer {
            media.workers.shutDown()
            database.close()
        }
        var outcome = ScanOutcome()
        try database.recordScanState(finished: false)
        var archives: [ExportArchive] = []
        for group in ExportInputs.groupParts(options.inputs) {
            do {
                archives.append(try ExportArchive(parts: group))
            } catch {
                let name = group.first?.lastPathComponent ?? "?"
                outcome.skipped.append((name, nil, "\(error)"))
                // The archive reader's messages name the archive already.
                progress.note("\(error)".hasPrefix(name) ? "\(error)" : "\(name): \(error)")
            }
        }
        for (archive, notes) in PartJoining.join(archives) {
            for note in notes {
                outcome.skipped.append((archive.displayName, nil, note))
                progress.note("\(archive.displayName): \(note)")
            }
            for issue in archive.issues {
                outcome.skipped.append((archive.displayName, issue.entry, issue.reason))
                progress.note(issue.description)
            }
            try scan(archive, into: &outcome)
        }
        if outcome.nothingScanned {
            if createdInventory {
                // Nothing to keep: no empty inventory is left behind to be mistaken for a result.
                database.close()
                for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: options.database + suffix) }
                outcome.inventoryRemoved = true
            }
            return outcome
        }
        // From the analysis' own result: no second read of the whole inventory.
        outcome.findings = try Workflows.analyze(database: database, me: meDescriptor, rules: rules)
        try database.recordScanState(finished: true)
        return outcome
    }

    private func scan(_ archive: ExportArchive, into outcome: inout ScanOutcome) throws {
        let format = ExportFormatRegistry.detect(archive)
        let parsed = try format.read(archive)
        for warning in parsed.warnings {
            outcome.skipped.append((archive.displayName, nil, warning))
            progress.note("\(archive.displayName): \(warning)")
        }
        let sourceID = try database.source(name: archive.displayName, platform: parsed.platform, ownerName: parsed.ownerName)
        outcome.sources.append((archive.displayName, parsed.platform))

        let written = try database.writtenPaths(sourceID: sourceID)
        var references: [String: MediaReference] = [:]
        for ref in parsed.media where ref.isPresent { references[ref.path] = ref }
        outcome.mediaFound += parsed.media.count
        let todo = references.keys.filter { path in
            guard let facesDone = written[path] else { return true }
            return options.analyzeFaces && !facesDone
        }
        outcome.resumed += references.count - todo.count

        progress.begin(archive.displayName, total: todo.count)
        let pool = WorkPool(width: max(1, options.jobs))
        let tally = Tally()
        let committer = ItemCommitter(database: database)
        let issues = try archive.forEachFile(Set(todo)) { path, reader in
            let reference = references[path]!
            let bytes: Data
            let sha: String
            do {
                var hasher = ArchiveInput.SHA256()
                bytes = try reader.readAll(hashingInto: &hasher)
                sha = hasher.finalize().hex
            } catch {
                tally.add { $0.skipped.append((archive.displayName, path, "\(error)")) }
                progress.note("\(archive.displayName): \(path): \(error)")
                try? database.recordSkipped(sourceID: sourceID, path: path, reason: "\(error)")
                progress.advance()
                return
            }
            pool.submit { [media, database, progress] in
                do {
                    switch try media.analyze(bytes: bytes, sha256: sha, path: path, sourceID: sourceID, reference: reference) {
                    case .analysed(let write):
                        committer.add(write.item)
                        // A video whose frames cannot be decoded keeps its metadata; the scan still lists it as skipped.
                        if write.item.kind == .video, let reason = write.item.unreadableReason, media.analyzeFaces {
                            tally.add { $0.skipped.append((archive.displayName, path, "video frames not analysed: \(reason)")) }
                            progress.note("\(archive.displayName): \(path): video frames not analysed: \(reason)")
                        }
                        tally.add { $0.written += 1; $0.stageSeconds += write.stageSeconds; if write.reused { $0.reused += 1 } }
                    case .failed(let reason):
                        // One hostile file: reported and skipped, the scan goes on.
                        tally.add { $0.skipped.append((archive.displayName, path, reason)) }
                        progress.note("\(archive.displayName): \(path): \(reason)")
                        try database.recordSkipped(sourceID: sourceID, path: path, reason: reason)
                    }
                } catch {
                    tally.fail(error)
                }
                progress.advance()
            }
        }
        pool.wait()
        try committer.finish()
        progress.finish()
        if let error = tally.firstError { throw error }
        outcome.written += tally.outcome.written
        outcome.reused += tally.outcome.reused
        outcome.stageSeconds += tally.outcome.stageSeconds
        outcome.skipped += tally.outcome.skipped
        for issue in issues {
            outcome.skipped.append((archive.displayName, issue.entry, issue.reason))
            progress.note(issue.description)
        }
        let missing = parsed.media.filter { !$0.isPresent }.map(\.path)
        try database.recordListing(sourceID: sourceID, missingPaths: missing)
    }
}

/// Counts shared by the scan's workers.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var outcome = ScanOutcome()
    private(set) var firstError: Error?
    func add(_ change: (inout ScanOutcome) -> Void) { lock.lock(); change(&outcome); lock.unlock() }
    func fail(_ error: Error) { lock.lock(); if firstError == nil { firstError = error }; lock.unlock() }
}

/// Commits finished items a batch at a time on its own queue, so the scan's tasks go
/// back to feeding the workers instead of waiting for SQLite, and one commit covers many
/// small files (one transaction per file cost more than the file's metadata extraction).
/// A batch is committed at 64 items or half a second after its first item, whichever
/// comes first: a slow face scan still commits each photo soon after it is done, and a
/// kill loses at most the uncommitted batch, which the resumed scan redoes.
final class ItemCommitter: @unchecked Sendable {
    static let maxItems = 64
    static let maxDelay: DispatchTimeInterval = .milliseconds(500)

    private let database: InventoryDatabase
    private let queue = DispatchQueue(label: "exposure.scan.commit")
    /// At most two batches waiting for the database: back-pressure on a slow disk.
    private let inFlight = DispatchSemaphore(value: 2)
    private let lock = NSLock()
    private var pending: [ItemWrite] = []
    private var generation = 0
    private var firstError: Error?

    init(database: InventoryDatabase) { self.database = database }

    func add(_ item: ItemWrite) {
        lock.lock()
        pending.append(item)
        let first = pending.count == 1
        let batch = pending.count >= Self.maxItems ? takePending() : nil
        let scheduled = generation
        lock.unlock()
        if let batch { commit(batch) }
        if first && batch == nil {
            queue.asyncAfter(deadline: .now() + Self.maxDelay) { [self] in
                lock.lock()
                let due = generation == scheduled && !pending.isEmpty ? takePending() : nil
                lock.unlock()
                if let due { write(due) }
            }
        }
    }

    /// Commits what is left and waits for every batch; throws the first write error.
    func finish() throws {
        lock.lock()
        let rest = takePending()
        lock.unlock()
        commit(rest)
        queue.sync {}
        lock.lock(); defer { lock.unlock() }
        if let firstError { throw firstError }
    }

    /// Called with `lock` held.
    private func takePending() -> [ItemWrite] {
        let batch = pending
        pending = []
        generation += 1
        return batch
    }

    private func commit(_ batch: [ItemWrite]) {
        guard !batch.isEmpty else { return }
        inFlight.wait()
        queue.async { [self] in
            write(batch)
            inFlight.signal()
        }
    }

    /// Runs on `queue`.
    private func write(_ batch: [ItemWrite]) {
        do {
            try database.write(batch)
        } catch {
            lock.lock()
            if firstError == nil { firstError = error }
            lock.unlock()
        }
    }
}

/// A fixed number of workers fed through a bounded queue: `submit` blocks while
/// 2 × width tasks are waiting, so a fast reader cannot fill memory with decoded bytes.
final class WorkPool: @unchecked Sendable {
    private let queue = DispatchQueue(label: "exposure.scan.work", attributes: .concurrent)
    private let slots: DispatchSemaphore
    private let running: DispatchSemaphore
    private let group = DispatchGroup()

    init(width: Int) {
        slots = DispatchSemaphore(value: 2 * width)
        running = DispatchSemaphore(value: width)
    }

    func submit(_ work: @escaping @Sendable () -> Void) {
        slots.wait()
        group.enter()
        queue.async { [running, slots, group] in
            running.wait()
            work()
            running.signal()
            slots.signal()
            group.leave()
        }
    }

    func wait() { group.wait() }
}
