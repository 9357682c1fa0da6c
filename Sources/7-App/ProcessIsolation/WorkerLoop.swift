import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The worker side of process isolation: reads requests on standard input, answers on standard
/// output, one file at a time, under resource limits, so that a crash, a trap, a runaway
/// allocation or a hang in the code that handles a file ends this process and not its parent
/// (which sees a `WorkerFailure` and starts another worker). What a request does is the
/// caller's `handler`; this is only the process around it.
public enum WorkerLoop {
    public struct Limits: Sendable {
        /// RLIMIT_AS: address space, in bytes (0: no limit).
        public var memory: UInt64
        /// CPU seconds one file may use (RLIMIT_CPU, re-armed before each file; 0: no limit).
        public var cpuSecondsPerFile: UInt64
        public init(memory: UInt64, cpuSecondsPerFile: UInt64) { self.memory = memory; self.cpuSecondsPerFile = cpuSecondsPerFile }
    }

    /// Why a worker cannot start (sent to the parent in its hello).
    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Applies `limits`, runs `start` (loading models, say) and says hello, then answers requests
    /// with the handler it returned until standard input closes. Returns the exit status.
    public static func serve(limits: Limits,
                             start: () throws -> (WorkRequest, Data) -> WorkResponse) -> Int32 {
        // The protocol owns the original stdin/stdout; anything a library prints goes to stderr.
        let input = dup(0), output = dup(1)
        dup2(2, 1)
        let devNull = open("/dev/null", O_RDONLY)
        if devNull >= 0 { dup2(devNull, 0); close(devNull) }
        signal(SIGPIPE, SIG_IGN)
        applyLimits(limits)

        let handle: (WorkRequest, Data) -> WorkResponse
        do {
            handle = try start()
        } catch {
            try? send(WorkerHello(ready: false, error: "\(error)"), to: output)
            return 1
        }
        do { try send(WorkerHello(ready: true, error: nil), to: output) } catch { return 1 }

        let hooks = TestHooks(ProcessInfo.processInfo.environment)
        while true {
            let request: WorkRequest
            let bytes: Data
            do {
                request = try WorkRequest(wire: try Frames.read(from: input))
                bytes = try Frames.read(from: input)
            } catch Frames.Failure.closed {
                return 0
            } catch {
                FileHandle.standardError.write(Data("exposure worker: bad request: \(error)\n".utf8))
                return 1
            }
            hooks.apply(to: (request.path as NSString).lastPathComponent)
            armCPULimit(limits.cpuSecondsPerFile)
            let response = handle(request, bytes)
            do { try Frames.write(response.wire(), to: output) } catch { return 1 }
        }
    }

    private static func send(_ hello: WorkerHello, to fd: Int32) throws {
        try Frames.write(try JSONEncoder().encode(hello), to: fd)
    }

    /// No core files (they would hold the user's photos), a cap on address space.
    private static func applyLimits(_ limits: Limits) {
        var core = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(resource(RLIMIT_CORE), &core)
        if limits.memory > 0 {
            var space = rlimit(rlim_cur: rlim_t(limits.memory), rlim_max: rlim_t(limits.memory))
            setrlimit(resource(RLIMIT_AS), &space)
        }
    }

    /// RLIMIT_CPU counts the whole life of the process, so before each file the soft limit is
    /// moved to "CPU used so far + this file's budget" (the hard limit stays open). A file
    /// that spins past it gets SIGXCPU; the parent's wall-clock timeout covers files that sleep.
    private static func armCPULimit(_ seconds: UInt64) {
        guard seconds > 0 else { return }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let used = UInt64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + 1
        var limit = rlimit()
        getrlimit(resource(RLIMIT_CPU), &limit)
        limit.rlim_cur = rlim_t(used + seconds)
        setrlimit(resource(RLIMIT_CPU), &limit)
    }

    private static func resource(_ r: __rlimit_resource) -> __rlimit_resource_t { __rlimit_resource_t(r.rawValue) }

    /// Test hooks: make this worker misbehave on purpose on files whose name contains a
    /// given text. Only active when the variable is set (the isolation tests and
    /// scripts/crash-test set them; nothing else does).
    struct TestHooks {
        var crashOn: String?, trapOn: String?, hangOn: String?, spinOn: String?
        init(_ env: [String: String]) {
            func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
            crashOn = value("EXPOSURE_TEST_CRASH_ON")
            trapOn = value("EXPOSURE_TEST_TRAP_ON")
            hangOn = value("EXPOSURE_TEST_HANG_ON")
            spinOn = value("EXPOSURE_TEST_SPIN_ON")
        }
        func apply(to filename: String) {
            if let crashOn, filename.contains(crashOn) { abort() }              // a C library's crash
            if let trapOn, filename.contains(trapOn) { fatalError("test hook: trap on \(filename)") }  // a Swift trap
            if let hangOn, filename.contains(hangOn) { while true { sleep(1000) } }  // a blocked decoder
            if let spinOn, filename.contains(spinOn) {                           // a decoder in an endless loop
                var x: UInt64 = 1
                while x != 0 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
            }
        }
    }
}
