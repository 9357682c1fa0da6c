import CMalloc
import Dispatch
import Foundation

/// How many threads the kernels may use. Defaults to the number of active cores.
/// Set `Parallel.threadCount = 1` for single-thread benchmarks or when the caller
/// already parallelizes at a higher level (e.g. one image per thread).
public enum Parallel {
    /// Inside a worker of `forEachChunk` this is 1: a chunk already owns a core, so the
    /// kernels it calls run single-threaded instead of fanning out again.
    public static var threadCount: Int {
        get { pthread_getspecific(insideWorkerKey) == nil ? configuredThreadCount : 1 }
        set { configuredThreadCount = max(1, newValue) }
    }
    nonisolated(unsafe) private static var configuredThreadCount: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Marks the threads running a chunk (thread-specific, so other callers are unaffected).
    private static let insideWorkerKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` on the current thread marked as a chunk worker, restoring the mark after.
    private static func asWorker(_ body: () -> Void) {
        let saved = pthread_getspecific(insideWorkerKey)
        pthread_setspecific(insideWorkerKey, UnsafeRawPointer(bitPattern: 1))
        body()
        pthread_setspecific(insideWorkerKey, saved)
    }

    /// Runs `body(chunk, range)` for `workers` contiguous chunks of `0..<count`, concurrently
    /// when more than one worker is allowed. `workers` never exceeds `threadCount` or `count`.
    /// Chunks are contiguous so each worker can keep its own scratch buffers.
    public static func forEachChunk(_ count: Int, maxWorkers: Int = Int.max,
                                    _ body: (_ worker: Int, _ range: Range<Int>) -> Void) {
        guard count > 0 else { return }
        let workers = max(1, min(threadCount, count, maxWorkers))
        if !measuresCriticalPath {
            if workers == 1 { body(0, 0..<count); return }
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let lo = count * worker / workers
                let hi = count * (worker + 1) / workers
                if lo < hi { asWorker { body(worker, lo..<hi) } }
            }
            return
        }
        let seconds = UnsafeMutablePointer<Double>.allocate(capacity: workers)
        seconds.initialize(repeating: 0, count: workers)
        defer { seconds.deallocate() }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let lo = count * worker / workers
            let hi = count * (worker + 1) / workers
            let start = threadCPUSeconds()
            if lo < hi { asWorker { body(worker, lo..<hi) } }
            seconds[worker] = threadCPUSeconds() - start
        }
        for w in 0..<workers { workerSeconds += seconds[w] }
        criticalPathSeconds += (0..<workers).map { seconds[$0] }.max() ?? 0
    }

    // MARK: Benchmark instrumentation
    // The build machine is shared, so wall-clock time does not show what two dedicated cores
    // would do. With `measuresCriticalPath` set (single-threaded callers only), every
    // `forEachChunk` adds each worker's thread CPU time to `workerSeconds` and the slowest
    // worker's to `criticalPathSeconds`; CPU time outside the workers is serial work.

    nonisolated(unsafe) public static var measuresCriticalPath = false
    nonisolated(unsafe) public static var workerSeconds: Double = 0
    nonisolated(unsafe) public static var criticalPathSeconds: Double = 0

    public static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Runs `body` with `threadCount` temporarily set to `threads` (benchmarks, nested parallelism).
    public static func withThreadCount<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
        let saved = configuredThreadCount
        configuredThreadCount = max(1, threads)
        defer { configuredThreadCount = saved }
        return try body()
    }
}

/// Process-wide allocator setting for processes that run the networks.
public enum TensorMemory {
    /// glibc serves allocations above its mmap threshold (at most 32 MiB, adapting) with fresh
    /// mappings and returns them, and trims the heap top, on free: every detection then
    /// page-faults its multi-MB tensors in again, zero-filled by the kernel. Raising both
    /// thresholds keeps freed tensor memory in the heap for the next layer and photo; the
    /// process keeps its peak footprint (a worker's is bounded by the detector budget anyway).
    /// Measured on obama.jpg, interleaved runs: detection 5-9% faster, page faults -45%.
    public static func keepFreedTensorsForReuse() {
        _ = mallopt(M_MMAP_THRESHOLD, 512 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
    }

    /// Gives the freed memory kept for reuse back to the system (malloc_trim): before a search
    /// that needs more address space than is left beside it.
    public static func returnFreedMemory() {
        _ = malloc_trim(0)
    }
}
