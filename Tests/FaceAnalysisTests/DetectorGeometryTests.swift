import XCTest
import ExposureModel
import NeuralNet
@testable import FaceAnalysis

/// Hand-computed cases for the detector's geometry: pyramid packing, coordinate mapping,
/// pyramid_up sizes, rect_down and dlib's NMS rule.
final class DetectorGeometryTests: XCTestCase {
    private func rect(_ l: Int, _ t: Int, _ r: Int, _ b: Int) -> DlibRectangle {
        DlibRectangle(left: l, top: t, right: r, bottom: b)
    }

    func testLevelSizesShrinkBySixthsUntilFiveRows() {
        let sizes = TiledPyramid.levelSizes(rows: 400, cols: 320)
        XCTAssertEqual(sizes.count, 23)
        XCTAssertEqual(sizes[1].rows, 333); XCTAssertEqual(sizes[1].cols, 266)
        XCTAssertEqual(sizes[2].rows, 277); XCTAssertEqual(sizes[2].cols, 221)
        XCTAssertGreaterThanOrEqual(sizes.last!.rows, 5)
        XCTAssertLessThan(sizes.last!.rows * 5 / 6, 5)
    }

    /// The 910 x 1137 example of reference/dlib-models.md §9, measured on dlib 20.0.1.
    func testTiledLayoutMatchesDlibFor910x1137() {
        let p = TiledPyramid(imageRows: 1137, imageCols: 910, padding: 10, outerPadding: 11)
        XCTAssertEqual(p.cols, 932)
        XCTAssertEqual(p.rows, 4139)
        XCTAssertEqual(p.levels.count, 29)
        XCTAssertEqual(Array(p.levels.prefix(7)), [
            rect(11, 11, 920, 1147), rect(11, 1158, 768, 2104), rect(11, 2115, 641, 2903),
            rect(11, 2914, 535, 3570), rect(11, 3581, 447, 4127), rect(557, 3673, 920, 4127),
            rect(618, 3284, 920, 3662),
        ])
        XCTAssertEqual(p.levels.last, rect(918, 1248, 920, 1252))
    }

    func testTiledLayoutFor320x400() {
        let p = TiledPyramid(imageRows: 400, imageCols: 320, padding: 10, outerPadding: 11)
        XCTAssertEqual(p.cols, 342)
        XCTAssertEqual(p.rows, 1493)
        XCTAssertEqual(p.levels.count, 23)
        XCTAssertEqual(p.levels[0], rect(11, 11, 330, 410))
        XCTAssertEqual(p.levels[1], rect(11, 421, 276, 753))
        // No two levels touch, and all lie inside the outer padding.
        for (i, a) in p.levels.enumerated() {
            XCTAssertTrue(a.left >= 11 && a.top >= 11 && a.right <= p.cols - 12 && a.bottom <= p.rows - 12, "level \(i) \(a)")
            for b in p.levels[(i + 1)...] { XCTAssertTrue(a.intersection(b).isEmpty, "\(a) meets \(b)") }
        }
    }

    /// Level step 2 keeps dlib's levels 0, 2, 4, ... (each (5/6)^2 of the last kept one) and maps a
    /// box in kept level i back through 2i of dlib's point_up steps.
    func testLevelStepKeepsEveryOtherDlibLevel() {
        let all = TiledPyramid.levelSizes(rows: 400, cols: 320)
        let p = TiledPyramid(imageRows: 400, imageCols: 320, padding: 10, outerPadding: 11, levelStep: 2)
        XCTAssertEqual(p.levels.count, 12)
        for (i, level) in p.levels.enumerated() {
            XCTAssertEqual(level.height, all[2 * i].rows, "level \(i)")
            XCTAssertEqual(level.width, all[2 * i].cols, "level \(i)")
        }
        XCTAssertEqual(p.levels[0], rect(11, 11, 330, 410))
        XCTAssertEqual(p.levels[1], rect(11, 421, 231, 697))     // dlib's level 2: 277 x 221
        XCTAssertEqual(p.cols, 342)
        XCTAssertLessThan(p.rows, 1000)    // dlib's own layout is 1493 rows
        // A window at the origin of kept level 1 = two point_up steps: ((0 * 1.2 + 0.3) * 1.2 + 0.3).
        let origin = p.levels[1]
        XCTAssertEqual(p.imageRectangle(fromTensor: DoubleRectangle(left: Double(origin.left), top: Double(origin.top),
                                                                      right: Double(origin.left + 79), bottom: Double(origin.top + 79))),
                       rect(1, 1, 114, 114))  // 79 -> 95.1 -> 114.42; 0 -> 0.3 -> 0.66
    }

    /// dlib's unsigned comparisons leave no room for any level when the image is narrower than
    /// the padding (dlib itself then fails); the layout is empty and the detector finds nothing.
    func testImageNarrowerThanPaddingHasNoLevels() {
        let p = TiledPyramid(imageRows: 61, imageCols: 9, padding: 10, outerPadding: 11)
        XCTAssertTrue(p.levels.isEmpty)
        var calls = 0
        let detector = FaceDetector(options: .humanFaceV1) { _ in calls += 1; return Tensor(k: 1, h: 1, w: 1, repeating: 5) }
        XCTAssertEqual(detector.detect(RGBImage(width: 9, height: 61, fill: 128)), [])
        XCTAssertEqual(detector.detect(RGBImage(width: 4, height: 4, fill: 128)), [])
        XCTAssertEqual(calls, 0)
    }

    func testOutputCellsMapToInputThroughTheConvolutions() {
        let convs = [(2, 0, 5), (2, 0, 5), (2, 0, 5), (1, 2, 5), (1, 2, 5), (1, 2, 5), (1, 4, 9)]
            .map { (stride: $0.0, padding: $0.1, kernel: $0.2) }
        let m = DetectorOptions.outputMapping(convolutions: convs)
        XCTAssertEqual(m.stride, 8)
        XCTAssertEqual(m.offset, 14)
    }

    func testTensorRectanglesMapBackThroughTheirLevel() {
        let p = TiledPyramid(imageRows: 400, imageCols: 320, padding: 10, outerPadding: 11)
        // Cell (5, 5): centre (54, 54) in level 0; minus the origin (11, 11); halves round away from zero.
        XCTAssertEqual(p.imageRectangle(fromTensor: DoubleRectangle(left: 14.5, top: 14.5, right: 93.5, bottom: 93.5)),
                       rect(4, 4, 83, 83))
        // Cell (61, 11): centre (102, 502) in level 1 at (11, 421); one point_up: p * 1.2 + 0.3.
        // (51.5, 41.5, 130.5, 120.5) -> (62.1, 50.1, 156.9, 144.9).
        XCTAssertEqual(p.imageRectangle(fromTensor: DoubleRectangle(left: 62.5, top: 462.5, right: 141.5, bottom: 541.5)),
                       rect(62, 50, 157, 145))
        // Centre (54, 414) lies in the padding: 4 px from level 0, 7 px from level 1.
        XCTAssertEqual(p.nearestLevel(x: 54, y: 414), 0)
        XCTAssertEqual(p.imageRectangle(fromTensor: DoubleRectangle(left: 14.5, top: 374.5, right: 93.5, bottom: 453.5)),
                       rect(4, 364, 83, 443))
        XCTAssertEqual(p.nearestLevel(x: 54, y: 418), 1)
    }

    func testPyramidUpSizeAndRectangleDown() {
        let s = PyramidUp.upsampledSize(rows: 400, cols: 320)
        XCTAssertEqual(s.rows, 801); XCTAssertEqual(s.cols, 642)
        XCTAssertEqual(PyramidUp.rectangleDown(rect(10, 20, 100, 200), levels: 1), rect(4, 9, 49, 99))
        XCTAssertEqual(PyramidUp.rectangleDown(rect(-40, -30, 100, 200), levels: 1), rect(-21, -16, 49, 99))
        // Two levels go through double once: (0.625, 3.875, 23.125, 48.875).
        XCTAssertEqual(PyramidUp.rectangleDown(rect(10, 20, 100, 200), levels: 2), rect(1, 4, 23, 49))
        XCTAssertEqual(PyramidUp.rectangleDown(rect(10, 20, 100, 200), levels: 0), rect(10, 20, 100, 200))
    }

    func testOverlapUsesTheBoundingBoxNotTheUnion() {
        let iou = DetectorOptions.humanFaceV1.nmsIoU
        // 8-px shift: 64 / 144 = 0.44 > 0.338.
        XCTAssertTrue(NonMaxSuppression.overlaps(rect(0, 0, 9, 9), rect(2, 2, 11, 11), iou: iou, percentCovered: 1))
        // 27-px diagonal shift of 100-px boxes: IoU 5329 / 14671 = 0.363 would suppress,
        // dlib's 5329 / 127^2 = 0.330 does not.
        XCTAssertFalse(NonMaxSuppression.overlaps(rect(0, 0, 99, 99), rect(27, 27, 126, 126), iou: iou, percentCovered: 1))
        XCTAssertTrue(NonMaxSuppression.overlaps(rect(0, 0, 99, 99), rect(25, 25, 124, 124), iou: iou, percentCovered: 1))
        // A box inside another: 100 / 10000 of the bounding box, and covered 100 % but not > 100 %.
        XCTAssertFalse(NonMaxSuppression.overlaps(rect(0, 0, 99, 99), rect(40, 40, 49, 49), iou: iou, percentCovered: 1))
        XCTAssertTrue(NonMaxSuppression.overlaps(rect(0, 0, 99, 99), rect(40, 40, 49, 49), iou: iou, percentCovered: 0.5))
        XCTAssertTrue(NonMaxSuppression.overlaps(rect(40, 40, 49, 49), rect(0, 0, 99, 99), iou: iou, percentCovered: 0.5))
        // Touching edges share a pixel row (inclusive rectangles); disjoint boxes never overlap.
        XCTAssertFalse(NonMaxSuppression.overlaps(rect(0, 0, 9, 9), rect(10, 0, 19, 9), iou: 0, percentCovered: 0))
        XCTAssertTrue(NonMaxSuppression.overlaps(rect(0, 0, 9, 9), rect(9, 0, 18, 9), iou: 0, percentCovered: 1))
    }

    func testSuppressKeepsTheBestOfEachCluster() {
        let a = rect(0, 0, 99, 99), b = rect(10, 10, 109, 109), c = rect(300, 300, 399, 399)
        let kept = NonMaxSuppression.suppress([(a, 0.5), (b, 0.9), (c, 0.7), (rect(301, 300, 400, 399), 0.7)],
                                              iou: DetectorOptions.humanFaceV1.nmsIoU, percentCovered: 1)
        XCTAssertEqual(kept.map(\.rect), [b, c])
        XCTAssertEqual(kept.map(\.score), [0.9, 0.7])
    }

    /// The whole post-processing on a score map with three positive cells: two neighbours
    /// (one suppressed) in level 0 and one in level 1; zero and negative scores are not detections.
    func testDetectorTurnsPositiveCellsIntoBoxes() {
        var scores = Tensor(k: 1, h: 62, w: 40, repeating: -1)
        scores[0, 0, 5, 5] = 0.9
        scores[0, 0, 5, 6] = 0.5
        scores[0, 0, 61, 11] = 0.7
        scores[0, 0, 30, 30] = 0
        var seen: [Int] = []
        let detector = FaceDetector(options: .humanFaceV1) { input in seen = input.shape; return scores }
        let found = detector.detect(RGBImage(width: 320, height: 400, fill: 90))
        XCTAssertEqual(seen, [1, 3, 1493, 342])
        XCTAssertEqual(found, [
            FaceDetector.Detection(box: rect(4, 4, 83, 83).box, confidence: 0.9),
            FaceDetector.Detection(box: rect(62, 50, 157, 145).box, confidence: 0.7),
        ])
    }

    /// With upsampling the network sees the (2H+1) x (2W+2) image and boxes come back halved.
    func testUpsampledDetectionMapsBoxesBack() {
        var scores = Tensor(k: 1, h: 40, w: 40, repeating: -1)
        scores[0, 0, 5, 5] = 2
        var seen: [Int] = []
        let detector = FaceDetector(options: .humanFaceV1) { input in seen = input.shape; return scores }
        let found = detector.detect(RGBImage(width: 160, height: 200, fill: 90), upsample: 1)
        // 200 x 160 -> 401 x 322: level 0 at (11, 11); the box (4, 4, 83, 83) halves to (0.75, 1.25, 40.25, 40.75).
        XCTAssertEqual(seen[3], 322 + 22)
        XCTAssertEqual(found.map(\.box), [rect(1, 1, 40, 41).box])
    }

    /// 7 x 12: level 1 (5 x 10) would overlap level 0 on the right edge, so it is dropped.
    func testNormalisedLevelZeroAndMeanColourPadding() {
        var pixels: [UInt8] = []
        for y in 0..<7 { for x in 0..<12 { pixels += [UInt8(x * 20), UInt8(y * 30), 255] } }
        let image = RGBImage(width: 12, height: 7, pixels: pixels)
        let o = DetectorOptions.humanFaceV1
        let p = TiledPyramid(imageRows: 7, imageCols: 12, padding: 10, outerPadding: 11)
        XCTAssertEqual(p.levels, [rect(11, 11, 22, 17)])
        let t = p.inputTensor(for: image, averageRed: o.averageRed, averageGreen: o.averageGreen, averageBlue: o.averageBlue)
        XCTAssertEqual(t.shape, [1, 3, 29, 34])
        XCTAssertEqual(t[0, 0, 11 + 3, 11 + 4], (80 - o.averageRed) / 256)
        XCTAssertEqual(t[0, 1, 11 + 3, 11 + 4], (90 - o.averageGreen) / 256)
        XCTAssertEqual(t[0, 2, 17, 22], (255 - o.averageBlue) / 256)
        XCTAssertEqual(t[0, 0, 10, 11], 0)
        // Averages are not integers, so exactly the 3 x 84 image values are non-zero.
        XCTAssertEqual(t.data.filter { $0 != 0 }.count, 3 * 84)
    }
}
