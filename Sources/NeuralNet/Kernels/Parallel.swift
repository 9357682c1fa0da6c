import Dispatch
import Foundation

/// How many threads the kernels may use. Defaults to the number of active cores.
/// Set `Parallel.threadCount = 1` for single-thread benchmarks or when the caller
/// already parallelizes at a higher level (e.g. one image per thread).
public enum Parallel {
    nonisolated(unsafe) public static var threadCount: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body(chunk, range)` for `workers` contiguous chunks of `0..<count`, concurrently
    /// when more than one worker is allowed. `workers` never exceeds `threadCount` or `count`.
    /// Chunks are contiguous so each worker can keep its own scratch buffers.
    public static func forEachChunk(_ count: Int, maxWorkers: Int = Int.max,
                                    _ body: (_ worker: Int, _ range: Range<Int>) -> Void) {
        guard count > 0 else { return }
        let workers = max(1, min(threadCount, count, maxWorkers))
        if workers == 1 { body(0, 0..<count); return }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let lo = count * worker / workers
            let hi = count * (worker + 1) / workers
            if lo < hi { body(worker, lo..<hi) }
        }
    }

    /// Runs `body` with `threadCount` temporarily set to `threads` (benchmarks, nested parallelism).
    public static func withThreadCount<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
        let saved = threadCount
        threadCount = max(1, threads)
        defer { threadCount = saved }
        return try body()
    }
}
