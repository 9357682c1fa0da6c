import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How to start analysis workers.
public struct WorkerConfiguration: Sendable {
    /// The `exposure` binary (re-executed as `exposure worker`).
    public var executable: URL
    public var arguments: [String]
    /// Wall-clock seconds one file may take before its worker is killed.
    public var fileTimeout: TimeInterval
    /// Kernel threads per worker: a file's CPU budget is `fileTimeout × threads`.
    public var threads = 1
    /// Seconds a fresh worker may take to load its models and say hello.
    public var startupTimeout: TimeInterval = 120

    public init(executable: URL, arguments: [String], fileTimeout: TimeInterval, threads: Int = 1) {
        self.executable = executable; self.arguments = arguments; self.fileTimeout = fileTimeout; self.threads = threads
    }
}

/// Why a file could not be analysed: its worker died or stopped answering.
public enum WorkerFailure: Error, CustomStringConvertible, Equatable {
    /// `cpu`: the worker spun for that long; otherwise it made no progress for that long.
    case timedOut(seconds: Int, cpu: Bool)
    case crashed(signal: Int32)
    case exited(status: Int32)
    case broken(String)

    public var description: String {
        switch self {
        case .timedOut(let s, let cpu): return cpu ? "timed out after \(s) s of CPU time" : "timed out after \(s) s"
        case .crashed(let signal):
            let name = Self.signalNames[signal].map { ", \($0)" } ?? ""
            return "worker crashed (signal \(signal)\(name))"
        case .exited(let status): return "worker exited with status \(status)"
        case .broken(let why): return "worker failed (\(why))"
        }
    }

    static let signalNames: [Int32: String] = [
        SIGABRT: "SIGABRT", SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGFPE: "SIGFPE",
        SIGTRAP: "SIGTRAP", SIGKILL: "SIGKILL (out of memory?)", SIGXCPU: "SIGXCPU, CPU limit", SIGTERM: "SIGTERM",
    ]
}

/// One running `exposure worker` process and its two pipes. Not thread-safe: a pool hands
/// each worker to one task at a time.
final class WorkerProcess {
    let pid: pid_t
    private let toWorker: Int32
    private let fromWorker: Int32
    private var reaped = false {
        didSet { if reaped { Self.forget(pid) } }
    }

    /// Workers started and not yet reaped, so that an interrupted scan can stop them at once.
    private static let liveLock = NSLock()
    nonisolated(unsafe) private static var live = Set<pid_t>()
    private static func forget(_ pid: pid_t) { liveLock.lock(); live.remove(pid); liveLock.unlock() }

    /// Kills every worker still running (the scan was interrupted: their files are redone on resume).
    static func killAll() {
        liveLock.lock()
        let pids = live
        liveLock.unlock()
        for pid in pids { kill(pid, SIGKILL) }
    }

    /// Starts a worker and waits for its hello (models loaded).
    init(_ config: WorkerConfiguration) throws {
        (pid, toWorker, fromWorker) = try Self.spawn(config)
        Self.liveLock.lock(); Self.live.insert(pid); Self.liveLock.unlock()
        // Writes wait on poll with a deadline, so a worker that stops reading cannot block the scan.
        _ = fcntl(toWorker, F_SETFL, fcntl(toWorker, F_GETFL) | O_NONBLOCK)

        let hello: WorkerHello
        do {
            hello = try JSONDecoder().decode(WorkerHello.self, from: try Frames.read(
                from: fromWorker, deadline: Date(timeIntervalSinceNow: config.startupTimeout), limit: 1 << 20))
        } catch {
            let failure = stop(after: error, timeout: config.startupTimeout)
            throw WorkerFailure.broken("worker did not start: \(failure)")
        }
        guard hello.ready else {
            _ = stop(after: Frames.Failure.closed, timeout: 0)
            throw StartError(message: hello.error ?? "the worker could not start")
        }
    }

    private static let spawnLock = NSLock()

    /// Starts `exposure worker` with its stdin and stdout on two fresh pipes; returns the
    /// process id and the parent's ends (request writer, response reader).
    private static func spawn(_ config: WorkerConfiguration) throws -> (pid_t, Int32, Int32) {
        // Pipes are created close-on-exec and the worker started under one lock, so a worker
        // started at the same moment by another thread cannot inherit this worker's pipe ends
        // (a stray copy of the write end would turn this worker's crash into a timeout).
        spawnLock.lock()
        defer { spawnLock.unlock() }
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0 else { throw WorkerFailure.broken("pipe: \(errno)") }
        guard pipe(&outPipe) == 0 else {
            close(inPipe[0]); close(inPipe[1]); throw WorkerFailure.broken("pipe: \(errno)")
        }
        for fd in inPipe + outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the copies: the worker gets exactly these two pipe ends
        // (and the scan's stderr); every other descriptor of the scan is closed on exec.
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)

        let argv = [config.executable.path, "worker"] + config.arguments
        var environment = ProcessInfo.processInfo.environment
        // A crash should end the worker at once, not after a symbolicated backtrace.
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let envp = environment.map { "\($0.key)=\($0.value)" }
        // Default signal handling and an empty mask in the worker, whatever this thread has
        // blocked or ignored (SIGXCPU must be able to end a spinning worker).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGXCPU, SIGINT, SIGTERM] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // A process group of its own: Ctrl-C in the terminal reaches the scan alone, which saves the
        // inventory and then stops its workers, instead of every worker dying mid-file first.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        var child: pid_t = 0
        let status = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnv in
                posix_spawn(&child, config.executable.path, &actions, &attributes, cArgv, cEnv)
            }
        }
        close(inPipe[0]); close(outPipe[1])
        guard status == 0 else {
            close(inPipe[1]); close(outPipe[0])
            throw WorkerFailure.broken("cannot start \(config.executable.lastPathComponent): \(String(cString: strerror(status)))")
        }
        return (child, inPipe[1], outPipe[0])
    }


    /// A worker that reported why it cannot work (e.g. the face models are missing): the scan stops.
    struct StartError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    /// Sends one request and waits for the answer. On any failure the worker is killed and
    /// reaped, and the failure says why (timeout, signal, exit status).
    func run(_ request: WorkRequest, bytes: Data, timeout: TimeInterval, threads: Int = 1) -> Result<WorkResponse, WorkerFailure> {
        do {
            let sendDeadline = Date(timeIntervalSinceNow: timeout)
            try Frames.write(request.wire(), to: toWorker, deadline: sendDeadline)
            try Frames.write(bytes, to: toWorker, deadline: sendDeadline)
            if let stalled = waitForAnswer(timeout: timeout, threads: threads) {
                kill(pid, SIGKILL)
                _ = reap()
                closePipes()
                return .failure(stalled)
            }
            // The worker writes its answer in one go: a generous deadline for the rest.
            let frame = try Frames.read(from: fromWorker, deadline: Date(timeIntervalSinceNow: max(timeout, 30)), limit: 1 << 30)
            return .success(try WorkResponse(wire: frame))
        } catch {
            return .failure(stop(after: error, timeout: timeout))
        }
    }

    /// Waits until the worker answers (or dies: the pipe then reads as closed). Gives up on
    /// a file when the worker has spent `timeout` seconds of CPU per thread on it (an endless loop), or
    /// when it made no progress for `timeout` seconds of wall-clock time (blocked: under 2%
    /// of one core). A slow file on a busy machine still progresses, so it is not cut off
    /// by the load of other programs. Returns the failure, or nil when an answer is ready.
    private func waitForAnswer(timeout: TimeInterval, threads: Int) -> WorkerFailure? {
        let cpuAtStart = cpuSeconds()
        var windowStart = Date(), windowCPU = cpuAtStart
        while true {
            var p = pollfd(fd: fromWorker, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, Int32(min(250, max(10, timeout * 1000 / 4))))
            if r > 0 { return nil }
            let now = Date(), cpu = cpuSeconds()
            if cpu - cpuAtStart >= timeout * Double(max(1, threads)) { return .timedOut(seconds: Int(timeout.rounded()), cpu: true) }
            let window = now.timeIntervalSince(windowStart)
            if window >= timeout {
                if cpu - windowCPU < 0.02 * window { return .timedOut(seconds: Int(timeout.rounded()), cpu: false) }
                windowStart = now; windowCPU = cpu
            }
        }
    }

    /// User + system CPU seconds of the worker so far (/proc/PID/stat, fields 14 and 15).
    private func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Kills the worker after a failed exchange and turns what happened into a reason.
    private func stop(after error: Error, timeout: TimeInterval) -> WorkerFailure {
        defer { closePipes() }
        if case Frames.Failure.timedOut = error {
            kill(pid, SIGKILL)
            _ = reap()
            return .timedOut(seconds: Int(timeout.rounded()), cpu: false)
        }
        // The pipe closed or broke, or the answer was garbled: the worker is dying, dead or
        // confused. Give it a moment to finish dying, then make sure.
        var status: Int32 = 0
        var result = waitpid(pid, &status, WNOHANG)
        let until = Date(timeIntervalSinceNow: 2)
        while result == 0 && Date() < until {
            usleep(5_000)
            result = waitpid(pid, &status, WNOHANG)
        }
        if result == 0 {
            kill(pid, SIGKILL)
            _ = reap()
            return .broken("\(error)")
        }
        reaped = true
        let signal = status & 0x7f
        if signal != 0 { return .crashed(signal: signal) }
        let exitStatus = (status >> 8) & 0xff
        return exitStatus == 0 ? .broken("\(error)") : .exited(status: exitStatus)
    }

    private var pipesOpen = true
    private func closePipes() {
        guard pipesOpen else { return }
        pipesOpen = false
        close(toWorker); close(fromWorker)
    }

    private func reap() -> Int32 {
        guard !reaped else { return 0 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
        return status
    }

    /// Closes the request pipe (the worker exits on end of input) and waits for it; kills it
    /// if it does not exit within a few seconds (busy on a file nobody waits for any more).
    func shutDown() {
        guard !reaped else { closePipes(); return }
        closePipes()
        let until = Date(timeIntervalSinceNow: 5)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() >= until { kill(pid, SIGKILL); waitpid(pid, &status, 0); break }
            usleep(10_000)
        }
        reaped = true
    }

    deinit { shutDown() }
}

/// Runs `body` with a NULL-terminated C array of the strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// The scan's workers: `count` processes started up front (so missing models stop the scan
/// at once), handed to one task at a time, and replaced after a crash or timeout.
public final class WorkerPool: @unchecked Sendable {
    public let config: WorkerConfiguration
    private let lock = NSLock()
    private var idle: [WorkerProcess] = []
    private let available: DispatchSemaphore
    private var closed = false

    public init(_ config: WorkerConfiguration, count: Int) throws {
        self.config = config
        // Writing to a worker that just died must fail with EPIPE, not kill the scan.
        signal(SIGPIPE, SIG_IGN)
        available = DispatchSemaphore(value: count)
        var started: [WorkerProcess?] = Array(repeating: nil, count: count)
        var firstError: Error?
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: count) { i in
            do {
                let w = try WorkerProcess(config)
                lock.lock(); started[i] = w; lock.unlock()
            } catch {
                lock.lock(); if firstError == nil { firstError = error }; lock.unlock()
            }
        }
        idle = started.compactMap { $0 }
        if let firstError { idle.forEach { $0.shutDown() }; idle = []; throw firstError }
    }

    /// Runs one request on a free worker. A worker that fails is discarded; the next
    /// request that needs one starts a fresh process.
    public func run(_ request: WorkRequest, bytes: Data) throws -> Result<WorkResponse, WorkerFailure> {
        available.wait()
        defer { available.signal() }
        lock.lock()
        let worker = idle.popLast()
        lock.unlock()
        let w = try worker ?? WorkerProcess(config)
        let result = w.run(request, bytes: bytes, timeout: config.fileTimeout, threads: config.threads)
        if case .success = result {
            lock.lock(); idle.append(w); lock.unlock()
        }
        return result
    }

    /// Kills every worker of every pool now (an interrupted scan, after saving its inventory).
    public static func killAllWorkers() { WorkerProcess.killAll() }

    public func shutDown() {
        lock.lock()
        let all = idle
        idle = []
        lock.unlock()
        for w in all { w.shutDown() }
    }

    deinit { shutDown() }
}
