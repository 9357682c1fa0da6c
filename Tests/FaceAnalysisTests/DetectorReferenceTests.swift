import XCTest
import Foundation
import ExposureModel
import NeuralNet
import ExposureTestSupport
@testable import FaceAnalysis

/// The detector's input against references: dlib 20.0.1 itself (checksums of `dlib.resize_image`
/// outputs, recorded with `DetectorReferenceTests.dlibGoldenScript`) and a NumPy reference of the
/// tiled pyramid (`referenceScript`, from reference/dlib-reference/ref_impl.py, which matches dlib
/// bit for bit) that the test runs on images it generates. Everything must agree exactly.
final class DetectorReferenceTests: XCTestCase {
    // MARK: - Synthetic inputs (the same generator as the scripts)

    /// 64-bit LCG (Knuth's MMIX constants); the top byte of each state.
    static func lcgBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var s = seed
        return (0..<count).map { _ in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(s >> 56)
        }
    }

    static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }

    /// Smooth gradients plus noise, so the pyramid levels carry structure and fractions.
    static func syntheticImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
        let noise = lcgBytes(width * height * 3, seed: seed)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                for ch in 0..<3 {
                    let i = 3 * (y * width + x) + ch
                    let ramp = (x * (5 + ch) + y * (3 + 2 * ch)) % 200
                    pixels[i] = UInt8(ramp + Int(noise[i] % 56))
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    // MARK: - dlib goldens

    /// Prints the checksums below (needs `pip install dlib-bin==20.0.1` and numpy).
    static let dlibGoldenScript = #"""
    import dlib, numpy as np
    M = (1 << 64) - 1
    def lcg_bytes(n, seed):
        s = seed; out = bytearray(n)
        for i in range(n):
            s = (s * 6364136223846793005 + 1442695040888963407) & M
            out[i] = s >> 56
        return np.frombuffer(bytes(out), np.uint8)
    def fnv(b):
        h = 0xcbf29ce484222325
        for x in b:
            h = ((h ^ x) * 0x100000001b3) & M
        return h
    img = lcg_bytes(23 * 37 * 3, 7).reshape(23, 37, 3)
    for (r, c) in [(47, 76), (23, 37), (10, 15)]:
        print("rgb", r, c, hex(fnv(dlib.resize_image(img, r, c).tobytes())))
    plane = (lcg_bytes(37 * 53, 11).astype(np.float32) / np.float32(255)).reshape(37, 53)
    for (r, c) in [(30, 44), (25, 36), (80, 100), (5, 5), (37, 53)]:
        print("float", r, c, hex(fnv(dlib.resize_image(plane, r, c).tobytes())))
    """#

    /// dlib's `resize_image` (the SSE path with its float column positions and double tail) is
    /// what builds every pyramid level and the upsampled image.
    func testResizeMatchesDlib() {
        let image = RGBImage(width: 37, height: 23, pixels: Self.lcgBytes(23 * 37 * 3, seed: 7))
        let rgbGoldens: [(Int, Int, UInt64)] = [(47, 76, 0xf3993a067b389528), (23, 37, 0xe219d73f9f5de105),
                                                (10, 15, 0xc5498b65c1c7f126)]
        for (rows, cols, golden) in rgbGoldens {
            let out = BilinearResize.resize(image, rows: rows, cols: cols)
            XCTAssertEqual(out.pixels.withUnsafeBytes(Self.fnv1a), golden, "rgb \(rows)x\(cols)")
        }
        XCTAssertEqual(PyramidUp.upsample(image).pixels.withUnsafeBytes(Self.fnv1a), 0xf3993a067b389528)

        let plane = Self.lcgBytes(37 * 53, seed: 11).map { Float($0) / 255 }
        let floatGoldens: [(Int, Int, UInt64)] = [(30, 44, 0x8df90ae07e464575), (25, 36, 0xdee3c92b21949f19),
                                                  (80, 100, 0x5c5ce64fca617db8), (5, 5, 0x2afb5b630b184e76),
                                                  (37, 53, 0x182fa4fdae2ee18f)]
        for (rows, cols, golden) in floatGoldens {
            var out = [Float](repeating: .nan, count: rows * cols)
            let plan = BilinearResize.columnPlan(inCols: 53, outCols: cols)
            plane.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    BilinearResize.resizePlane(src.baseAddress!, inRows: 37, inCols: 53, srcStride: 53,
                                               into: dst.baseAddress!, outRows: rows, outCols: cols, dstStride: cols, plan: plan)
                }
            }
            XCTAssertEqual(out.withUnsafeBytes(Self.fnv1a), golden, "float \(rows)x\(cols)")
        }
    }

    // MARK: - NumPy reference of the tiled input

    struct Case { var name: String; var rows: Int; var cols: Int; var upsample: Int; var seed: UInt64; var tensor = true }

    static let cases = [
        Case(name: "a", rows: 37, cols: 53, upsample: 0, seed: 1),
        Case(name: "b", rows: 150, cols: 150, upsample: 0, seed: 2),
        Case(name: "c", rows: 61, cols: 12, upsample: 0, seed: 3),
        Case(name: "d", rows: 9, cols: 61, upsample: 0, seed: 4),
        Case(name: "e", rows: 23, cols: 37, upsample: 1, seed: 5),
        Case(name: "f", rows: 240, cols: 173, upsample: 0, seed: 6),
        Case(name: "g", rows: 31, cols: 26, upsample: 2, seed: 7),
    ]

    func testTiledInputMatchesReference() throws {
        try compareWithReference(Self.cases.map { c in (c, Self.syntheticImage(width: c.cols, height: c.rows, seed: c.seed)) })
    }

    /// obama.jpg (910 x 1137): the whole 932 x 4139 x 3 input tensor, and the 1822 x 2275
    /// upsampled image with its layout.
    func testObamaInputMatchesReference() throws {
        let image = try DetectorModelTests.decode("obama.jpg")
        try compareWithReference([
            (Case(name: "obama", rows: image.height, cols: image.width, upsample: 0, seed: 0), image),
            (Case(name: "obama_up", rows: image.height, cols: image.width, upsample: 1, seed: 0, tensor: false), image),
        ])
    }

    func compareWithReference(_ cases: [(Case, RGBImage)]) throws {
        let dir = try TestSupport.temporaryDirectory("detector-reference")
        defer { try? FileManager.default.removeItem(at: dir) }
        var list = ""
        for (c, image) in cases {
            try Data(image.pixels).write(to: dir.appendingPathComponent("\(c.name).rgb"))
            list += "\(c.name) \(c.rows) \(c.cols) \(c.upsample) \(c.tensor ? 1 : 0)\n"
        }
        try list.write(to: dir.appendingPathComponent("cases.txt"), atomically: true, encoding: .utf8)
        try Self.runReferenceScript(in: dir)

        let options = DetectorOptions.humanFaceV1
        let detector = FaceDetector(options: options) { _ in Tensor(k: 1, h: 0, w: 0) }
        for (c, original) in cases {
            var image = original
            for _ in 0..<c.upsample { image = PyramidUp.upsample(image) }
            if c.upsample > 0 {
                let expected = try Data(contentsOf: dir.appendingPathComponent("\(c.name).up.rgb"))
                XCTAssertEqual(image.pixels.count, expected.count, "\(c.name): upsampled size")
                XCTAssertTrue(image.pixels.elementsEqual(expected), "\(c.name): upsampled pixels differ")
            }
            let lines = try String(contentsOf: dir.appendingPathComponent("\(c.name).rects.txt"), encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: " ").map { Int($0)! } }
            let pyramid = detector.inputPyramid(rows: image.height, cols: image.width)
            XCTAssertEqual([pyramid.rows, pyramid.cols, image.height, image.width], lines[0], "\(c.name): tensor size")
            XCTAssertEqual(pyramid.levels.map { [$0.left, $0.top, $0.right, $0.bottom] }, Array(lines.dropFirst()), "\(c.name): levels")
            guard c.tensor else { continue }
            let tensor = pyramid.inputTensor(for: image, averageRed: options.averageRed,
                                             averageGreen: options.averageGreen, averageBlue: options.averageBlue)
            try Self.assertBitIdentical(tensor.data, file: dir.appendingPathComponent("\(c.name).tensor.f32"), c.name)
        }
    }

    static func assertBitIdentical(_ values: [Float], file: URL, _ label: String) throws {
        let data = try Data(contentsOf: file)
        XCTAssertEqual(data.count, values.count * 4, "\(label): tensor size")
        guard data.count == values.count * 4 else { return }
        var mismatches = 0, first = -1
        data.withUnsafeBytes { raw in
            for i in 0..<values.count {
                let bits = raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                if bits != values[i].bitPattern { mismatches += 1; if first < 0 { first = i } }
            }
        }
        XCTAssertEqual(mismatches, 0, "\(label): \(mismatches) values differ, first at flat index \(first)")
    }

    static func runReferenceScript(in dir: URL) throws {
        let script = dir.appendingPathComponent("detector_reference.py")
        try referenceScript.write(to: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, dir.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "detector_reference.py failed: \(message)")
    }

    /// NumPy reference: dlib's tiled pyramid input and pyramid_up (reads DIR/cases.txt and the
    /// images, writes the rects, tensors and upsampled images).
    static let referenceScript = #"""
    # Reference dumps for the detector tests (numpy only). The tiling and resize emulation follow
    # reference/dlib-reference/ref_impl.py, which matches dlib 20.0.1 bit for bit.
    # usage: detector_reference.py DIR   (DIR/cases.txt lists "name rows cols upsample", images DIR/name.rgb)
    import math, os, sys
    import numpy as np
    F32 = np.float32
    U64 = 1 << 64
    AVG = np.array([122.782, 117.001, 104.298], F32)

    def lanes(x_scale, in_nc, out_nc):
        x = -4 * x_scale
        cur = np.array([x, x + x_scale, x + 2 * x_scale, x + 3 * x_scale], np.float64).astype(F32)
        step = F32(4 * x_scale)
        xs = []
        c = 0
        while True:
            cur = (cur + step).astype(F32)
            if int(cur.astype(np.int32)[3]) + 1 >= in_nc or c + 3 >= out_nc + 4:
                break
            xs.append(cur.copy()); c += 4
        xs = np.concatenate(xs) if xs else np.zeros(0, F32)
        return xs[:min(len(xs), out_nc)]

    def resize(src, out_nr, out_nc, rgb):
        in_nr, in_nc = src.shape[:2]
        out = np.zeros((out_nr, out_nc) + src.shape[2:], np.uint8 if rgb else F32)
        x_scale = (in_nc - 1) / float(max(out_nc - 1, 1))
        y_scale = (in_nr - 1) / float(max(out_nr - 1, 1))
        xs = lanes(x_scale, in_nc, out_nc)
        ns = len(xs)
        left = xs.astype(np.int64)
        lr = (xs - left.astype(F32)).astype(F32)
        inv = (F32(1) - lr).astype(F32)
        if rgb:
            lr, inv = lr[:, None], inv[:, None]
        srcf = src.astype(F32)
        srcd = src.astype(np.float64)
        tail = []
        x = -x_scale + ns * x_scale
        for c in range(ns, out_nc):
            x += x_scale; tail.append(x)
        y = -y_scale
        for r in range(out_nr):
            y += y_scale
            top = int(math.floor(y)); bottom = min(top + 1, in_nr - 1)
            tb = y - top; tbf = F32(tb); itbf = F32(1 - tb)
            T, B = srcf[top], srcf[bottom]
            if ns:
                v = (itbf * inv) * T[left] + (itbf * lr) * T[left + 1]
                v = v + (tbf * inv) * B[left]
                v = v + (tbf * lr) * B[left + 1]
                out[r, :ns] = v.astype(np.int32).astype(np.uint8) if rgb else v
            for j, xx in enumerate(tail):
                c = ns + j; lf = int(math.floor(xx)); rt = min(lf + 1, in_nc - 1)
                if rgb:
                    lrd = xx - lf
                    s = srcd
                    v = (1 - tb) * ((1 - lrd) * s[top, lf] + lrd * s[top, rt]) + tb * ((1 - lrd) * s[bottom, lf] + lrd * s[bottom, rt])
                    out[r, c] = v.astype(np.int64).astype(np.uint8)
                else:
                    lrf = F32(xx - lf)
                    a = (F32(1) - lrf) * T[lf] + lrf * T[rt]
                    b = (F32(1) - lrf) * B[lf] + lrf * B[rt]
                    out[r, c] = F32((1 - tb) * float(a) + tb * float(b))
        return out

    def lround(v):
        return math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)

    def tiled_rects(nr, nc, padding=10, outer=11):
        rate = (6 - 1.0) / 6
        sizes = [(nr, nc)]
        while True:
            nr = math.floor(rate * nr); nc = math.floor(rate * nc)
            if nr * nc == 0 or nr < 5: break
            sizes.append((nr, nc))
        total = sum(h + padding for h, w in sizes) - 2 * padding
        h0, w0 = sizes[0]
        height = prev_w = 0
        for h, w in sizes:
            if (w % U64) <= ((w0 - prev_w - padding) % U64) and ((height - h0) % U64) * 2 % U64 >= ((total - h0) % U64):
                break
            height += h + padding; prev_w = w
        height -= padding
        NR, NC = height + 2 * outer, w0 + 2 * outer
        rects = []
        y = outer; i = 0
        while y < height + outer and i < len(sizes):
            h, w = sizes[i]
            rects.append((outer, y, outer + w - 1, y + h - 1)); y += h + padding; i += 1
        y -= padding
        while rects and i < len(sizes):
            h, w = sizes[i]
            r = (outer + w0 - 1 - (w - 1), y - 1 - (h - 1), outer + w0 - 1, y - 1)
            l0, t0, r0, b0 = rects[0]
            if max(l0, r[0]) <= min(r0, r[2]) and max(t0, r[1]) <= min(b0, r[3]): break
            rects.append(r); y -= h + padding; i += 1
        return rects, NR, NC

    def tiled_tensor(img):
        rects, NR, NC = tiled_rects(img.shape[0], img.shape[1])
        t = np.zeros((3, NR, NC), F32)
        l, tp, r, b = rects[0]
        t[:, tp:b + 1, l:r + 1] = ((img.astype(F32) - AVG) / F32(256)).transpose(2, 0, 1)
        for i in range(1, len(rects)):
            s, d = rects[i - 1], rects[i]
            for ch in range(3):
                t[ch, d[1]:d[3] + 1, d[0]:d[2] + 1] = resize(t[ch, s[1]:s[3] + 1, s[0]:s[2] + 1], d[3] - d[1] + 1, d[2] - d[0] + 1, False)
        return t, rects

    def main(d):
        for line in open(os.path.join(d, "cases.txt")):
            name, rows, cols, up, want_tensor = line.split()
            rows, cols, up = int(rows), int(cols), int(up)
            img = np.fromfile(os.path.join(d, name + ".rgb"), np.uint8).reshape(rows, cols, 3)
            for _ in range(up):
                nr, nc = img.shape[:2]
                img = resize(img, lround((nr - 1 + 0.75) * 2) + 1, lround((nc - 1 + 1.25) * 2) + 1, True)
            if up:
                img.tofile(os.path.join(d, name + ".up.rgb"))
            if want_tensor == "1":
                t, rects = tiled_tensor(img)
                t.tofile(os.path.join(d, name + ".tensor.f32"))
                NR, NC = t.shape[1:]
            else:
                rects, NR, NC = tiled_rects(img.shape[0], img.shape[1])
            with open(os.path.join(d, name + ".rects.txt"), "w") as f:
                f.write("%d %d %d %d\n" % (NR, NC, img.shape[0], img.shape[1]))
                for r in rects: f.write("%d %d %d %d\n" % r)

    if __name__ == "__main__":
        main(sys.argv[1])
    """#
}
