// dlib's MMOD search evaluated only where a face is expected: the same tiled pyramid, the same
// network, run on a few windows of it instead of the whole tensor.
//
// Why the windowed scores are the full search's scores. The detector network is
//   three 5x5 stride-2 convolutions without padding  (score cell j at 1/8 reads input columns
//                                                     8j ... 8j + 28: its footprint, 29 pixels)
//   then 5x5, 5x5, 5x5 and 9x9 stride-1 convolutions padded by k/2 (2 + 2 + 2 + 4 = 10 cells of
//                                                     context on each side at 1/8)
// so the score of cell c depends only on input columns 8(c - 10) ... 8(c + 10) + 28. A crop of
// the tiled tensor starting at a multiple of 8 produces, for every cell at least 10 cells inside
// the crop's edge, the value the whole tensor produces there (at the tensor's own edges the crop's
// zero padding is the whole tensor's padding, so those cells are exact too). The crop origin is
// further aligned to 32 pixels (4 cells) so that the Winograd kernels' 4x4 and 2x2 output tiles
// fall on the same cells as in the full pass. The scores then agree with the full pass to float
// rounding (measured: at most 2.4e-7 on obama.jpg, `WindowedSearchTests`), and the boxes are the same.
//
// The windows come from `SearchRegion`s (a proposal network's faces): on every pyramid level where
// the face's expected box is near the detector's 80-pixel window, the cells whose window centre is
// within a tolerance of the face centre. Overlapping crops are merged when that is cheaper.
// Candidates from all crops (each cell once) go through the same box mapping and NMS as the full
// search, in the same raster order.
import ExposureModel
import Foundation
import NeuralNet

/// Where to look for one face: its centre and the width dlib's box is expected to have, in the
/// caller's image pixels (before `upsample`).
public struct SearchRegion: Sendable, Hashable {
    public var centerX: Double
    public var centerY: Double
    /// Expected width of dlib's box for this face.
    public var boxWidth: Double

    public init(centerX: Double, centerY: Double, boxWidth: Double) {
        self.centerX = centerX; self.centerY = centerY; self.boxWidth = boxWidth
    }
}

/// How wide the windows around a region are.
public struct WindowOptions: Sendable, Hashable {
    /// Levels searched: those where the expected box is within this factor of the 80-pixel window
    /// (1.45 = about two 5/6 pyramid steps either way).
    public var scaleRange: Double
    /// Cells whose window centre is within `centerTolerance * box + centerSlack` pixels (of the
    /// level) of the region's centre, in x and in y.
    public var centerTolerance: Double
    public var centerSlack: Double

    public init(scaleRange: Double = 1.45, centerTolerance: Double = 0.35, centerSlack: Double = 12) {
        precondition(scaleRange >= 1 && centerTolerance >= 0 && centerSlack >= 0)
        self.scaleRange = scaleRange; self.centerTolerance = centerTolerance; self.centerSlack = centerSlack
    }
}

/// A rectangle of score cells, inclusive, in the full score map's coordinates.
struct CellRect: Hashable {
    var top: Int, left: Int, bottom: Int, right: Int
    var area: Int { (bottom - top + 1) * (right - left + 1) }
    func union(_ o: CellRect) -> CellRect {
        CellRect(top: min(top, o.top), left: min(left, o.left), bottom: max(bottom, o.bottom), right: max(right, o.right))
    }
}

extension FaceDetector {
    /// Score cells of context a score needs on each side (the stride-1 layers' paddings).
    static let contextCells = 10
    /// Input pixels one cell of the 1/8 feature map reads (three 5x5 stride-2 convolutions).
    static let cellFootprint = 29
    /// Crop origins are multiples of this (in input pixels): the Winograd tiles' period.
    static let cropAlignment = 32

    /// Size of the score map for an input of `size` pixels along one axis.
    static func scoreMapSize(_ size: Int) -> Int {
        var s = size
        for _ in 0..<3 { s = s >= 5 ? (s - 5) / 2 + 1 : 0 }
        return s
    }

    /// `detect(image, upsample:, levelStep:)` restricted to windows around `regions`: the boxes
    /// and scores the full search reports for faces inside the windows, at a fraction of its cost.
    /// Returns the detections, the number of input pixels the network ran on, and the seconds
    /// spent building the pyramid rows the windows need.
    public func detect(_ image: RGBImage, upsample: Int, levelStep: Int = 1, regions: [SearchRegion],
                       windows: WindowOptions = WindowOptions()) -> (detections: [Detection], pixels: Int, pyramidSeconds: Double) {
        precondition(upsample >= 0, "FaceDetector: negative upsample")
        guard image.width > 0, image.height > 0, !regions.isEmpty else { return ([], 0, 0) }
        // The layout of the image upsampled `upsample` times (its size only: the pixels come later,
        // and only the rows the windows need).
        var size = (rows: image.height, cols: image.width)
        for _ in 0..<upsample { size = PyramidUp.upsampledSize(rows: size.rows, cols: size.cols) }
        let pyramid = inputPyramid(rows: size.rows, cols: size.cols, levelStep: levelStep)
        guard !pyramid.levels.isEmpty,
              min(pyramid.rows, pyramid.cols) >= options.minimumInputSize else { return ([], 0, 0) }
        let mapped = regions.map { r -> SearchRegion in
            var x = r.centerX, y = r.centerY
            for _ in 0..<upsample { x = (x + 1.25) * 2; y = (y + 0.75) * 2 }
            return SearchRegion(centerX: x, centerY: y, boxWidth: r.boxWidth * Double(1 << upsample))
        }
        let cells = windowCells(for: mapped, pyramid: pyramid, windows: windows)
        guard !cells.isEmpty else { return ([], 0, 0) }
        let crops = cells.map { cropRect(for: $0, rows: pyramid.rows, cols: pyramid.cols) }
        // Only the crops, and the level pixels they are interpolated from, are computed.
        let pyramidStart = Date()
        let blocks = pyramid.neededBlocks(crops: crops)
        // Doublings before the last (upsample 2, 3) are made whole; the last one is sampled
        // straight into level 0 where the blocks need it.
        var work = image
        for _ in 0..<max(0, upsample - 1) { work = PyramidUp.upsample(work) }
        let inputs = pyramid.cropTensors(for: work, doubling: upsample > 0, averageRed: options.averageRed,
                                         averageGreen: options.averageGreen, averageBlue: options.averageBlue,
                                         crops: crops, blocks: blocks)
        let pyramidSeconds = Date().timeIntervalSince(pyramidStart)
        let (candidates, pixels) = windowedCandidates(inputs: inputs, pyramid: pyramid, cells: cells, crops: crops)
        let kept = NonMaxSuppression.suppress(candidates, iou: options.nmsIoU, percentCovered: options.nmsPercentCovered)
        return (kept.map { Detection(box: PyramidUp.rectangleDown($0.rect, levels: upsample).box, confidence: $0.score) }, pixels, pyramidSeconds)
    }

    /// The tensor rectangle (x0..<x1, y0..<y1) a cell rectangle's scores are computed from.
    func cropRect(for r: CellRect, rows: Int, cols: Int) -> (x0: Int, y0: Int, x1: Int, y1: Int) {
        let stride = options.outputStride
        return (Self.alignedOrigin(cell: r.left, stride: stride), Self.alignedOrigin(cell: r.top, stride: stride),
                min(cols, (r.right + Self.contextCells) * stride + Self.cellFootprint),
                min(rows, (r.bottom + Self.contextCells) * stride + Self.cellFootprint))
    }

    /// The score cells to evaluate for `regions` (in level-0 pixels of `pyramid`), merged into
    /// rectangles where one crop costs less than two.
    func windowCells(for regions: [SearchRegion], pyramid: TiledPyramid, windows: WindowOptions) -> [CellRect] {
        let mapRows = Self.scoreMapSize(pyramid.rows), mapCols = Self.scoreMapSize(pyramid.cols)
        guard mapRows > 0, mapCols > 0 else { return [] }
        let down = (Double(options.pyramidDownFactor) - 1) / Double(options.pyramidDownFactor)
        let window = Double(max(options.windowWidth, options.windowHeight))
        let stride = Double(options.outputStride), offset = Double(options.outputOffset)
        var rects: [CellRect] = []
        for region in regions {
            var x = region.centerX, y = region.centerY, box = region.boxWidth
            for (i, level) in pyramid.levels.enumerated() {
                if i > 0 {
                    // The inverse of tiled_pyramid_to_image's point_up (p * 6/5 + 0.3), once per dlib level.
                    for _ in 0..<pyramid.levelStep { x = (x - 0.3) * down; y = (y - 0.3) * down; box *= down }
                }
                guard box <= window * windows.scaleRange, box >= window / windows.scaleRange else { continue }
                let tolerance = windows.centerTolerance * box + windows.centerSlack
                let tx = Double(level.left) + x, ty = Double(level.top) + y
                // Cells c whose window centre stride * c + offset lies within the tolerance.
                let left = Int(((tx - tolerance - offset) / stride).rounded(.up))
                let right = Int(((tx + tolerance - offset) / stride).rounded(.down))
                let top = Int(((ty - tolerance - offset) / stride).rounded(.up))
                let bottom = Int(((ty + tolerance - offset) / stride).rounded(.down))
                let r = CellRect(top: max(0, top), left: max(0, left), bottom: min(mapRows - 1, bottom), right: min(mapCols - 1, right))
                if r.top <= r.bottom && r.left <= r.right { rects.append(r) }
            }
        }
        return Self.mergeCheaper(rects)
    }

    /// Cost of a crop: the input pixels the network runs on for these cells.
    static func cropCost(_ r: CellRect) -> Int {
        let margin = 2 * contextCells * 8 + cellFootprint + cropAlignment
        return ((r.bottom - r.top) * 8 + margin) * ((r.right - r.left) * 8 + margin)
    }

    /// Merges two rectangles whenever their bounding rectangle costs no more than both apart,
    /// until no such pair is left.
    static func mergeCheaper(_ input: [CellRect]) -> [CellRect] {
        var rects = Array(Set(input)).sorted { ($0.top, $0.left, $0.bottom, $0.right) < ($1.top, $1.left, $1.bottom, $1.right) }
        var merged = true
        while merged {
            merged = false
            outer: for i in rects.indices {
                for j in rects.indices where j > i {
                    let u = rects[i].union(rects[j])
                    if cropCost(u) <= cropCost(rects[i]) + cropCost(rects[j]) {
                        rects[i] = u
                        rects.remove(at: j)
                        merged = true
                        break outer
                    }
                }
            }
        }
        return rects
    }

    /// Runs the network on the crop each cell rectangle needs (`inputs`, cut at `crops`) and returns the positive
    /// cells as candidate boxes (each cell once, in raster order), and the pixels evaluated.
    func windowedCandidates(inputs: [Tensor], pyramid: TiledPyramid, cells: [CellRect],
                            crops: [(x0: Int, y0: Int, x1: Int, y1: Int)]) -> ([(rect: DlibRectangle, score: Float)], Int) {
        let stride = options.outputStride
        var scores: [Int: Float] = [:]
        let mapCols = Self.scoreMapSize(pyramid.cols)
        var pixels = 0
        for ((r, c), crop) in zip(zip(cells, crops), inputs) {
            let (x0, y0) = (c.x0, c.y0)
            pixels += crop.h * crop.w
            let map = network(crop)
            let dx = x0 / stride, dy = y0 / stride
            for row in r.top...r.bottom {
                let cr = row - dy
                guard cr >= 0 && cr < map.h else { continue }
                for col in r.left...r.right {
                    let cc = col - dx
                    guard cc >= 0 && cc < map.w else { continue }
                    let s = map.data[cr * map.w + cc]
                    if s > options.scoreThreshold { scores[row * mapCols + col] = s }
                }
            }
        }
        let halfWidth = Double(options.windowWidth - 1) / 2
        let halfHeight = Double(options.windowHeight - 1) / 2
        let candidates = scores.keys.sorted().map { key -> (rect: DlibRectangle, score: Float) in
            let x = Double((key % mapCols) * stride + options.outputOffset)
            let y = Double((key / mapCols) * stride + options.outputOffset)
            let window = DoubleRectangle(left: x - halfWidth, top: y - halfHeight, right: x + halfWidth, bottom: y + halfHeight)
            return (pyramid.imageRectangle(fromTensor: window), scores[key]!)
        }
        return (candidates, pixels)
    }

    /// The crop's first input pixel for a first cell: `contextCells` before it, rounded down to the
    /// Winograd tile period, never before the tensor.
    static func alignedOrigin(cell: Int, stride: Int) -> Int {
        let start = max(0, (cell - contextCells) * stride)
        return start / cropAlignment * cropAlignment
    }
}
