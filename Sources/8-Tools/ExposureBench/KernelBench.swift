// exposure-bench kernels [--runs N] [--canvas HxW] [--batch N]   (full table)
// exposure-bench kernels --ab-direct     in-place vs packed B panels, interleaved A/B per thin layer
// exposure-bench kernels --only NAME     repeat one layer (for perf record)
// exposure-bench kernels --ab-winograd   direct GEMM vs Winograd (F(2x2,5x5) stride 1, F(4x4,3x3) on phases stride 2), interleaved A/B
// exposure-bench kernels --ab-single     GEMM path vs the 2-row one-output-channel kernel, interleaved A/B
//
// GFLOPS of the NeuralNet convolution kernels on every conv shape of dlib's face ResNet
// (dlib-models.md §5.2) and of the MMOD detector on a pyramid canvas (§6.2), as medians of
// several runs, printed as a ratio to the brief's nominal single-core peak (42 GFLOPS: one
// 256-bit FMA per cycle, Zen 1) and to the peer measured in the same run: the micro-kernel
// alone on L1-resident data. On Zen 3 (cpu family 25: two FMA pipes) that peer reaches ~80.
// The machine is shared, so 1-thread GFLOPS come from process CPU time, and the 2-thread
// speed-up is estimated from per-worker thread CPU times (see `measureParallel`); wall-clock
// columns are printed too.
import Dispatch
import Foundation
import NeuralNet

enum KernelBench {
    static let nominalPeak = 42.0

    struct ConvShape {
        var name: String
        var count: Int          // how many layers of the network have this shape
        var input: (k: Int, h: Int, w: Int)
        var outChannels: Int
        var kernel: Int
        var stride: Int
        var pad: Int
    }

    /// The 29 convolutions of the ResNet on a 150x150 chip, grouped by shape.
    static let resnet: [ConvShape] = [
        ConvShape(name: "conv1 7x7 s2 3->32 @150", count: 1, input: (3, 150, 150), outChannels: 32, kernel: 7, stride: 2, pad: 0),
        ConvShape(name: "3x3 s1 32->32 @35", count: 6, input: (32, 35, 35), outChannels: 32, kernel: 3, stride: 1, pad: 1),
        ConvShape(name: "3x3 s2 32->64 @35", count: 1, input: (32, 35, 35), outChannels: 64, kernel: 3, stride: 2, pad: 0),
        ConvShape(name: "3x3 s1 64->64 @17", count: 7, input: (64, 17, 17), outChannels: 64, kernel: 3, stride: 1, pad: 1),
        ConvShape(name: "3x3 s2 64->128 @17", count: 1, input: (64, 17, 17), outChannels: 128, kernel: 3, stride: 2, pad: 0),
        ConvShape(name: "3x3 s1 128->128 @8", count: 5, input: (128, 8, 8), outChannels: 128, kernel: 3, stride: 1, pad: 1),
        ConvShape(name: "3x3 s2 128->256 @8", count: 1, input: (128, 8, 8), outChannels: 256, kernel: 3, stride: 2, pad: 0),
        ConvShape(name: "3x3 s1 256->256 @3", count: 1, input: (256, 3, 3), outChannels: 256, kernel: 3, stride: 1, pad: 1),
        ConvShape(name: "3x3 s1 256->256 @4", count: 4, input: (256, 4, 4), outChannels: 256, kernel: 3, stride: 1, pad: 1),
        ConvShape(name: "3x3 s2 256->256 @4", count: 1, input: (256, 4, 4), outChannels: 256, kernel: 3, stride: 2, pad: 0),
        ConvShape(name: "3x3 s1 256->256 @1", count: 1, input: (256, 1, 1), outChannels: 256, kernel: 3, stride: 1, pad: 1),
    ]

    /// The detector's seven convolutions on a canvas of h x w (input shapes propagated).
    static func detector(h: Int, w: Int) -> [ConvShape] {
        let layers: [(String, Int, Int, Int, Int)] = [   // name, out, kernel, stride, pad
            ("con16 5x5 s2", 16, 5, 2, 0), ("con32 5x5 s2", 32, 5, 2, 0), ("con32 5x5 s2", 32, 5, 2, 0),
            ("con45 5x5 s1", 45, 5, 1, 2), ("con45 5x5 s1", 45, 5, 1, 2), ("con45 5x5 s1", 45, 5, 1, 2),
            ("con1 9x9 s1", 1, 9, 1, 4),
        ]
        var shape = (k: 3, h: h, w: w)
        var result: [ConvShape] = []
        for (name, out, kernel, stride, pad) in layers {
            result.append(ConvShape(name: "\(name) \(shape.k)->\(out) @\(shape.h)x\(shape.w)", count: 1,
                                    input: shape, outChannels: out, kernel: kernel, stride: stride, pad: pad))
            shape = (out, convolutionOutputSize(shape.h, window: kernel, stride: stride, padding: pad),
                     convolutionOutputSize(shape.w, window: kernel, stride: stride, padding: pad))
        }
        return result
    }

    /// Interleaved A/B on one thread: `use(false)` then `use(true)`, 5 applications each, `runs` pairs.
    /// Returns the median of time(false) / time(true) and the median GFLOPS of the `true` variant.
    static func interleavedAB(_ conv: PackedConvolution, _ x: Tensor, runs: Int, use: (Bool) -> Void) -> (ratio: Double, gflops: Double) {
        var ratios: [Double] = [], gflops: [Double] = []
        for _ in 0..<runs {
            use(false)
            let off = Parallel.withThreadCount(1) { measure { for _ in 0..<5 { _ = conv.apply(x) } } }.cpu
            use(true)
            let on = Parallel.withThreadCount(1) { measure { for _ in 0..<5 { _ = conv.apply(x) } } }.cpu
            ratios.append(off / on)
            gflops.append(2.0 * Double(conv.multiplyAdds(for: x) * 5) / on / 1e9)
        }
        return (median(ratios), median(gflops))
    }

    static func run(_ args: [String]) throws {
        var runs = 7, canvas = (h: 1300, w: 1000), batch = 8, only: String? = nil
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--runs": runs = Int(args[i + 1]) ?? runs; i += 2
            case "--batch": batch = Int(args[i + 1]) ?? batch; i += 2
            case "--only": only = args[i + 1]; i += 2   // profile one layer: repeat it, print nothing else
            case "--ab-direct", "--ab-winograd", "--ab-single": i += 1
            case "--canvas":
                let parts = args[i + 1].split(separator: "x").compactMap { Int($0) }
                if parts.count == 2 { canvas = (parts[0], parts[1]) }
                i += 2
            default: throw BenchError.usage("unknown option \(args[i])")
            }
        }
        if let only {
            let shape = (resnet + detector(h: canvas.h, w: canvas.w)).first { $0.name.contains(only) }!
            let conv = packedConvolution(shape)
            let x = randomTensor(n: 1, k: shape.input.k, h: shape.input.h, w: shape.input.w, seed: 1)
            let t = Parallel.withThreadCount(1) { measure { for _ in 0..<runs { _ = conv.apply(x) } } }
            print("\(shape.name): \(fmt(2.0 * Double(conv.multiplyAdds(for: x) * runs) / t.cpu / 1e9)) GFLOPS (CPU time)")
            return
        }
        if args.contains("--ab-winograd") {
            print("layer: direct time / Winograd time (median of \(runs) interleaved pairs, CPU time); >1 means Winograd is faster")
            for shape in detector(h: canvas.h, w: canvas.w) where shape.kernel == 5 && shape.input.k >= 8 {
                let conv = packedConvolution(shape)
                let x = randomTensor(n: 1, k: shape.input.k, h: shape.input.h, w: shape.input.w, seed: 1)
                func use(_ on: Bool) {
                    if shape.stride == 1 { ConvolutionTuning.winograd5x5 = on } else { ConvolutionTuning.winogradStride2 = on }
                }
                let (ratio, gflops) = interleavedAB(conv, x, runs: runs, use: use)
                print("  \(shape.name): x\(fmt2(ratio)) (\(fmt(gflops)) direct-convolution GFLOPS-equivalent)")
            }
            return
        }
        if args.contains("--ab-single") {
            print("layer: GEMM path time / single-output kernel time (median of \(runs) interleaved pairs, CPU time); >1 means the kernel is faster")
            for shape in detector(h: canvas.h, w: canvas.w) where shape.outChannels == 1 {
                let conv = packedConvolution(shape)
                let x = randomTensor(n: 1, k: shape.input.k, h: shape.input.h, w: shape.input.w, seed: 1)
                let (ratio, gflops) = interleavedAB(conv, x, runs: runs) { ConvolutionTuning.singleOutputDirect = $0 }
                print("  \(shape.name): x\(fmt2(ratio)) (\(fmt(gflops)) GFLOPS)")
            }
            return
        }
        if args.contains("--ab-direct") {
            // Interleaved A/B of the in-place (direct) B path vs packing, same process, same inputs.
            print("layer: packed time / direct time (median of \(runs) interleaved pairs, CPU time); >1 means direct is faster")
            let saved = (ConvolutionTuning.directMaxWeightPanels, ConvolutionTuning.directMaxInputChannels)
            for shape in resnet + detector(h: canvas.h, w: canvas.w) where (shape.outChannels + 5) / 6 <= 6 {
                let conv = packedConvolution(shape)
                let x = randomTensor(n: 1, k: shape.input.k, h: shape.input.h, w: shape.input.w, seed: 1)
                let inner = max(1, min(200, Int(1e8 / Double(2 * conv.multiplyAdds(for: x)))))
                var ratios: [Double] = []
                for _ in 0..<runs {
                    ConvolutionTuning.directMaxWeightPanels = 0; ConvolutionTuning.directMaxInputChannels = 0
                    let packedTime = Parallel.withThreadCount(1) { measure { for _ in 0..<inner { _ = conv.apply(x) } } }.cpu
                    ConvolutionTuning.directMaxWeightPanels = 6   // every layer listed here
                    let directTime = Parallel.withThreadCount(1) { measure { for _ in 0..<inner { _ = conv.apply(x) } } }.cpu
                    ratios.append(packedTime / directTime)
                }
                (ConvolutionTuning.directMaxWeightPanels, ConvolutionTuning.directMaxInputChannels) = saved
                print("  \(shape.name): x\(fmt2(median(ratios)))")
            }
            return
        }
        var microFlops = 0.0
        let microTimes = (0..<5).map { _ in measure { microFlops = runMicrokernelForBenchmark(iterations: 100_000) } }
        let micro = microFlops / median(microTimes.map(\.cpu)) / 1e9
        print("micro-kernel 6x16 on L1-resident panels: \(fmt(micro)) GFLOPS (CPU time) = \(pct(micro / nominalPeak)) of \(Int(nominalPeak)) GFLOPS nominal peak"
              + "; wall-clock \(fmt(microFlops / median(microTimes.map(\.wall)) / 1e9)) GFLOPS")
        print("CPU: \(cpuDescription()); threads available: \(Parallel.threadCount); medians of \(runs) runs; load average \(loadAverage())")
        print("1-thread GFLOPS use process CPU time (the machine is shared; wall time includes waiting for a core).")
        print("2thr est x: speed-up two dedicated cores would give = CPU(1 thread) / (serial CPU + slowest worker's CPU), from per-worker thread CPU times.")
        print("wall columns: wall-clock GFLOPS on the shared machine; cpu x = CPU(2 threads) / CPU(1 thread) (parallel overhead).\n")

        print("ResNet (150x150 chip), N=1, conv + fused affine/relu epilogue")
        let resnetTotals = table(resnet, samples: 1, runs: runs, micro: micro)
        print("ResNet conv total (29 layers, weighted): 1 thread \(fmt(resnetTotals.one)) GFLOPS (CPU time) = \(pct(resnetTotals.one / nominalPeak)) of peak; "
              + "2 threads estimated x\(fmt2(resnetTotals.estimatedSpeedup)); wall 1 thread \(fmt(resnetTotals.oneWall)), 2 threads \(fmt(resnetTotals.twoWall)) GFLOPS (x\(fmt2(resnetTotals.twoWall / resnetTotals.oneWall)))\n")

        // A batch of chips: every conv layer of the network once per chip, threads across samples.
        let packed = resnet.map { packedConvolution($0) }
        let inputs = resnet.map { randomTensor(n: batch, k: $0.input.k, h: $0.input.h, w: $0.input.w, seed: 3) }
        func wholeBatch() { for (layer, (shape, conv)) in zip(resnet, packed).enumerated() { for _ in 0..<shape.count { _ = conv.apply(inputs[layer]) } } }
        let batchFlops = zip(resnet, packed).reduce(0.0) { $0 + Double($1.0.count * $1.1.multiplyAdds(for: inputs[0].reshapedFor($1.0)) * 2 * batch) }
        let oneBatch = (0..<max(3, runs / 2)).map { _ in Parallel.withThreadCount(1) { measure(wholeBatch) } }
        let twoBatchRuns = (0..<max(3, runs / 2)).map { _ in Parallel.withThreadCount(2) { measureParallel(wholeBatch) } }
        let twoBatch = twoBatchRuns.map(\.timing)
        let w1 = median(oneBatch.map(\.wall)), w2 = median(twoBatch.map(\.wall))
        let c1 = median(oneBatch.map(\.cpu)), c2 = median(twoBatch.map(\.cpu))
        let critical = median(twoBatchRuns.map(\.criticalPath))
        print(String(format: "ResNet batch of %d chips, all 29 convs: 1 thread %.1f ms CPU = %.1f GFLOPS; 2 threads: estimated speed-up x%.2f "
                     + "(critical path %.1f ms CPU); wall 1 thread %.1f ms, 2 threads %.1f ms = x%.2f; CPU(2)/CPU(1) x%.2f\n",
                     batch, c1 * 1e3, batchFlops / c1 / 1e9, c1 / critical, critical * 1e3, w1 * 1e3, w2 * 1e3, w1 / w2, c2 / c1))

        print("MMOD detector on a \(canvas.h)x\(canvas.w) canvas, conv + fused affine/relu epilogue")
        let det = table(detector(h: canvas.h, w: canvas.w), samples: 1, runs: max(3, runs / 2), micro: micro)
        print("Detector total: 1 thread \(fmt(det.one)) GFLOPS (CPU time) = \(pct(det.one / nominalPeak)) of peak; "
              + "2 threads estimated x\(fmt2(det.estimatedSpeedup)); wall 1 thread \(fmt(det.oneWall)), 2 threads \(fmt(det.twoWall)) GFLOPS (x\(fmt2(det.twoWall / det.oneWall)))")
    }

    enum BenchError: Error { case usage(String) }

    /// Prints one row per shape; returns count-weighted GFLOPS: 1 thread by CPU time, 1 and 2 threads by wall time.
    static func table(_ shapes: [ConvShape], samples: Int, runs: Int, micro: Double) -> (one: Double, oneWall: Double, twoWall: Double, estimatedSpeedup: Double) {
        print("  layer                                    x  MFLOP   1thr GFLOPS  %42GF  %micro | 2thr est x | wall 1thr  2thr  speed-up  cpu x")
        var flopsTotal = 0.0, oneTotal = 0.0, oneWallTotal = 0.0, twoWallTotal = 0.0, criticalTotal = 0.0
        for shape in shapes {
            let conv = packedConvolution(shape)
            let x = randomTensor(n: samples, k: shape.input.k, h: shape.input.h, w: shape.input.w, seed: 1)
            let flops = 2.0 * Double(conv.multiplyAdds(for: x) * samples)
            // Repeat small layers so one measurement lasts ~5 ms or more (at ~20 GFLOPS).
            let inner = max(1, min(2000, Int(1e8 / max(flops, 1))))
            func once() { for _ in 0..<inner { _ = conv.apply(x) } }
            let one = (0..<runs).map { _ in Parallel.withThreadCount(1) { measure(once) } }
            let twoRuns = (0..<runs).map { _ in Parallel.withThreadCount(2) { measureParallel(once) } }
            let two = twoRuns.map(\.timing)
            let critical2 = median(twoRuns.map(\.criticalPath)) / Double(inner)
            let cpu1 = median(one.map(\.cpu)) / Double(inner)
            let wall1 = median(one.map(\.wall)) / Double(inner), wall2 = median(two.map(\.wall)) / Double(inner)
            let cpu2 = median(two.map(\.cpu)) / Double(inner)
            let g1 = flops / cpu1 / 1e9
            let name = shape.name.padding(toLength: 40, withPad: " ", startingAt: 0)
            print("  \(name) " + String(format: "%2d %7.1f  %11.1f", shape.count, flops / 1e6, g1)
                  + "  " + pct(g1 / nominalPeak).leftPadded(5) + "  " + pct(g1 / micro).leftPadded(6)
                  + String(format: " |      x%.2f | %9.1f %5.1f     x%.2f  x%.2f", cpu1 / critical2,
                           flops / wall1 / 1e9, flops / wall2 / 1e9, wall1 / wall2, cpu2 / cpu1))
            criticalTotal += critical2 * Double(shape.count)
            flopsTotal += flops * Double(shape.count)
            oneTotal += cpu1 * Double(shape.count)
            oneWallTotal += wall1 * Double(shape.count)
            twoWallTotal += wall2 * Double(shape.count)
        }
        return (flopsTotal / oneTotal / 1e9, flopsTotal / oneWallTotal / 1e9, flopsTotal / twoWallTotal / 1e9, oneTotal / criticalTotal)
    }

    /// Family 23 is Zen 1/2 (one 256-bit FMA per cycle, ~42 GFLOPS at 2.6 GHz); family 25 is Zen 3/4 (two).
    static func cpuDescription() -> String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "?" }
        func field(_ name: String) -> String {
            info.split(separator: "\n").first { $0.hasPrefix(name) }.map { $0.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?" } ?? "?"
        }
        return "\(field("model name")), family \(field("cpu family")) model \(field("model")), \(field("cpu MHz")) MHz"
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }

    static func packedConvolution(_ s: ConvShape) -> PackedConvolution {
        let weightCount = s.outChannels * s.input.k * s.kernel * s.kernel
        let p = ConvolutionParameters(outChannels: s.outChannels, inChannels: s.input.k, kh: s.kernel, kw: s.kernel,
                                      strideY: s.stride, strideX: s.stride, padY: s.pad, padX: s.pad,
                                      weights: randomFloats(weightCount, seed: 2), bias: randomFloats(s.outChannels, seed: 4))
        return PackedConvolution(p, gamma: randomFloats(s.outChannels, seed: 5), beta: randomFloats(s.outChannels, seed: 6), relu: true)
    }

    static func randomFloats(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
    }

    static func randomTensor(n: Int, k: Int, h: Int, w: Int, seed: UInt64) -> Tensor {
        Tensor(n: n, k: k, h: h, w: w, data: randomFloats(n * k * h * w, seed: seed))
    }

    static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }

    /// Wall time and CPU time of the whole process (all threads) for one call of `body`.
    /// The machine is shared, so wall time includes waiting for a core; CPU time does not.
    struct Timing { var wall: Double; var cpu: Double }

    static func measure(_ body: () -> Void) -> Timing {
        let cpu0 = processCPUTime()
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        return Timing(wall: wall, cpu: processCPUTime() - cpu0)
    }

    /// Two-thread run: besides wall and CPU time, the speed-up two dedicated cores would give,
    /// from per-worker CPU times: 1-thread CPU / (serial CPU + slowest worker's CPU per parallel call).
    static func measureParallel(_ body: () -> Void) -> (timing: Timing, criticalPath: Double) {
        Parallel.measuresCriticalPath = true
        Parallel.workerSeconds = 0; Parallel.criticalPathSeconds = 0
        defer { Parallel.measuresCriticalPath = false }
        let timing = measure(body)
        return (timing, timing.cpu - Parallel.workerSeconds + Parallel.criticalPathSeconds)
    }

    static func processCPUTime() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
    static func fmt2(_ v: Double) -> String { String(format: "%.2f", v) }
    static func pct(_ ratio: Double) -> String { String(format: "%.0f%%", ratio * 100) }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

private extension Tensor {
    /// A one-sample tensor of `shape`'s input size (only its dimensions are used, for FLOP counts).
    func reshapedFor(_ shape: KernelBench.ConvShape) -> Tensor {
        Tensor(n: 1, k: shape.input.k, h: shape.input.h, w: shape.input.w)
    }
}
