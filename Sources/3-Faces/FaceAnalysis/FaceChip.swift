// Face alignment exactly as dlib's compute_face_descriptor does it (dlib-models.md §5.3):
// get_face_chip_details(shape, 150, 0.25) then extract_image_chips (bilinear), including the
// pyramid_down<2> pre-scaling of large faces and truncation to uint8. Chips are bit-identical
// to dlib's.
import Foundation
import ExposureModel

/// Where a face chip comes from: a rectangle in the image, rotated by `angle` about its centre.
struct ChipDetails {
    var rect: DRect
    var angle: Double
    var rows: Int
    var cols: Int

    /// 5-point template of dlib's get_face_chip_details, in normalized chip coordinates.
    static let template5: [DPoint] = [
        DPoint(0.8595674595992, 0.2134981538014), DPoint(0.6460604764104, 0.2289674387677),
        DPoint(0.1205750620789, 0.2137274526848), DPoint(0.3340850613712, 0.2290642403242),
        DPoint(0.4901123135679, 0.6277975316475),
    ]

    /// get_face_chip_details(det, size, padding) for a 5-landmark detection.
    init(landmarks: [DetectedFace.Point], size: Int = 150, padding: Double = 0.25) {
        let s = Double(size)
        let from = ChipDetails.template5.map { DPoint((padding + $0.x) / (2 * padding + 1) * s, (padding + $0.y) / (2 * padding + 1) * s) }
        let to = landmarks.map { DPoint(Double($0.x), Double($0.y)) }
        let t = findSimilarityTransform(from: from, to: to)
        angle = atan2(t.m10, t.m00)
        let scale = (t.m00 * t.m00 + t.m10 * t.m10).squareRoot()
        let c = t.apply(DPoint(s / 2, s / 2))
        let half = (s * scale - 1) / 2
        rect = DRect(left: c.x - half, top: c.y - half, right: c.x + half, bottom: c.y + half)
        rows = size; cols = size
    }
}

/// A small interleaved RGB buffer (rows x cols x 3), used for pyramid levels and chips.
struct RGBBuffer {
    var rows: Int
    var cols: Int
    var pixels: [UInt8]
    init(rows: Int, cols: Int) { self.rows = rows; self.cols = cols; pixels = [UInt8](repeating: 0, count: rows * cols * 3) }
}

enum FaceChipExtractor {
    /// extract_image_chips for one chip, bilinear.
    static func extract(_ image: RGBImage, _ det: ChipDetails) -> RGBBuffer {
        let chipArea = Double(det.rows * det.cols)
        var depth = 0
        var grow = 2.0
        var rd = det.rect.down2
        while rd.area > chipArea {
            rd = rd.down2
            depth += 1
            grow = grow * 2 + 2
        }
        let rect = det.rect
        let center = rect.center
        let corners = [DPoint(rect.left, rect.top), DPoint(rect.right, rect.top), DPoint(rect.left, rect.bottom), DPoint(rect.right, rect.bottom)]
            .map { rotate($0, about: center, angle: det.angle) }
        let W = image.width, H = image.height
        let gl = max(corners.map(\.x).min()! - grow, 0), gt = max(corners.map(\.y).min()! - grow, 0)
        let gr = min(corners.map(\.x).max()! + grow, Double(W - 1)), gb = min(corners.map(\.y).max()! + grow, Double(H - 1))
        let bl = dlibLround(gl), bt = dlibLround(gt), br = dlibLround(gr), bb = dlibLround(gb)
        // intersect with the image
        let il = max(bl, 0), it = max(bt, 0), ir = min(br, W - 1), ib = min(bb, H - 1)
        var source = RGBBuffer(rows: max(0, ib - it + 1), cols: max(0, ir - il + 1))
        if source.rows > 0 && source.cols > 0 {
            image.pixels.withUnsafeBufferPointer { src in
                source.pixels.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<source.rows {
                        let from = 3 * ((it + y) * W + il), to = 3 * y * source.cols
                        for i in 0..<(3 * source.cols) { dst[to + i] = src[from + i] }
                    }
                }
            }
        }
        var r2 = DRect(left: rect.left - Double(bl), top: rect.top - Double(bt), right: rect.right - Double(bl), bottom: rect.bottom - Double(bt))
        var level = -1
        while r2.down2.area > chipArea {
            level += 1
            r2 = r2.down2
        }
        var levelImage = source
        if level >= 0 {
            for _ in 0...level { levelImage = pyramidDown2(levelImage) }
        }
        let c2 = r2.center
        let p0 = rotate(DPoint(r2.left, r2.top), about: c2, angle: det.angle)
        let p1 = rotate(DPoint(r2.right, r2.top), about: c2, angle: det.angle)
        let p2 = rotate(DPoint(r2.left, r2.bottom), about: c2, angle: det.angle)
        let transform = AffineTransform.mapping(origin: p0, xAxisEnd: p1, yAxisEnd: p2,
                                                width: Double(det.cols - 1), height: Double(det.rows - 1))
        return transformBilinear(levelImage, rows: det.rows, cols: det.cols, transform)
    }

    /// pyramid_down<2> on RGB: [1 4 6 4 1] x [1 4 6 4 1] / 256 with integer truncation;
    /// output ((rows - 3) / 2, (cols - 3) / 2), empty when either side is <= 8.
    static func pyramidDown2(_ input: RGBBuffer) -> RGBBuffer {
        guard input.rows > 8, input.cols > 8 else { return RGBBuffer(rows: 0, cols: 0) }
        let outRows = (input.rows - 3) / 2, outCols = (input.cols - 3) / 2
        var out = RGBBuffer(rows: outRows, cols: outCols)
        let weights = [1, 4, 6, 4, 1]
        // horizontal pass on every input row, at the output columns
        var horizontal = [Int32](repeating: 0, count: input.rows * outCols * 3)
        input.pixels.withUnsafeBufferPointer { src in
            for y in 0..<input.rows {
                for c in 0..<outCols {
                    for ch in 0..<3 {
                        var sum: Int32 = 0
                        for k in 0..<5 { sum += Int32(weights[k]) * Int32(src[3 * (y * input.cols + 2 * c + k) + ch]) }
                        horizontal[3 * (y * outCols + c) + ch] = sum
                    }
                }
            }
        }
        out.pixels.withUnsafeMutableBufferPointer { dst in
            for r in 0..<outRows {
                for i in 0..<(outCols * 3) {
                    var sum: Int32 = 0
                    for k in 0..<5 { sum += Int32(weights[k]) * horizontal[(2 * r + k) * outCols * 3 + i] }
                    dst[r * outCols * 3 + i] = UInt8(truncatingIfNeeded: sum / 256)
                }
            }
        }
        return out
    }

    /// transform_image with interpolate_bilinear: outside pixels are black, values truncated.
    static func transformBilinear(_ src: RGBBuffer, rows: Int, cols: Int, _ t: AffineTransform) -> RGBBuffer {
        var out = RGBBuffer(rows: rows, cols: cols)
        let W = src.cols, H = src.rows
        src.pixels.withUnsafeBufferPointer { s in
            out.pixels.withUnsafeMutableBufferPointer { o in
                for y in 0..<rows {
                    for x in 0..<cols {
                        let p = t.apply(DPoint(Double(x), Double(y)))
                        let fl = p.x.rounded(.down), ft = p.y.rounded(.down)
                        guard fl >= 0, ft >= 0, fl + 1 < Double(W), ft + 1 < Double(H) else { continue }
                        let left = Int(fl), top = Int(ft)
                        let lr = p.x - fl, tb = p.y - ft
                        let i00 = 3 * (top * W + left), i01 = i00 + 3, i10 = i00 + 3 * W, i11 = i10 + 3
                        for ch in 0..<3 {
                            let v = (1 - tb) * ((1 - lr) * Double(s[i00 + ch]) + lr * Double(s[i01 + ch]))
                                + tb * ((1 - lr) * Double(s[i10 + ch]) + lr * Double(s[i11 + ch]))
                            o[3 * (y * cols + x) + ch] = UInt8(truncatingIfNeeded: Int(v))
                        }
                    }
                }
            }
        }
        return out
    }
}
