import FaceAnalysis
import Foundation
import ProcessIsolation

extension WorkerConfiguration {
    /// How the scan (and `exposure faces`) start `exposure worker` processes: the face search,
    /// kernel threads (the cores shared by `jobs` workers), an address-space limit (default 3/4 of
    /// memory shared by the workers, at least 4 GiB) and a CPU backstop per file.
    static func analysis(search: FaceSearch, analyzeFaces: Bool, modelDirectory: URL?, jobs: Int,
                         fileTimeout: TimeInterval, memoryLimit: UInt64?, executable: URL?) throws -> WorkerConfiguration {
        let jobs = max(1, jobs)
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount / jobs)
        let memory = memoryLimit ?? max(4 << 30, ProcessInfo.processInfo.physicalMemory / 4 * 3 / UInt64(jobs))
        var arguments = ["--search", search.method.rawValue, "--upsample", "\(search.upsample)", "--smallest-face", "\(search.smallestFace)",
                         "--threads", "\(threads)", "--memory-limit", "\(memory)",
                         // A backstop for a file spinning in C code: the parent's CPU check normally fires first.
                         "--cpu-seconds", "\(UInt64(fileTimeout) * UInt64(threads) + 10)"]
        if search.wholeImage { arguments.append("--whole-image") }
        if !analyzeFaces { arguments.append("--no-faces") }
        if let models = modelDirectory { arguments += ["--models", models.path] }
        return WorkerConfiguration(executable: try workerExecutable(executable), arguments: arguments,
                                   fileTimeout: fileTimeout, threads: threads)
    }

    /// The binary to run as `exposure worker`.
    static func workerExecutable(_ explicit: URL?) throws -> URL {
        if let explicit { return explicit }
        let me = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                     ?? CommandLine.arguments[0])
        if me.lastPathComponent == "exposure" { return me }
        let sibling = me.deletingLastPathComponent().appendingPathComponent("exposure")
        guard FileManager.default.isExecutableFile(atPath: sibling.path) else { throw ScanError.noWorkerBinary(sibling.path) }
        return sibling
    }
}
