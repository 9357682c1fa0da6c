// What dlib's search over a whole photo costs in memory, and the check that refuses a search the
// process cannot hold before anything is allocated (instead of a Swift fatal error on a failed
// allocation in the middle of it, which costs the worker and the photo).
//
// The detector's memory is proportional to the pixels it searches: the photo doubled `upsample`
// times by `pyramid_up` (H x W -> (2H+1) x (2W+2) each time). The tiled pyramid tensor has about
// 3.6 times as many pixels, 12 bytes each (3 float channels), and the first convolutions' outputs
// (16 and then 32 channels at 1/4 and 1/16 of the tensor's pixels) live beside it. Measured, the address space of
// `exposure faces --search dlib --upsample N` (one worker, 2 kernel threads) peaks at
//
//     545 MiB + 131 bytes per searched pixel      (VmPeak of the worker; peak RSS: 126 MiB + 133 B/px)
//
// and the estimate below is 480 MiB + 150 bytes per pixel: 15% above the measured slope, so
// the check refuses a search somewhat before it would really fail (at a 4 GiB limit: above 25.3 M
// searched pixels, where the measured peak is 3.6 GiB). The measurements (VmPeak and VmHWM polled
// from /proc/<worker>/status every 20 ms while `exposure faces IMAGE --search dlib --upsample N`
// ran, debug build with the `-O` kernels, 2 cores; the photos of face_recognition 1.3.0's test
// images and noise PNGs):
//
//     photo       upsample  searched Mpx  VmPeak MiB  VmHWM MiB  estimate MiB  estimate/VmPeak
//     64x48          0          0.003       340        126          480           1.41
//     64x48          2          0.051       479        127          487           1.02
//     320x240        0          0.077       559        128          491           0.88
//     320x240        1          0.309       585        155          524           0.90
//     320x240        2          1.238       681        286          657           0.96
//     320x240        3          4.960      1179        750         1190           1.01
//     640x480        0          0.307       649        155          524           0.81
//     640x480        1          1.232       715        285          656           0.92
//     640x480        2          4.934      1112        747         1186           1.07
//     640x480        3         19.750      3002       2637         3305           1.10
//     910x1137       0          1.035       690        261          628           0.91
//     910x1137       1          4.145      1078        649         1073           1.00
//     910x1137       2         16.593      2603       2237         2854           1.10
//     970x2204       1          8.562      1587       1222         1705           1.07
//     1434x2333      1         13.394      2263       1833         2396           1.06
//     320x240        6       1268 (est.)   Swift fatal error: failed to allocate 13,715,722,256 bytes
//                                          (the tiled tensor) in a 4 GiB worker; estimate 44.9 GiB
//
// (The 480 MiB is the worker itself: code, models, thread stacks and malloc arenas; more kernel
// threads mean more arenas, which the reservation in `checkMemory` sees.) FaceSearchMemoryTests
// holds the table and checks the estimate against it.
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NeuralNet

extension FaceSearch {
    /// Bytes of address space the detector takes per searched pixel (measured 131, see above).
    public static let peakBytesPerSearchedPixel: Double = 150
    /// A worker's own address space with the models loaded (measured 330-550 MiB with 2 threads).
    public static let workerBaselineBytes: UInt64 = 480 << 20

    /// Pixels dlib's detector searches in a `width` x `height` photo at `upsample`: the photo
    /// doubled `upsample` times by `pyramid_up` ((2H+1) x (2W+2) each time). In a Double: at
    /// large `upsample` it passes any integer.
    public static func searchedPixels(width: Int, height: Int, upsample: Int) -> Double {
        var w = Double(max(0, width)), h = Double(max(0, height))
        for _ in 0..<max(0, upsample) { w = 2 * w + 2; h = 2 * h + 1 }
        return w * h
    }

    /// The peak address space of a worker running dlib's full-image search (`--search dlib
    /// --upsample N`) on a `width` x `height` photo, with a safety margin: what the check
    /// compares with the worker's limit, and what a command can state before a scan
    /// ("--upsample 3 on a 12 MP photo needs about 108 GiB"). Saturates at UInt64.max.
    public static func estimatedPeakBytes(width: Int, height: Int, upsample: Int) -> UInt64 {
        let bytes = Double(workerBaselineBytes) + peakBytesPerSearchedPixel * searchedPixels(width: width, height: height, upsample: upsample)
        return bytes >= Double(UInt64.max) ? .max : UInt64(bytes)
    }

    /// The address space this process may use: its RLIMIT_AS (a scan's worker sets one, the
    /// `memoryLimit` of its options), else the machine's memory.
    public static func memoryLimit() -> (bytes: UInt64, isAddressSpaceLimit: Bool) {
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max {   // RLIM_INFINITY
            return (UInt64(limit.rlim_cur), true)
        }
        return (ProcessInfo.processInfo.physicalMemory, false)
    }

    /// A face search refused because the process cannot hold it (thrown before anything is allocated).
    public struct MemoryLimitExceeded: Error, Equatable, CustomStringConvertible {
        /// The photo (what the detector is given: after the dlib search's resize, if any).
        public var width: Int, height: Int
        public var upsample: Int
        public var neededBytes: UInt64
        public var limitBytes: UInt64
        /// True for a process address-space limit (a worker's), false for the machine's memory.
        public var isAddressSpaceLimit: Bool
        /// When the limit itself would hold the search but what is left of it does not: what is left.
        public var leftBytes: UInt64?
        /// dlib's full-image search (`--upsample`): a lower upsampling is the way out.
        public var wholeImage: Bool

        /// The highest upsampling whose estimate fits the limit, if any.
        public var largestFittingUpsample: Int? {
            (0..<upsample).last { FaceSearch.estimatedPeakBytes(width: width, height: height, upsample: $0) <= limitBytes }
        }

        public var description: String {
            let whose = isAddressSpaceLimit ? "the worker's \(gib(limitBytes)) memory limit" : "this machine's \(gib(limitBytes)) of memory"
            let more = leftBytes.map { "more than the \(gib($0)) left of \(whose)" } ?? "more than \(whose)"
            let advice: String
            if !wholeImage {
                advice = isAddressSpaceLimit ? "give the workers more memory (scan --worker-memory) or scan with fewer --jobs" : "this machine cannot search it"
            } else if let fits = largestFittingUpsample {
                advice = "use a lower --upsample (\(fits) fits)"
            } else {
                advice = "too large for dlib's full-image search here even at --upsample 0; use --search fast"
            }
            return "\(width)x\(height) at --upsample \(upsample) needs about \(gib(neededBytes)), \(more): \(advice)"
        }

        private func gib(_ bytes: UInt64) -> String {
            let value = Double(bytes) / Double(1 << 30)
            return value >= 1000 ? String(format: "%.0f GiB", value) : String(format: "%.1f GiB", value)
        }
    }

    /// Throws `MemoryLimitExceeded` when the detector's search of a `width` x `height` image at
    /// `upsample` does not fit `limit` (default: `memoryLimit()`), or when the address space it
    /// needs beyond the process's present one cannot be had now (tried with a reservation that
    /// touches no memory, after returning freed tensor memory to the system).
    public static func checkMemory(width: Int, height: Int, upsample: Int, wholeImage: Bool,
                                   limit: (bytes: UInt64, isAddressSpaceLimit: Bool)? = nil) throws {
        let limit = limit ?? memoryLimit()
        let needed = estimatedPeakBytes(width: width, height: height, upsample: upsample)
        var refusal = MemoryLimitExceeded(width: width, height: height, upsample: upsample, neededBytes: needed,
                                          limitBytes: limit.bytes, isAddressSpaceLimit: limit.isAddressSpaceLimit,
                                          leftBytes: nil, wholeImage: wholeImage)
        guard needed <= limit.bytes else { throw refusal }
        // The search's own share; small ones always find room.
        let own = needed - workerBaselineBytes
        guard limit.isAddressSpaceLimit, own >= 256 << 20 else { return }
        if canReserve(own) { return }
        TensorMemory.returnFreedMemory()
        if canReserve(own) { return }
        refusal.leftBytes = limit.bytes - min(limit.bytes, addressSpaceInUse() ?? limit.bytes)
        throw refusal
    }

    /// Whether `bytes` of address space can be mapped now (inaccessible, never touched, unmapped at once).
    static func canReserve(_ bytes: UInt64) -> Bool {
        guard bytes < UInt64(Int.max) else { return false }
        let address = mmap(nil, Int(bytes), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let address, address != MAP_FAILED else { return false }
        munmap(address, Int(bytes))
        return true
    }

    /// This process's mapped address space (VmSize), from /proc/self/statm.
    static func addressSpaceInUse() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").first.flatMap({ UInt64($0) }) else { return nil }
        return pages * UInt64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
