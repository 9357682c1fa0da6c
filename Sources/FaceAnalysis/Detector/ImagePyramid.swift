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

    /// Which rows of each level (level-local, one flag per row) are needed to produce the tensor
    /// rows marked in `tensorRows`: a level's own rows among them, plus the two source rows every
    /// needed row of the next level is interpolated from (dlib's bilinear `resize_image`).
    func neededLevelRows(tensorRows: [Bool]) -> [[Bool]] {
        precondition(tensorRows.count == rows, "TiledPyramid: \(tensorRows.count) row flags for \(rows) rows")
        var needed = levels.map { [Bool](repeating: false, count: $0.height) }
        for i in levels.indices.reversed() {
            let level = levels[i]
            for y in 0..<level.height where tensorRows[level.top + y] { needed[i][y] = true }
            if i + 1 < levels.count {
                let next = levels[i + 1]
                let ys = BilinearResize.rowPositions(inRows: level.height, outRows: next.height)
                for r in 0..<next.height where needed[i + 1][r] {
                    let top = Int(ys[r].rounded(.down))
                    needed[i][top] = true
                    needed[i][min(top + 1, level.height - 1)] = true
                }
            }
        }
        return needed
    }

    /// `inputTensor`, computing only what the tensor rows marked in `tensorRows` need: those rows
    /// hold exactly the full tensor's values; the other rows are left uninitialized and must not
    /// be read. `levelZeroRows` (from `neededLevelRows`) says which rows of `image` are used.
    func inputTensor(for image: RGBImage, averageRed: Float, averageGreen: Float, averageBlue: Float,
                     tensorRows: [Bool], levelRows needed: [[Bool]]) -> Tensor {
        precondition(!levels.isEmpty && image.height == levels[0].height && image.width == levels[0].width,
                     "TiledPyramid: image \(image.width)x\(image.height) does not match the layout")
        let cols = self.cols, plane = rows * self.cols
        let averages = [averageRed, averageGreen, averageBlue]
        let level0 = levels[0]
        let data = [Float](unsafeUninitializedCapacity: 3 * plane) { buffer, initialized in
            let base = buffer.baseAddress!
            // Every row a crop reads starts as zeros (the padding between and around levels); rows
            // only the interpolation chain needs get their level's pixels alone (fewer pages touched).
            // Then level 0, then each next level in order.
            for ch in 0..<3 {
                for y in 0..<rows where tensorRows[y] { (base + ch * plane + y * cols).initialize(repeating: 0, count: cols) }
            }
            image.pixels.withUnsafeBufferPointer { px in
                for ch in 0..<3 {
                    let avg = averages[ch]
                    for imageY in 0..<image.height where needed[0][imageY] {
                        let row = imageY * image.width * 3 + ch
                        let dst = base + ch * plane + (level0.top + imageY) * cols + level0.left
                        for x in 0..<image.width { dst[x] = (Float(px[row + 3 * x]) - avg) / 256 }
                    }
                }
            }
            for i in levels.indices.dropFirst() {
                let src = levels[i - 1], dst = levels[i]
                let plan = BilinearResize.columnPlan(inCols: src.width, outCols: dst.width)
                let ys = BilinearResize.rowPositions(inRows: src.height, outRows: dst.height)
                var r = 0
                while r < dst.height {
                    guard needed[i][r] else { r += 1; continue }
                    var end = r
                    while end < dst.height && needed[i][end] { end += 1 }
                    for ch in 0..<3 {
                        let p = base + ch * plane
                        BilinearResize.resizePlaneRows(r..<end, UnsafePointer(p + src.top * cols + src.left),
                                                       inRows: src.height, inCols: src.width, srcStride: cols,
                                                       into: p + dst.top * cols + dst.left, dstStride: cols,
                                                       plan: plan, rowPositions: ys)
                    }
                    r = end
                }
            }
            initialized = 3 * plane
        }
        return Tensor(n: 1, k: 3, h: rows, w: cols, data: data)
    }
}
