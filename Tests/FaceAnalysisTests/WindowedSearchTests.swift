import Foundation
import XCTest
import ExposureModel
import MediaMetadata
import NeuralNet
@testable import FaceAnalysis

/// The windowed MMOD search (WindowedSearch.swift) against the full search on the same image: a
/// window around each face the full search reports gives that face back with the identical box and
/// the bit-identical score, and the cost is a fraction of the full tensor.
final class WindowedSearchTests: XCTestCase {
    func engine() throws -> FaceEngine { try FaceTestData.engine() }

    func testScoreMapSizeFollowsTheStrideTwoLayers() {
        // 8n + 29 input pixels -> n + 1 cells; below the footprint nothing.
        XCTAssertEqual(FaceDetector.scoreMapSize(29), 1)
        XCTAssertEqual(FaceDetector.scoreMapSize(8 * 20 + 29), 21)
        XCTAssertEqual(FaceDetector.scoreMapSize(28), 0)
        XCTAssertEqual(FaceDetector.scoreMapSize(36), 1)
        XCTAssertEqual(FaceDetector.scoreMapSize(37), 2)
    }

    func testMergingKeepsSeparateWindowsApartAndJoinsOverlappingOnes() {
        let a = CellRect(top: 0, left: 0, bottom: 4, right: 4)
        let b = CellRect(top: 1, left: 1, bottom: 5, right: 5)
        let far = CellRect(top: 200, left: 200, bottom: 204, right: 204)
        let merged = FaceDetector.mergeCheaper([a, b, far])
        XCTAssertEqual(Set(merged), [CellRect(top: 0, left: 0, bottom: 5, right: 5), far])
    }

    /// A cropped tensor scores like the whole tensor, cell for cell, away from the crop's edges (to float
    /// rounding: the kernels' blocking over the narrower crop can order a few sums differently).
    func testCropScoresEqualTheFullTensorsScores() throws {
        let e = try engine()
        let detector = e.detector.detector
        let image = try DlibGoldenTests.source("obama.jpg")
        let pyramid = detector.inputPyramid(rows: image.height, cols: image.width)
        let input = pyramid.inputTensor(for: image, averageRed: detector.options.averageRed,
                                        averageGreen: detector.options.averageGreen, averageBlue: detector.options.averageBlue)
        let full = detector.network(input)
        XCTAssertEqual(full.h, FaceDetector.scoreMapSize(input.h))
        XCTAssertEqual(full.w, FaceDetector.scoreMapSize(input.w))
        // An interior window and one touching the tensor's right and bottom edges.
        for cells in [CellRect(top: 20, left: 25, bottom: 31, right: 40),
                      CellRect(top: full.h - 6, left: full.w - 9, bottom: full.h - 1, right: full.w - 1)] {
            let x0 = FaceDetector.alignedOrigin(cell: cells.left, stride: 8), y0 = FaceDetector.alignedOrigin(cell: cells.top, stride: 8)
            let crop = Self.crop(input, x0: x0, y0: y0,
                                         x1: min(input.w, (cells.right + 10) * 8 + 29), y1: min(input.h, (cells.bottom + 10) * 8 + 29))
            let map = detector.network(crop)
            var maxError: Float = 0
            for r in cells.top...cells.bottom {
                for c in cells.left...cells.right {
                    maxError = max(maxError, abs(map.data[(r - y0 / 8) * map.w + c - x0 / 8] - full.data[r * full.w + c]))
                }
            }
            XCTAssertLessThanOrEqual(maxError, 1e-6, "cells \(cells): windowed scores differ from the full pass by up to \(maxError)")
        }
    }

    /// Around every face of the full upsample-1 search, the windowed search finds the same box with
    /// the same score (to float rounding), and looks at far fewer pixels.
    func testWindowsAroundEachFaceReproduceTheFullSearch() throws {
        let e = try engine()
        let detector = e.detector.detector
        for name in ["obama.jpg", "biden.jpg", "obama2.jpg"] {
            let image = try DlibGoldenTests.source(name)
            let full = detector.detect(image, upsample: 1)
            XCTAssertFalse(full.isEmpty, name)
            let regions = full.map { d in
                SearchRegion(centerX: Double(d.box.left + d.box.right) / 2, centerY: Double(d.box.top + d.box.bottom) / 2,
                             boxWidth: Double(d.box.right - d.box.left + 1))
            }
            let windowed = detector.detect(image, upsample: 1, regions: regions)
            XCTAssertEqual(windowed.detections.map(\.box), full.map(\.box), name)
            for (w, f) in zip(windowed.detections, full) { XCTAssertEqual(w.confidence, f.confidence, accuracy: 1e-5, name) }
            let up = PyramidUp.upsampledSize(rows: image.height, cols: image.width)
            let pyramid = detector.inputPyramid(rows: up.rows, cols: up.cols)
            XCTAssertLessThan(windowed.pixels * 4, pyramid.rows * pyramid.cols, "\(name): windows cover \(windowed.pixels) of \(pyramid.rows * pyramid.cols) pixels")
        }
    }

    /// The partly computed tensor holds the full tensor's values in every crop asked for (to float
    /// rounding: the smaller levels are resized in separable form).
    func testPartialPyramidEqualsTheFullOneInTheCrops() throws {
        let image = try DlibGoldenTests.source("obama.jpg")
        let up = PyramidUp.upsample(image)
        let options = DetectorOptions.humanFaceV1
        let pyramid = TiledPyramid(imageRows: up.height, imageCols: up.width, padding: options.pyramidPadding,
                                   outerPadding: options.pyramidOuterPadding)
        let full = pyramid.inputTensor(for: up, averageRed: options.averageRed, averageGreen: options.averageGreen, averageBlue: options.averageBlue)
        // A corner, a window inside level 0, one across the small levels on the right, the bottom edge.
        let crops = [(x0: 0, y0: 0, x1: 229, y1: 229), (x0: 320, y0: 288, x1: 637, y1: 581),
                     (x0: pyramid.cols - 300, y0: 96, x1: pyramid.cols, y1: 421), (x0: 64, y0: pyramid.rows - 120, x1: 500, y1: pyramid.rows)]
        let blocks = pyramid.neededBlocks(crops: crops)
        XCTAssertLessThan(blocks[0].needed.filter { $0 }.count, blocks[0].needed.count, "level 0 is only partly needed")
        // Level 0 sampled straight from the photo (the doubling done where needed).
        let partial = pyramid.cropTensors(for: image, doubling: true, averageRed: options.averageRed, averageGreen: options.averageGreen,
                                          averageBlue: options.averageBlue, crops: crops, blocks: blocks)
        var maxError: Float = 0, checked = 0
        for (c, t) in zip(crops, partial) {
            XCTAssertEqual(t.shape, [1, 3, c.y1 - c.y0, c.x1 - c.x0])
            for ch in 0..<3 { for y in c.y0..<c.y1 { for x in c.x0..<c.x1 {
                checked += 1
                maxError = max(maxError, abs(t[0, ch, y - c.y0, x - c.x0] - full[0, ch, y, x]))
            } } }
        }
        XCTAssertGreaterThan(checked, 100_000)
        // Values are (pixel - mean) / 256, within +-1: a few ulp of that.
        XCTAssertLessThan(maxError, 1e-6)
        // Level 0 itself (inside the first crop) is exact: the same uint8 doubling.
        let level0 = pyramid.levels[0], c = crops[1], t = partial[1]
        var level0Differing = 0
        for ch in 0..<3 { for y in max(c.y0, level0.top)..<min(c.y1, level0.bottom + 1) { for x in max(c.x0, level0.left)..<min(c.x1, level0.right + 1) {
            if t[0, ch, y - c.y0, x - c.x0] != full[0, ch, y, x] { level0Differing += 1 }
        } } }
        XCTAssertEqual(level0Differing, 0)
    }

    func testNoRegionsFindNothing() throws {
        let e = try engine()
        let image = try DlibGoldenTests.source("obama.jpg")
        let result = e.detector.detector.detect(image, upsample: 1, regions: [])
        XCTAssertTrue(result.detections.isEmpty)
        XCTAssertEqual(result.pixels, 0)
    }

    /// The tensor the windowed search cuts out for a crop (it builds it directly; this cuts it from the full one).
    static func crop(_ t: Tensor, x0: Int, y0: Int, x1: Int, y1: Int) -> Tensor {
        let h = y1 - y0, w = x1 - x0
        var out = [Float](repeating: 0, count: t.n * t.k * h * w)
        t.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for plane in 0..<(t.n * t.k) {
                    for y in 0..<h {
                        let s = (plane * t.h + y0 + y) * t.w + x0
                        let d = (plane * h + y) * w
                        dst.baseAddress!.advanced(by: d).update(from: src.baseAddress!.advanced(by: s), count: w)
                    }
                }
            }
        }
        return Tensor(n: t.n, k: t.k, h: h, w: w, data: out)
    }
}
