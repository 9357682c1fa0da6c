import ExposureModel
import ExposurePipeline
import FaceAnalysis
import DemoArchive
import Foundation
import MediaMetadata
import NeuralNet

/// Synthetic photos with real faces at known sizes: the face_recognition test images' faces,
/// cropped with some context and resized (box prefilter + bilinear) onto smooth backgrounds.
/// Seeded and deterministic.
enum FaceComposer {
    struct Source { let image: RGBImage; let box: DetectedFace.Box }

    /// Faces of obama.jpg, obama2.jpg, obama3.jpg and biden.jpg, located once at full resolution.
    static func sources(engine: FaceEngine, directory: URL) throws -> [Source] {
        try ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"].compactMap { name in
            let image = try ImageDecoder.decode(try Data(contentsOf: directory.appendingPathComponent(name)))
            guard let best = engine.detect(image, upsample: 1).first else { return nil }
            return Source(image: image, box: best.box)
        }
    }

    /// The source's face with `margin` face-widths of context on each side, resized so that the
    /// face box is `faceSize` pixels wide.
    static func patch(_ source: Source, faceSize: Int, margin: Double = 0.6) -> RGBImage {
        let b = source.box, fw = Double(b.width)
        let x0 = max(0, Int(Double(b.left) - margin * fw)), y0 = max(0, Int(Double(b.top) - margin * fw))
        let x1 = min(source.image.width, Int(Double(b.right) + margin * fw) + 1)
        let y1 = min(source.image.height, Int(Double(b.bottom) + margin * fw) + 1)
        var crop = RGBImage(width: x1 - x0, height: y1 - y0)
        for y in 0..<crop.height {
            let s = 3 * ((y + y0) * source.image.width + x0), d = 3 * y * crop.width
            crop.pixels.replaceSubrange(d..<(d + 3 * crop.width), with: source.image.pixels[s..<(s + 3 * crop.width)])
        }
        let f = Double(faceSize) / fw
        return resize(crop, width: max(1, Int(Double(crop.width) * f)), height: max(1, Int(Double(crop.height) * f)))
    }

    static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        DetectionPolicy.resized(image, width: width, height: height)
    }

    static func paste(_ patch: RGBImage, into canvas: inout RGBImage, x: Int, y: Int) {
        for row in 0..<patch.height where y + row < canvas.height {
            let w = min(patch.width, canvas.width - x)
            guard w > 0 else { return }
            let s = 3 * row * patch.width, d = 3 * ((y + row) * canvas.width + x)
            canvas.pixels.replaceSubrange(d..<(d + 3 * w), with: patch.pixels[s..<(s + 3 * w)])
        }
    }

    /// What the faces are pasted onto. Real photos have skies, walls and foliage, not flat colour:
    /// `natural` is a sky with clouds over a textured lower half (multi-octave value noise with
    /// brick-like rows), `smooth` the demo's flat gradient landscape, `noise` uniform random pixels
    /// (the worst case for a proposal network: texture everywhere).
    enum Background: String, CaseIterable { case natural, smooth, noise }

    /// A background of `kind` with a seeded colour shift.
    static func background(width: Int, height: Int, rng: inout SplitMix64, kind: Background = .smooth) -> RGBImage {
        var image: RGBImage
        switch kind {
        case .smooth:
            image = DemoImages.landscape(width: width, height: height)
        case .noise:
            image = RGBImage(width: width, height: height)
            var state = rng.next()
            for p in image.pixels.indices {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                image.pixels[p] = UInt8(truncatingIfNeeded: state >> 56)
            }
        case .natural:
            image = natural(width: width, height: height, seed: rng.next())
        }
        let shift = UInt8(truncatingIfNeeded: rng.next() % 48)
        for p in stride(from: 0, to: image.pixels.count, by: 3) { image.pixels[p] &+= shift }
        return image
    }

    /// Sky (vertical gradient, soft clouds) above a horizon at 45-70% of the height; below it a
    /// wall or foliage: a base colour modulated by fine and coarse value noise and darker mortar rows.
    static func natural(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var rng = SplitMix64(seed: seed)
        // Value noise: a lattice of random values every `cell` pixels, bilinearly interpolated.
        struct Lattice {
            let cell: Int, cols: Int, values: [Float]
            init(width: Int, height: Int, cell: Int, rng: inout SplitMix64) {
                self.cell = cell; cols = width / cell + 2
                values = (0..<(cols * (height / cell + 2))).map { _ in Float(rng.next() % 1024) / 1023 }
            }
            func at(_ x: Int, _ y: Int) -> Float {
                let cx = x / cell, cy = y / cell
                let fx = Float(x % cell) / Float(cell), fy = Float(y % cell) / Float(cell)
                let a = values[cy * cols + cx], b = values[cy * cols + cx + 1]
                let c = values[(cy + 1) * cols + cx], d = values[(cy + 1) * cols + cx + 1]
                return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy
            }
        }
        let clouds = Lattice(width: width, height: height, cell: max(8, width / 6), rng: &rng)
        let cloudDetail = Lattice(width: width, height: height, cell: max(4, width / 40), rng: &rng)
        let coarse = Lattice(width: width, height: height, cell: 24, rng: &rng)
        let fine = Lattice(width: width, height: height, cell: 3, rng: &rng)
        let horizon = height * (45 + Int(rng.next() % 26)) / 100
        let base = (Float(60 + rng.next() % 120), Float(50 + rng.next() % 100), Float(30 + rng.next() % 90))
        let rowHeight = 18 + Int(rng.next() % 30)
        var out = RGBImage(width: width, height: height)
        out.pixels.withUnsafeMutableBufferPointer { px in
            for y in 0..<height {
                for x in 0..<width {
                    let i = 3 * (y * width + x)
                    var r: Float, g: Float, b: Float
                    if y < horizon {
                        let t = Float(y) / Float(max(1, horizon))
                        let cloud = max(0, clouds.at(x, y) * 0.75 + cloudDetail.at(x, y) * 0.25 - 0.45) * 2.2
                        r = 70 + 90 * t; g = 130 + 70 * t; b = 225 - 20 * t
                        r += (245 - r) * cloud; g += (245 - g) * cloud; b += (245 - b) * cloud
                    } else {
                        let m = 0.55 + 0.5 * coarse.at(x, y) + 0.35 * (fine.at(x, y) - 0.5)
                        let mortar: Float = (y - horizon) % rowHeight < 2 ? 0.55 : 1
                        r = base.0 * m * mortar; g = base.1 * m * mortar; b = base.2 * m * mortar
                    }
                    px[i] = UInt8(max(0, min(255, r))); px[i + 1] = UInt8(max(0, min(255, g))); px[i + 2] = UInt8(max(0, min(255, b)))
                }
            }
        }
        return out
    }

    /// Places faces of the given sizes at random non-overlapping spots (sizes that do not fit are skipped).
    static func compose(width: Int, height: Int, faceSizes: [Int], sources: [Source], rng: inout SplitMix64,
                        background kind: Background = .smooth) -> RGBImage {
        composeWithFaces(width: width, height: height, faceSizes: faceSizes, sources: sources, rng: &rng, background: kind).image
    }

    /// The same, with the planted faces' boxes (the source's dlib box, scaled and moved with the patch).
    static func composeWithFaces(width: Int, height: Int, faceSizes: [Int], sources: [Source], rng: inout SplitMix64,
                                 background kind: Background = .smooth) -> (image: RGBImage, faces: [DetectedFace.Box], sources: [Int]) {
        var canvas = background(width: width, height: height, rng: &rng, kind: kind)
        var taken: [(Int, Int, Int, Int)] = []
        var planted: [DetectedFace.Box] = [], plantedSources: [Int] = []
        for (n, size) in faceSizes.enumerated() {
            let sourceIndex = (n + Int(rng.next() % 4)) % sources.count
            let source = sources[sourceIndex]
            let patch = patch(source, faceSize: size)
            guard patch.width < width, patch.height < height else { continue }
            for _ in 0..<30 {
                let x = Int(rng.next() % UInt64(width - patch.width)), y = Int(rng.next() % UInt64(height - patch.height))
                let overlaps = taken.contains { x < $0.2 && $0.0 < x + patch.width && y < $0.3 && $0.1 < y + patch.height }
                if overlaps { continue }
                paste(patch, into: &canvas, x: x, y: y)
                taken.append((x, y, x + patch.width, y + patch.height))
                let b = source.box, f = Double(size) / Double(b.width)
                let x0 = max(0, Int(Double(b.left) - 0.6 * Double(b.width))), y0 = max(0, Int(Double(b.top) - 0.6 * Double(b.width)))
                planted.append(DetectedFace.Box(left: x + Int(Double(b.left - x0) * f), top: y + Int(Double(b.top - y0) * f),
                                                right: x + Int(Double(b.right + 1 - x0) * f) - 1, bottom: y + Int(Double(b.bottom + 1 - y0) * f) - 1))
                plantedSources.append(sourceIndex)
                break
            }
        }
        return (canvas, planted, plantedSources)
    }
}

/// `exposure-bench make-face-photos N DIR`: the end-to-end scan benchmark's archive (scripts/bench-e2e):
/// N JPEGs of 1.2-3.1 MP with 0-4 faces each, face widths log-uniform in 40-400 px at random places,
/// EXIF capture time and camera.
/// `exposure-bench policy-recall [--policies BUDGET:SMALLEST_FACE:LEVEL_STEP,...] [--per-size N] [--canvases N]`: recall of detection policies against
/// full-resolution upsample-1 detection on composited 1-12 MP canvases, per face-size bucket.
enum E2EBench {
    static func engineAndSources(_ args: [String]) throws -> (FaceEngine, [FaceComposer.Source]) {
        let store = ModelStore(overrideDirectory: nil)
        let images = store.directory.deletingLastPathComponent().appendingPathComponent("testdata/face_recognition-1.3.0")
        // As the scan's workers do: freed tensor memory is kept for reuse (no page faults per photo).
        FaceEngine.keepFreedTensorsForReuse()
        let engine = try FaceEngine(modelDirectory: store.directory)
        return (engine, try FaceComposer.sources(engine: engine, directory: images))
    }

    static func makePhotos(_ args: [String]) throws {
        guard args.count >= 2, let count = Int(args[0]) else { print("usage: exposure-bench make-face-photos N DIR"); exit(2) }
        let dir = URL(fileURLWithPath: args[1])
        let (_, sources) = try engineAndSources(args)
        var rng = SplitMix64(seed: 0xFACE)
        let sizes = [(1280, 960), (1600, 1200), (2048, 1536), (1536, 2048), (1920, 1280)]
        var faceCount = 0
        for i in 0..<count {
            let (w, h) = sizes[Int(rng.next() % UInt64(sizes.count))]
            let r = rng.next() % 100
            let faces = r < 15 ? 0 : r < 50 ? 1 : r < 75 ? 2 : r < 90 ? 3 : 4
            let faceSizes = (0..<faces).map { _ in Int(40 * pow(10, Double(rng.next() % 1000) / 1000)) }
            faceCount += faces
            // Two in three photos on a textured (natural) background, the rest on the flat landscape.
            let image = FaceComposer.compose(width: w, height: h, faceSizes: faceSizes, sources: sources, rng: &rng,
                                             background: i % 3 == 2 ? .smooth : .natural)
            let time = LocalDateTime(year: 2014 + i % 10, month: 1 + Int(rng.next() % 12), day: 1 + Int(rng.next() % 28),
                                     hour: Int(rng.next() % 24), minute: Int(rng.next() % 60), second: 0, utcOffsetSeconds: 3600)
            var spec = ExifWriter.Spec()
            spec.captureTime = time; spec.make = "Canon"; spec.model = "EOS R\(i % 3)"
            let jpeg = try ImageEncoder.jpeg(image, quality: 85, exif: try ExifWriter.app1Payload(spec))
            let sub = dir.appendingPathComponent(String(format: "%04d", 2014 + i % 10))
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            try jpeg.write(to: sub.appendingPathComponent(String(format: "IMG_%05d.jpg", i)))
        }
        print("wrote \(count) photos (1.2-3.1 MP) with \(faceCount) planted faces to \(dir.path)")
    }

    static let buckets = [30, 40, 60, 80, 120, 200, 100_000]

    static func iou(_ a: DetectedFace.Box, _ b: DetectedFace.Box) -> Double { DetectedFace.Box.iou(a, b) }

    /// A face search under test: a name and what it finds (with the proposals, for the fast search).
    struct Search {
        let name: String
        let run: (RGBImage) -> (faces: [DetectedFace], proposals: [FaceProposal])
    }
    /// The fast searches' time split: proposal network, windowed detector, detector pixels.
    nonisolated(unsafe) static var cascadeSplit = (proposals: 0.0, windows: 0.0, pyramid: 0.0, pixels: 0)

    /// `fast[:SMALLEST]` (the cascade) or `dlib:BUDGET[:SMALLEST_FACE[:LEVEL_STEP]]` (a DetectionPolicy).
    static func search(_ spec: Substring, engine: FaceEngine) -> Search {
        let f = spec.split(separator: ":").map(String.init)
        if f[0] == "fast" {
            // fast[:SMALLEST[:SCALE_RANGE[:CENTRE_TOLERANCE[:CENTRE_SLACK[:SMALL_FACE_SCORE[:T1/T2/T3[:SCALE_FACTOR]]]]]]]
            let search = FaceSearch(method: .fast, smallestFace: f.count > 1 ? Int(f[1]) : nil)
            var cascade = search.cascade
            if f.count > 2 { cascade.windows.scaleRange = Double(f[2])! }
            if f.count > 3 { cascade.windows.centerTolerance = Double(f[3])! }
            if f.count > 4 { cascade.windows.centerSlack = Double(f[4])! }
            if f.count > 5 { cascade.smallFaceMinimumScore = Float(f[5])! }
            if f.count > 6 { cascade.proposals.thresholds = f[6].split(separator: "/").map { Float($0)! } }
            if f.count > 7 { cascade.proposals.scaleFactor = Double(f[7])! }
            let windows = cascade.windows
            return Search(name: "fast (\(search.settingValue); windows: scale range \(windows.scaleRange), centre tolerance \(windows.centerTolerance) x box + \(windows.centerSlack) px; small faces from p \(cascade.smallFaceMinimumScore), thresholds \(cascade.proposals.thresholds), proposal scale factor \(cascade.proposals.scaleFactor))") { image in
                var d = 0.0, e = 0.0
                let r = engine.cascadeFaces(in: image, options: cascade, detectionSeconds: &d, descriptorSeconds: &e)
                cascadeSplit.proposals += r.proposalSeconds; cascadeSplit.windows += r.windowSeconds; cascadeSplit.pyramid += r.pyramidSeconds; cascadeSplit.pixels += r.windowPixels
                return (r.faces + r.smallFaces, r.proposals)
            }
        }
        let n = f.dropFirst().map { Int($0)! }
        let policy = DetectionPolicy(detectorPixelBudget: n.first ?? 13_000_000, smallestFace: n.count > 1 ? n[1] : 40, levelStep: n.count > 2 ? n[2] : 1)
        return Search(name: "dlib policy: budget \(policy.detectorPixelBudget), smallest face \(policy.smallestFace), level step \(policy.levelStep)") { image in
            (policy.faces(in: image, engine: engine), [])
        }
    }

    /// Recall of face searches against dlib's full-resolution upsample-1 search (the reference) on
    /// composited canvases of 1-12 MP on natural, smooth and noise backgrounds, per face-size
    /// bucket of the reference's box; boxes identical within 1 px and descriptor distances of the
    /// matched faces; recall of the planted 20-39 px faces (which the reference cannot see) and how
    /// their descriptors match the same person's full-size face; the proposal-to-dlib box relation.
    static func policyRecall(_ args: [String]) throws {
        func option(_ name: String) -> String? {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
            return args[i + 1]
        }
        let (engine, sources) = try engineAndSources(args)
        let searches = (option("--searches") ?? "fast,dlib:13000000:40:2").split(separator: ",").map { search($0, engine: engine) }
        let perCanvas = Int(option("--per-size") ?? "1") ?? 1
        let allCanvases = [(1152, 864), (1632, 1224), (2048, 1536), (3000, 2000), (4000, 3000)]
        let canvases = Array(allCanvases.prefix(Int(option("--canvases") ?? "5") ?? 5))
        let backgrounds = (option("--backgrounds") ?? "natural,smooth,noise").split(separator: ",").compactMap { FaceComposer.Background(rawValue: String($0)) }
        let faceSizes = [20, 24, 28, 33, 38, 40, 46, 52, 60, 68, 80, 96, 112, 128, 160, 200, 260, 330, 400]
        // The same person's full-size descriptor (obama*.jpg are one person, biden.jpg another).
        let sourceDescriptors = sources.map { engine.descriptors(for: $0.image, boxes: [$0.box])[0].descriptor }
        let person = [0, 0, 0, 1]
        var rng = SplitMix64(seed: 0x5EED)
        let bucketCount = buckets.count - 1
        var total = [[Int]](repeating: [Int](repeating: 0, count: bucketCount), count: canvases.count)
        var found = [[[Int]]](repeating: total, count: searches.count)
        var identical = [Int](repeating: 0, count: searches.count), matched = identical, extra = identical
        var smallTotal = 0, smallFound = [Int](repeating: 0, count: searches.count)
        var smallSame: [[Float]] = Array(repeating: [], count: searches.count), smallOther = smallSame
        var seconds = [Double](repeating: 0, count: searches.count + 1)
        var distances = [[Float]](repeating: [], count: searches.count)
        var ratios: [Double] = [], offsetsX: [Double] = [], offsetsY: [Double] = [], proposalCount = 0, photos = 0
        for (ci, (w, h)) in canvases.enumerated() {
            for background in backgrounds {
                for k in 0..<perCanvas {
                    let sizes = faceSizes.shuffledDeterministically(&rng, rotate: k)
                    let composed = FaceComposer.composeWithFaces(width: w, height: h, faceSizes: sizes, sources: sources, rng: &rng, background: background)
                    // Round-trip through JPEG so the searches see what a scan decodes.
                    let decoded = try ImageDecoder.decode(try ImageEncoder.jpeg(composed.image, quality: 90))
                    photos += 1
                    var t = Date()
                    let reference = DetectionPolicy.fullResolutionUpsample1.faces(in: decoded, engine: engine)
                    seconds[0] += Date().timeIntervalSince(t)
                    let small = zip(composed.faces, composed.sources).filter { $0.0.width < 40 }
                    smallTotal += small.count
                    var line = "\(w)x\(h) \(background) #\(k): reference \(reference.count) faces, \(small.count) planted under 40 px"
                    for (si, search) in searches.enumerated() {
                        t = Date()
                        let ours = search.run(decoded)
                        seconds[si + 1] += Date().timeIntervalSince(t)
                        var used = Set<Int>()
                        for f in reference {
                            let b = max(0, (buckets.firstIndex { f.box.width < $0 } ?? buckets.count) - 1)
                            if si == 0 { total[ci][b] += 1 }
                            guard let j = ours.faces.indices.filter({ !used.contains($0) }).max(by: { iou(ours.faces[$0].box, f.box) < iou(ours.faces[$1].box, f.box) }),
                                  iou(ours.faces[j].box, f.box) >= 0.5 else { continue }
                            used.insert(j); found[si][ci][b] += 1; matched[si] += 1
                            let o = ours.faces[j].box
                            if abs(o.left - f.box.left) <= 1 && abs(o.top - f.box.top) <= 1 && abs(o.right - f.box.right) <= 1 && abs(o.bottom - f.box.bottom) <= 1 { identical[si] += 1 }
                            distances[si].append(FaceEngine.distance(ours.faces[j].descriptor, f.descriptor))
                            if si == 0, let p = ours.proposals.min(by: { abs(($0.left + $0.right) / 2 - Double(f.box.left + f.box.right) / 2) < abs(($1.left + $1.right) / 2 - Double(f.box.left + f.box.right) / 2) }) {
                                let pw = p.right - p.left
                                let dx = Double(f.box.left + f.box.right) / 2 - (p.left + p.right) / 2, dy = Double(f.box.top + f.box.bottom) / 2 - (p.top + p.bottom) / 2
                                if abs(dx) < 0.5 * pw && abs(dy) < 0.5 * pw { ratios.append(Double(f.box.width) / pw); offsetsX.append(dx / pw); offsetsY.append(dy / pw) }
                            }
                        }
                        for (box, source) in small {
                            // Any of ours may match (dlib's detector finds some 35-39 px faces too).
                            guard let j = ours.faces.indices.max(by: { iou(ours.faces[$0].box, box) < iou(ours.faces[$1].box, box) }),
                                  iou(ours.faces[j].box, box) >= 0.5 else {
                                if ProcessInfo.processInfo.environment["SMALL_DEBUG"] != nil {
                                    let best = ours.faces.map { iou($0.box, box) }.max() ?? 0
                                    let near = ours.proposals.filter { abs(($0.left + $0.right) / 2 - Double(box.left + box.right) / 2) < Double(box.width) / 2 && abs(($0.top + $0.bottom) / 2 - Double(box.top + box.bottom) / 2) < Double(box.width) / 2 }
                                    print("  missed \(box.width) px: best IoU \(best), proposals near: \(near.map { String(format: "%.0f px p %.2f", $0.right - $0.left, $0.score) })")
                                }
                                continue
                            }
                            if !used.contains(j) { used.insert(j) }
                            smallFound[si] += 1
                            for (other, d) in sourceDescriptors.enumerated() where other != source {
                                let distance = FaceEngine.distance(ours.faces[j].descriptor, d)
                                if person[other] == person[source] { smallSame[si].append(distance) } else { smallOther[si].append(distance) }
                            }
                        }
                        extra[si] += ours.faces.count - used.count
                        if si == 0 { proposalCount += ours.proposals.count }
                        line += "; \(si): \(used.count) matched"
                    }
                    print(line)
                }
            }
        }
        let names = (0..<bucketCount).map { "\(buckets[$0])-\(buckets[$0 + 1] > 10_000 ? "" : String(buckets[$0 + 1] - 1))" }
        func pct(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : String(format: "%.1f%%", 100 * Double(a) / Double(b)) }
        func quantiles(_ values: [Float]) -> String {
            let d = values.sorted()
            guard !d.isEmpty else { return "n=0" }
            return String(format: "median %.4f, 95th %.4f, max %.4f (n=%d)", d[d.count / 2], d[min(d.count - 1, d.count * 95 / 100)], d.last!, d.count)
        }
        print("\n\(photos) canvases (\(backgrounds.map(\.rawValue).joined(separator: ", ")) backgrounds); reference (dlib, full resolution, upsample 1, every level): \(String(format: "%.1f", seconds[0])) s")
        for (si, search) in searches.enumerated() {
            print("\n[\(si)] \(search.name): \(String(format: "%.1f", seconds[si + 1])) s (\(String(format: "%.1f", seconds[0] / seconds[si + 1]))x faster than the reference), \(extra[si]) faces in neither the reference nor the planted small ones")
            print("canvas     | " + names.map { $0.padding(toLength: 9, withPad: " ", startingAt: 0) }.joined(separator: " ") + " | all")
            var allFound = [Int](repeating: 0, count: bucketCount), allTotal = allFound
            for (ci, (w, h)) in canvases.enumerated() {
                var row = "\(w)x\(h)".padding(toLength: 10, withPad: " ", startingAt: 0) + " | "
                for b in 0..<bucketCount {
                    allFound[b] += found[si][ci][b]; allTotal[b] += total[ci][b]
                    row += "\(found[si][ci][b])/\(total[ci][b])".padding(toLength: 9, withPad: " ", startingAt: 0) + " "
                }
                print(row + "| \(found[si][ci].reduce(0, +))/\(total[ci].reduce(0, +))")
            }
            print("all        | " + (0..<bucketCount).map { pct(allFound[$0], allTotal[$0]).padding(toLength: 9, withPad: " ", startingAt: 0) }.joined(separator: " ")
                  + "| \(pct(allFound.reduce(0, +), allTotal.reduce(0, +)))")
            let from40 = (1..<bucketCount).map { allFound[$0] }.reduce(0, +), total40 = (1..<bucketCount).map { allTotal[$0] }.reduce(0, +)
            print("recall from 40 px: \(pct(from40, total40)) (\(from40)/\(total40)); matched boxes identical within 1 px: \(pct(identical[si], matched[si])) (\(identical[si])/\(matched[si]))")
            print("descriptor L2 vs reference (matched faces): " + quantiles(distances[si]))
            print("planted faces of 20-39 px found: \(pct(smallFound[si], smallTotal)) (\(smallFound[si])/\(smallTotal))")
            if !smallSame[si].isEmpty {
                let same = smallSame[si].filter { $0 < 0.6 }.count, other = smallOther[si].filter { $0 < 0.6 }.count
                print("  their descriptors vs the same person's full-size face: " + quantiles(smallSame[si]) + ", under 0.6: \(pct(same, smallSame[si].count))")
                print("  vs another person's: " + quantiles(smallOther[si]) + ", under 0.6 (false match): \(pct(other, smallOther[si].count))")
            }
        }
        if !ratios.isEmpty {
            let r = ratios.sorted(), x = offsetsX.sorted(), y = offsetsY.sorted()
            print(String(format: "\nfast searches' split: proposal network %.1f s, windowed detector %.1f s (of it building the pyramid rows %.1f s; %.2f M detector pixels per photo)",
                         cascadeSplit.proposals, cascadeSplit.windows, cascadeSplit.pyramid, Double(cascadeSplit.pixels) / 1e6 / Double(max(1, photos))))
            print(String(format: "proposals: %.1f per photo; dlib box / proposal width: median %.3f (5th %.3f, 95th %.3f); centre offset in proposal widths: x %.3f, y %.3f (n=%d)",
                         Double(proposalCount) / Double(max(1, photos)), r[r.count / 2], r[r.count / 20], r[r.count * 19 / 20], x[x.count / 2], y[y.count / 2], r.count))
        }
    }
}

extension Array {
    /// A seeded shuffle (Fisher-Yates on SplitMix), rotated by `rotate`.
    func shuffledDeterministically(_ rng: inout SplitMix64, rotate: Int) -> [Element] {
        var a = self
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        return Array(a[(rotate % Swift.max(1, a.count))...] + a[..<(rotate % Swift.max(1, a.count))])
    }
}

/// `exposure-bench proposal-probe`: how well low-threshold detections at a reduced scale point at
/// the small faces only the full scale finds (experiment for a proposal stage).
enum ProposalProbe {
    static func run(_ args: [String]) throws {
        let (engine, sources) = try E2EBench.engineAndSources(args)
        let eighths = Int(args.first ?? "11") ?? 11
        let canvases = [(1152, 864), (1632, 1224), (2048, 1536)]
        let faceSizes = [30, 34, 40, 46, 52, 60, 68, 80, 96, 112, 128, 160, 200, 260, 330, 400]
        var rng = SplitMix64(seed: 0x5EED)
        let thresholds: [Float] = [0, -0.25, -0.5, -0.75, -1, -1.25, -1.5, -2]
        var covered = [Int](repeating: 0, count: thresholds.count), small = 0
        var candidates = [Int](repeating: 0, count: thresholds.count), images = 0
        let det = engine.detector.detector
        var maxScores: [Float] = []
        for (w, h) in canvases {
            for k in 0..<3 {
                let sizes = faceSizes.shuffledDeterministically(&rng, rotate: k)
                let image = FaceComposer.compose(width: w, height: h, faceSizes: sizes, sources: sources, rng: &rng)
                let decoded = try ImageDecoder.decode(try ImageEncoder.jpeg(image, quality: 90))
                let reference = DetectionPolicy(detectorPixelBudget: 100_000_000, smallestFace: 40, levelStep: 2)
                    .faces(in: decoded, engine: engine).filter { $0.box.width < 60 }
                small += reference.count; images += 1
                let rw = w * eighths / 8, rh = h * eighths / 8
                let resized = DetectionPolicy.resized(decoded, width: rw, height: rh)
                let pyramid = det.inputPyramid(rows: rh, cols: rw, levelStep: 2)
                let input = pyramid.inputTensor(for: resized, averageRed: det.options.averageRed,
                                                averageGreen: det.options.averageGreen, averageBlue: det.options.averageBlue)
                let scores = det.network(input)
                for (ti, t) in thresholds.enumerated() {
                    var o = det.options; o.scoreThreshold = t
                    let found = FaceDetector(options: o, network: det.network).detections(scores: scores, pyramid: pyramid)
                        .map { (DetectionPolicy.fullResolutionBox($0.rect.box, eighths: eighths), $0.score) }
                        .filter { $0.0.width < 80 }
                    candidates[ti] += found.count
                    for f in reference {
                        let hit = found.contains { c in
                            let cx = (c.0.left + c.0.right) / 2, cy = (c.0.top + c.0.bottom) / 2
                            return abs(cx - (f.box.left + f.box.right) / 2) < f.box.width && abs(cy - (f.box.top + f.box.bottom) / 2) < f.box.width
                        }
                        if hit { covered[ti] += 1 }
                        if ti == thresholds.count - 1 {
                            let best = found.filter { c in
                                let cx = (c.0.left + c.0.right) / 2, cy = (c.0.top + c.0.bottom) / 2
                                return abs(cx - (f.box.left + f.box.right) / 2) < f.box.width && abs(cy - (f.box.top + f.box.bottom) / 2) < f.box.width
                            }.map(\.1).max() ?? -9
                            maxScores.append(best)
                            print("  face \(f.box.width) px: best score at x\(eighths)/8 \(best)")
                        }
                    }
                }
            }
        }
        for (ti, t) in thresholds.enumerated() {
            print("threshold \(t): \(covered[ti])/\(small) small faces covered, \(String(format: "%.1f", Double(candidates[ti]) / Double(images))) small candidates per image")
        }
    }
}

/// `exposure-bench search-split DIR [SMALLEST]`: the fast search on every JPEG under DIR on one
/// thread, as a scan worker runs it, with its time per stage (proposal network, pyramid rows,
/// windowed detector, landmarks and descriptors) and the proposals and detector pixels per photo.
enum SearchSplit {
    static func run(_ args: [String]) throws {
        guard let dir = args.first else { print("usage: exposure-bench search-split DIR [SMALLEST_FACE]"); exit(2) }
        Parallel.threadCount = 1
        FaceEngine.keepFreedTensorsForReuse()
        let engine = try FaceEngine(modelDirectory: ModelStore(overrideDirectory: nil).directory)
        let search = FaceSearch(method: .fast, smallestFace: args.count > 1 ? Int(args[1]) : nil)
        let files = (FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".jpg") }.sorted()
        var proposals = 0.0, pyramid = 0.0, windows = 0.0, describe = 0.0, decode = 0.0, pixels = 0, count = 0, faces = 0, small = 0
        for name in files {
            var t = Date()
            let image = try ImageDecoder.decode(try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent(name)))
            decode += Date().timeIntervalSince(t)
            var d = 0.0
            t = Date()
            let r = engine.cascadeFaces(in: image, options: search.cascade, detectionSeconds: &d, descriptorSeconds: &describe)
            proposals += r.proposalSeconds; pyramid += r.pyramidSeconds; windows += r.windowSeconds - r.pyramidSeconds
            pixels += r.windowPixels; count += r.proposals.count; faces += r.faces.count; small += r.smallFaces.count
        }
        let n = Double(max(1, files.count))
        let total = decode + proposals + pyramid + windows + describe
        func part(_ name: String, _ v: Double) -> String { String(format: "%@ %.3f s/photo (%.0f%%)", name, v / n, 100 * v / total) }
        print("\(files.count) photos, \(search.settingValue)")
        print([part("decode", decode), part("proposal network", proposals), part("pyramid rows", pyramid),
               part("windowed detector", windows), part("landmarks+descriptors", describe)].joined(separator: ", "))
        print(String(format: "total %.3f core-s/photo; %.1f proposals, %.2f M detector pixels, %.2f faces (+%.2f under 40 px) per photo",
                     total / n, Double(count) / n, Double(pixels) / 1e6 / n, Double(faces) / n, Double(small) / n))
    }
}
