import ExposureModel
import NeuralNet

/// The MMOD detector's input: every level of a `pyramid_down<6>` image pyramid packed into one
/// tensor, so one forward pass scans all scales [dlib/dnn/input.h:776-870, 953-1030;
/// dlib/image_transforms/image_pyramid.h:983-1118, 1199-1232].
///
/// Level 0 is the image; each next level is `floor(5/6)` of the previous size, down to 5 rows.
/// Levels are stacked top-down in a first column, with `padding` rows between them; the levels that
/// do not fit there are stacked bottom-up along the right edge. `outerPadding` surrounds everything.
/// Untouched tensor cells stay 0, which after normalisation is the mean colour.
public struct TiledPyramid: Sendable, Equatable {
    /// Each kept level's pixels in tensor coordinates (level 0 first). Levels that would overlap
    /// level 0 are dropped, as dlib drops them.
    public let levels: [DlibRectangle]
    /// Size of the tiled tensor.
    public let rows: Int
    public let cols: Int

    /// N of `pyramid_down<N>`: each level is (N-1)/N the size of the previous one.
    public let downFactor: Int
    /// Every `levelStep`-th of those levels is kept (1 = dlib's pyramid). A kept level is resized
    /// from the previous kept one, so with 2 each level is (5/6)^2 = 0.69 the size of the last.
    public let levelStep: Int

    /// Level sizes: `rows = floor((N-1)/N * rows)` in double, stopping when a level is empty or shorter than 5.
    public static func levelSizes(rows: Int, cols: Int, downFactor: Int = 6) -> [(rows: Int, cols: Int)] {
        let downRatio = (Double(downFactor) - 1.0) / Double(downFactor)
        var sizes = [(rows: rows, cols: cols)]
        var r = rows, c = cols
        while true {
            r = Int((downRatio * Double(r)).rounded(.down))
            c = Int((downRatio * Double(c)).rounded(.down))
            if r * c == 0 || r < 5 { break }
            sizes.append((r, c))
        }
        return sizes
    }

    /// `compute_tiled_image_pyramid_details`, including its unsigned arithmetic: dlib compares
    /// `unsigned long` widths and heights, so differences that go negative wrap around and the
    /// tests pass or fail accordingly. The wrap is reproduced with `UInt64(bitPattern:)`.
    ///
    /// An image narrower than `padding` leaves no level in the layout (dlib fails on such images
    /// with an alias_tensor assertion); `levels` is then empty.
    public init(imageRows: Int, imageCols: Int, padding: Int, outerPadding: Int, downFactor: Int = 6, levelStep: Int = 1) {
        precondition(imageRows > 0 && imageCols > 0, "TiledPyramid: empty image")
        // dlib's pyramid_down<N> classes differ in more than the ratio (pyramid_down<2> maps points
        // with (p + (1.25, 0.75)) * 2); only the detector's pyramid_down<6> is reproduced here.
        precondition(downFactor == 6, "TiledPyramid: only pyramid_down<6> is implemented, not <\(downFactor)>")
        precondition(levelStep >= 1, "TiledPyramid: level step \(levelStep)")
        self.downFactor = downFactor
        self.levelStep = levelStep
        let sizes = Array(TiledPyramid.levelSizes(rows: imageRows, cols: imageCols, downFactor: downFactor)
            .enumerated().filter { $0.offset % levelStep == 0 }.map(\.element))
        @inline(__always) func unsigned(_ v: Int) -> UInt64 { UInt64(bitPattern: Int64(v)) }

        var totalHeight = 0
        for s in sizes { totalHeight += s.rows + padding }
        totalHeight -= padding * 2
        let w0 = sizes[0].cols, h0 = sizes[0].rows
        var height = 0
        var prevWidth = 0
        for s in sizes {
            let fitsBesideLevel0 = unsigned(s.cols) <= unsigned(w0 - prevWidth - padding)
            let pastHalf = unsigned(height - h0) &* 2 >= unsigned(totalHeight - h0)
            if fitsBesideLevel0 && pastHalf { break }
            height += s.rows + padding
            prevWidth = s.cols
        }
        height -= padding
        rows = height + outerPadding * 2
        cols = w0 + outerPadding * 2

        var placed: [DlibRectangle] = []
        var y = outerPadding
        var i = 0
        // First column: top-down from the top-left corner.
        while y < height + outerPadding && i < sizes.count {
            let r = DlibRectangle(left: outerPadding, top: y, right: outerPadding + sizes[i].cols - 1,
                                  bottom: y + sizes[i].rows - 1)
            placed.append(r)
            y += r.height + padding
            i += 1
        }
        y -= padding
        // The rest: bottom-up along the right edge, until one would touch level 0.
        let rightEdge = outerPadding + w0 - 1
        while !placed.isEmpty && i < sizes.count {
            let r = DlibRectangle(left: rightEdge - (sizes[i].cols - 1), top: (y - 1) - (sizes[i].rows - 1),
                                  right: rightEdge, bottom: y - 1)
            if !placed[0].intersection(r).isEmpty { break }
            placed.append(r)
            y -= r.height + padding
            i += 1
        }
        levels = placed
    }

    /// dlib's `nearest_rect`: the first level containing the point, else the nearest one
    /// (Euclidean distance to the level, first wins ties).
    public func nearestLevel(x: Int, y: Int) -> Int {
        var best = Double.infinity
        var index = 0
        for (i, r) in levels.enumerated() {
            if r.contains(x: x, y: y) { return i }
            let nx = min(max(x, r.left), r.right), ny = min(max(y, r.top), r.bottom)
            let dx = Double(nx - x), dy = Double(ny - y)
            let d = (dx * dx + dy * dy).squareRoot()
            if d < best { best = d; index = i }
        }
        return index
    }

    /// `tiled_pyramid_to_image<pyramid_down<6>>` then `lround`: the level is the one nearest the
    /// rectangle's rounded centre; the rectangle is moved to that level's origin and scaled up by
    /// `point_up` (p * N/(N-1) + 0.3) once per level.
    func imageRectangle(fromTensor rect: DoubleRectangle) -> DlibRectangle {
        let cx = floorHalfUp((rect.left + rect.right) / 2)
        let cy = floorHalfUp((rect.top + rect.bottom) / 2)
        let level = nearestLevel(x: cx, y: cy)
        let origin = levels[level]
        let upRatio = Double(downFactor) / (Double(downFactor) - 1.0)
        var r = DoubleRectangle(left: rect.left - Double(origin.left), top: rect.top - Double(origin.top),
                                right: rect.right - Double(origin.left), bottom: rect.bottom - Double(origin.top))
        for _ in 0..<(level * levelStep) {
            r = DoubleRectangle(left: r.left * upRatio + 0.3, top: r.top * upRatio + 0.3,
                                right: r.right * upRatio + 0.3, bottom: r.bottom * upRatio + 0.3)
        }
        return r.rounded
    }

    /// Integer-rectangle form of the mapping, for callers outside the detector.
    public func imageRectangle(fromTensor rect: DlibRectangle) -> DlibRectangle {
        imageRectangle(fromTensor: DoubleRectangle(left: Double(rect.left), top: Double(rect.top),
                                                   right: Double(rect.right), bottom: Double(rect.bottom)))
    }

    /// The network input for `image` (which must have the size this layout was made for):
    /// shape (1, 3, rows, cols). Level 0 holds `(pixel - average) / 256` per channel (R, G, B
    /// planes); each next level is dlib's bilinear `resize_image` of the previous level's
    /// normalised planes (not the pyramid_down filter; no blur), as `input_rgb_image_pyramid` does.
    public func inputTensor(for image: RGBImage, averageRed: Float, averageGreen: Float, averageBlue: Float) -> Tensor {
        precondition(!levels.isEmpty && image.height == levels[0].height && image.width == levels[0].width,
                     "TiledPyramid: image \(image.width)x\(image.height) does not match the layout")
        let cols = self.cols, plane = rows * self.cols
        let averages = [averageRed, averageGreen, averageBlue]
        let level0 = levels[0]
        // The tensor is ~3.7x the image in floats, so it is streamed through memory once: each row is
        // zeroed just before its level-0 part is written (no separate zero-fill pass), then the
        // smaller levels are resized into place.
        let data = [Float](unsafeUninitializedCapacity: 3 * plane) { buffer, initialized in
            let base = buffer.baseAddress!
            image.pixels.withUnsafeBufferPointer { px in
                Parallel.forEachChunk(3 * rows, maxWorkers: max(1, 3 * plane / 262_144)) { _, chunk in
                    for planeRow in chunk {
                        let ch = planeRow / rows, y = planeRow % rows
                        let out = base + ch * plane + y * cols
                        out.initialize(repeating: 0, count: cols)
                        let imageY = y - level0.top
                        guard imageY >= 0 && imageY < image.height else { continue }
                        let avg = averages[ch]
                        let row = imageY * image.width * 3 + ch
                        let dst = out + level0.left
                        for x in 0..<image.width {
                            dst[x] = (Float(px[row + 3 * x]) - avg) / 256
                        }
                    }
                }
            }
            for i in levels.indices.dropFirst() {
                let src = levels[i - 1], dst = levels[i]
                let plan = BilinearResize.columnPlan(inCols: src.width, outCols: dst.width)
                let ys = BilinearResize.rowPositions(inRows: src.height, outRows: dst.height)
                // Rows of one level are independent; levels depend on the previous one.
                Parallel.forEachChunk(3 * dst.height, maxWorkers: max(1, 3 * dst.area / 65536)) { _, chunk in
                    var start = chunk.lowerBound
                    while start < chunk.upperBound {
                        let ch = start / dst.height
                        let end = min(chunk.upperBound, (ch + 1) * dst.height)
                        let p = base + ch * plane
                        BilinearResize.resizePlaneRows((start - ch * dst.height)..<(end - ch * dst.height),
                                                       UnsafePointer(p + src.top * cols + src.left),
                                                       inRows: src.height, inCols: src.width, srcStride: cols,
                                                       into: p + dst.top * cols + dst.left, dstStride: cols,
                                                       plan: plan, rowPositions: ys)
                        start = end
                    }
                }
            }
            initialized = 3 * plane
        }
        return Tensor(n: 1, k: 3, h: rows, w: cols, data: data)
    }

    /// Pixels of one level the windowed search needs, in blocks of `size` x `size` (level-local).
    struct BlockMask {
        static let size = 16
        let rows: Int, cols: Int, blockRows: Int, blockCols: Int
        var needed: [Bool]
        init(rows: Int, cols: Int) {
            self.rows = rows; self.cols = cols
            blockRows = (rows + Self.size - 1) / Self.size; blockCols = (cols + Self.size - 1) / Self.size
            needed = [Bool](repeating: false, count: blockRows * blockCols)
        }
        /// Marks the blocks covering rows y0...y1 and columns x0...x1 (inclusive, clipped).
        mutating func mark(y0: Int, y1: Int, x0: Int, x1: Int) {
            let r0 = max(0, y0) / Self.size, r1 = min(rows - 1, y1) / Self.size
            let c0 = max(0, x0) / Self.size, c1 = min(cols - 1, x1) / Self.size
            guard r0 <= r1, c0 <= c1, y1 >= 0, x1 >= 0 else { return }
            for r in r0...r1 { for c in c0...c1 { needed[r * blockCols + c] = true } }
        }
        /// Row `y`'s needed column ranges (whole blocks, merged).
        func columnRuns(row y: Int) -> [Range<Int>] {
            var runs: [Range<Int>] = []
            let base = (y / Self.size) * blockCols
            var c = 0
            while c < blockCols {
                guard needed[base + c] else { c += 1; continue }
                var end = c
                while end < blockCols && needed[base + end] { end += 1 }
                runs.append((c * Self.size)..<min(cols, end * Self.size))
                c = end
            }
            return runs
        }
        func rowNeeded(_ y: Int) -> Bool {
            let base = (y / Self.size) * blockCols
            return needed[base..<(base + blockCols)].contains(true)
        }
    }

    /// What each level must hold so that the tensor rectangles `crops` (x0..<x1, y0..<y1) have the
    /// full tensor's values: a level's own pixels inside them, plus the source pixels every needed
    /// pixel of the next level is interpolated from (dlib's bilinear `resize_image`).
    func neededBlocks(crops: [(x0: Int, y0: Int, x1: Int, y1: Int)]) -> [BlockMask] {
        var masks = levels.map { BlockMask(rows: $0.height, cols: $0.width) }
        for i in levels.indices.reversed() {
            let level = levels[i]
            for c in crops {
                masks[i].mark(y0: c.y0 - level.top, y1: c.y1 - 1 - level.top, x0: c.x0 - level.left, x1: c.x1 - 1 - level.left)
            }
            guard i + 1 < levels.count else { continue }
            let next = levels[i + 1], nextMask = masks[i + 1]
            let ys = BilinearResize.rowPositions(inRows: level.height, outRows: next.height)
            let plan = BilinearResize.columnPlan(inCols: level.width, outCols: next.width)
            let b = BlockMask.size
            for br in 0..<nextMask.blockRows {
                for bc in 0..<nextMask.blockCols where nextMask.needed[br * nextMask.blockCols + bc] {
                    let r0 = br * b, r1 = min(next.height, (br + 1) * b) - 1
                    let c0 = bc * b, c1 = min(next.width, (bc + 1) * b) - 1
                    masks[i].mark(y0: Int(ys[r0].rounded(.down)), y1: Int(ys[r1].rounded(.down)) + 1,
                                  x0: BilinearResize.sourceColumn(c0, plan: plan), x1: BilinearResize.sourceColumn(c1, plan: plan) + 1)
                }
            }
        }
        return masks
    }

    /// The tensor rectangles `crops` (x0..<x1, y0..<y1) of `inputTensor`, each as its own
    /// (1, 3, h, w) tensor, computing only what they need (`neededBlocks`): level 0 exactly, the
    /// smaller levels to float rounding (resized in separable form). The levels are made one after
    /// the other in two reused buffers (the level being made and the one it is resized from), never
    /// the whole tiled tensor: a fraction of its memory, so it stays in the allocator's reused heap.
    /// With `doubling`, level 0 is `image` doubled by dlib's `pyramid_up` (upsample 1), sampled
    /// straight from `image` where the blocks need it (the same values, without the doubled image).
    func cropTensors(for image: RGBImage, doubling: Bool = false, averageRed: Float, averageGreen: Float, averageBlue: Float,
                     crops: [(x0: Int, y0: Int, x1: Int, y1: Int)], blocks masks: [BlockMask]) -> [Tensor] {
        let size = doubling ? PyramidUp.upsampledSize(rows: image.height, cols: image.width) : (rows: image.height, cols: image.width)
        precondition(!levels.isEmpty && size.rows == levels[0].height && size.cols == levels[0].width,
                     "TiledPyramid: image \(image.width)x\(image.height) does not match the layout")
        // Untouched cells are 0: the padding between and around levels.
        var out = crops.map { [Float](repeating: 0, count: 3 * ($0.y1 - $0.y0) * ($0.x1 - $0.x0)) }
        let averages = [averageRed, averageGreen, averageBlue]
        // Buffers: even levels in `a` (level 0 is the largest), odd ones in `b`.
        let a = UnsafeMutablePointer<Float>.allocate(capacity: 3 * levels[0].area)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: 3 * (levels.count > 1 ? levels[1].area : 1))
        defer { a.deallocate(); b.deallocate() }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: levels[0].width)
        defer { scratch.deallocate() }
        func copyIntoCrops(level i: Int, from buffer: UnsafeMutablePointer<Float>) {
            let level = levels[i], plane = level.area
            for (k, c) in crops.enumerated() {
                let y0 = max(c.y0, level.top), y1 = min(c.y1, level.bottom + 1)
                let x0 = max(c.x0, level.left), x1 = min(c.x1, level.right + 1)
                guard y0 < y1, x0 < x1 else { continue }
                let h = c.y1 - c.y0, w = c.x1 - c.x0
                out[k].withUnsafeMutableBufferPointer { dst in
                    for ch in 0..<3 {
                        for y in y0..<y1 {
                            let from = buffer + ch * plane + (y - level.top) * level.width + (x0 - level.left)
                            (dst.baseAddress! + (ch * h + y - c.y0) * w + (x0 - c.x0)).update(from: from, count: x1 - x0)
                        }
                    }
                }
            }
        }
        let level0 = levels[0]
        let upPlan = BilinearResize.columnPlan(inCols: image.width, outCols: level0.width)
        let upRows = BilinearResize.rowPositions(inRows: image.height, outRows: level0.height)
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0..<level0.height where masks[0].rowNeeded(y) {
                let runs = masks[0].columnRuns(row: y)
                for ch in 0..<3 {
                    let avg = averages[ch]
                    let dst = a + ch * level0.area + y * level0.width
                    for run in runs {
                        if doubling {
                            BilinearResize.normalizedRow(y, channel: ch, columns: run, of: px, inRows: image.height, inCols: image.width,
                                                         plan: upPlan, rowPositions: upRows, average: avg, into: dst)
                        } else {
                            let row = y * image.width * 3 + ch
                            for x in run { dst[x] = (Float(px[row + 3 * x]) - avg) / 256 }
                        }
                    }
                }
            }
        }
        copyIntoCrops(level: 0, from: a)
        for i in levels.indices.dropFirst() {
            let src = levels[i - 1], dst = levels[i]
            let from = i % 2 == 1 ? a : b, into = i % 2 == 1 ? b : a
            let plan = BilinearResize.columnPlan(inCols: src.width, outCols: dst.width)
            let ys = BilinearResize.rowPositions(inRows: src.height, outRows: dst.height)
            for r in 0..<dst.height where masks[i].rowNeeded(r) {
                for run in masks[i].columnRuns(row: r) {
                    for ch in 0..<3 {
                        BilinearResize.resizePlaneRowSeparable(r, UnsafePointer(from + ch * src.area), inRows: src.height, inCols: src.width,
                                                               srcStride: src.width, into: into + ch * dst.area, dstStride: dst.width,
                                                               plan: plan, rowPositions: ys, columns: run, scratch: scratch)
                    }
                }
            }
            copyIntoCrops(level: i, from: into)
        }
        return zip(crops, out).map { c, data in Tensor(n: 1, k: 3, h: c.y1 - c.y0, w: c.x1 - c.x0, data: data) }
    }
}
