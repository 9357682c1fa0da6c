// Reader for dlib's serialization format (dlib/serialize.h, float_details.h, cuda/tensor.h).
//
// FILE FORMAT (all three model files; there is no magic number or header, the first
// object starts at byte 0, everything little-endian):
//
//   integer   control byte (bit 7 = negative, low 4 bits = n in 1...8, bits 4-6 zero),
//             then n magnitude bytes, least significant first. `01 00` is zero.
//   float     float_details: integer mantissa, then integer exponent; value = m * 2^e
//             (exponent 32000 / 32001 / 32002 = +inf / -inf / NaN).
//   bool      the ASCII byte '1' or '0'.
//   string    integer length, then the raw bytes.
//   vector<T> integer count, then each element.
//   matrix<T> integer -rows, integer -cols (negated: dlib's "new" format), then the
//             elements row-major.
//   tensor    integer version 2, integers n, k, nr, nc, then n*k*nr*nc raw
//             little-endian IEEE float32 values (NCHW).
//   alias     integer version 1, integers n, k, nr, nc (a shape, no data).
//
// How networks and the shape predictor use these primitives is documented at the top of
// DlibNetworkParser.swift and ShapePredictorFile.swift. Every read is bounds-checked and
// every count is checked against the bytes left before anything is allocated, so a
// truncated or corrupted file throws `DlibModelError` and never traps.
import Foundation

/// A model file could not be read: names the file, the byte offset and what was expected.
public typealias DlibModelError = ModelFileError

/// Cursor over the bytes of one model file.
struct DlibReader {
    let bytes: [UInt8]
    let fileName: String
    private(set) var offset = 0

    init(bytes: [UInt8], fileName: String) {
        self.bytes = bytes
        self.fileName = fileName
    }

    init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DlibModelError(file: url.lastPathComponent, offset: 0, message: "cannot read the file: \(error.localizedDescription)")
        }
        self.init(bytes: [UInt8](data), fileName: url.lastPathComponent)
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset == bytes.count }

    func error(_ message: String, at position: Int? = nil) -> DlibModelError {
        DlibModelError(file: fileName, offset: position ?? offset, message: message)
    }

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw error("unexpected end of file (file truncated?)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A signed integer in dlib's variable-length encoding.
    mutating func integer(_ what: @autoclosure () -> String = "integer") throws -> Int {
        let start = offset
        let control = try byte()
        let count = Int(control & 0x0F)
        guard control & 0x70 == 0, (1...8).contains(count) else {
            throw error("expected \(what()): bad integer control byte 0x\(String(control, radix: 16))", at: start)
        }
        guard remaining >= count else { throw error("unexpected end of file inside \(what())", at: start) }
        var magnitude: UInt64 = 0
        for i in 0..<count { magnitude |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += count
        guard magnitude <= UInt64(Int.max) else { throw error("\(what()) out of range", at: start) }
        let value = Int(magnitude)
        return control & 0x80 != 0 ? -value : value
    }

    /// An integer that must equal `expected`.
    mutating func expectInteger(_ expected: Int, _ what: String) throws {
        let start = offset
        let value = try integer(what)
        guard value == expected else { throw error("expected \(what) = \(expected), found \(value)", at: start) }
    }

    /// A non-negative count of items that each take at least `minimumItemBytes` bytes; bounded
    /// by what is left in the file so a corrupted count cannot cause a huge allocation.
    mutating func count(_ what: String, minimumItemBytes: Int = 1) throws -> Int {
        let start = offset
        let value = try integer(what)
        guard value >= 0 else { throw error("expected \(what) >= 0, found \(value)", at: start) }
        guard value <= remaining / max(1, minimumItemBytes) else {
            throw error("\(what) = \(value) is more than the \(remaining) bytes left in the file can hold", at: start)
        }
        return value
    }

    /// dlib's float_details: mantissa then exponent.
    mutating func double(_ what: @autoclosure () -> String = "float") throws -> Double {
        let start = offset
        let mantissa = try integer(what())
        let exponent = try integer(what())
        switch exponent {
        case 32000: return .infinity
        case 32001: return -.infinity
        case 32002: return .nan
        default:
            guard abs(exponent) < 2000 else { throw error("expected \(what()): exponent \(exponent) out of range", at: start) }
            return scalbn(Double(mantissa), exponent)
        }
    }

    mutating func float(_ what: @autoclosure () -> String = "float") throws -> Float {
        Float(try double(what()))
    }

    mutating func bool(_ what: String = "bool") throws -> Bool {
        let start = offset
        switch try byte() {
        case UInt8(ascii: "1"): return true
        case UInt8(ascii: "0"): return false
        case let b: throw error("expected \(what) ('0' or '1'), found byte 0x\(String(b, radix: 16))", at: start)
        }
    }

    mutating func string(_ what: String = "string") throws -> String {
        let length = try count("length of \(what)")
        let text = String(decoding: bytes[offset..<offset + length], as: UTF8.self)
        offset += length
        return text
    }

    /// A string that must be one of `allowed` (dlib's layer version tags).
    mutating func expectString(_ allowed: [String], _ what: String) throws -> String {
        let start = offset
        let text = try string(what)
        guard allowed.contains(text) else {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            throw error("expected \(what) \(allowed.map { "\"\($0)\"" }.joined(separator: " or ")), found \"\(shown)\"", at: start)
        }
        return text
    }

    /// A resizable_tensor: shape and float32 data.
    mutating func tensor(_ what: String) throws -> (shape: [Int], values: [Float]) {
        try expectInteger(2, "version of tensor \(what)")
        let start = offset
        var shape: [Int] = []
        for name in ["n", "k", "nr", "nc"] {
            let v = try integer("\(name) of tensor \(what)")
            guard v >= 0 else { throw error("tensor \(what) has negative dimension \(v)", at: start) }
            shape.append(v)
        }
        var total = 1
        for d in shape {
            let (p, overflow) = total.multipliedReportingOverflow(by: d)
            guard !overflow, p <= remaining / 4 else {
                throw error("tensor \(what) of shape \(shape) needs more bytes than the \(remaining) left in the file", at: start)
            }
            total = p
        }
        var values = [Float](repeating: 0, count: total)
        bytes.withUnsafeBytes { raw in
            for i in 0..<total {
                let bits = raw.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)
                values[i] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        offset += 4 * total
        return (shape, values)
    }

    /// A tensor that must be empty (gradients and cached outputs dlib stores for training).
    mutating func emptyTensor(_ what: String) throws {
        let start = offset
        let t = try tensor(what)
        guard t.values.isEmpty else { throw error("expected empty tensor \(what), found shape \(t.shape)", at: start) }
    }

    /// An alias_tensor (shape only).
    mutating func aliasShape(_ what: String) throws -> [Int] {
        try expectInteger(1, "version of alias tensor \(what)")
        var shape: [Int] = []
        for name in ["n", "k", "nr", "nc"] { shape.append(try integer("\(name) of alias \(what)")) }
        return shape
    }

    /// Checks a shape read from the file against the one the architecture implies.
    func check(_ found: [Int], equals expected: [Int], _ what: String, at position: Int) throws {
        guard found == expected else { throw error("\(what): expected shape \(expected), found \(found)", at: position) }
    }

    /// A column vector `matrix<float,0,1>` of exactly `length` values.
    mutating func floatColumn(length: Int, _ what: String) throws -> [Float] {
        let start = offset
        let rows = try integer("rows of \(what)")
        let cols = try integer("cols of \(what)")
        guard abs(rows) == length, abs(cols) == 1 else {
            throw error("\(what): expected a \(length)x1 matrix, found \(abs(rows))x\(abs(cols))", at: start)
        }
        var out = [Float](repeating: 0, count: length)
        for i in 0..<length { out[i] = try float(what) }
        return out
    }
}
