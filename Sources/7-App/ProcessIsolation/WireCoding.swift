import ExposureModel
import Foundation

// The binary form of the per-file messages between the scan and its workers.
//
// JSON (Foundation's Codable coders) cost more CPU than the metadata extraction itself on
// a --no-faces scan: the worker encoded and the parent decoded every response. This is a
// plain length-prefixed layout instead, written and read field by field in declaration
// order. Both ends are the same binary, so there is no versioning; the reader is bounds-
// checked and throws on anything malformed (a confused worker must not crash the scan).
//
//     int      Int64, little-endian          double  Float64 bits, little-endian
//     float    Float32 bits, little-endian   bool    one byte, 0 or 1
//     string   int byte count, UTF-8 bytes   bytes   int count, raw bytes
//     T?       bool present, then T          [T]     int count, then each T
//
// When a field is added to one of these types, add it to both `write` and `read` here;
// WireCodingTests round-trips values with every field set.

struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func int(_ v: Int) { withUnsafeBytes(of: Int64(v).littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func double(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func float(_ v: Float) { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func string(_ v: String) { let utf8 = Array(v.utf8); int(utf8.count); bytes.append(contentsOf: utf8) }
    mutating func data(_ v: Data) { int(v.count); bytes.append(contentsOf: v) }

    mutating func optional<T>(_ v: T?, _ write: (inout WireWriter, T) -> Void) {
        bool(v != nil)
        if let v { write(&self, v) }
    }

    mutating func array<T>(_ v: [T], _ write: (inout WireWriter, T) -> Void) {
        int(v.count)
        for element in v { write(&self, element) }
    }
}

struct WireReader {
    struct Malformed: Error, CustomStringConvertible {
        var description: String { "malformed worker message" }
    }

    private let bytes: [UInt8]
    private var offset = 0

    init(_ data: Data) { bytes = [UInt8](data) }

    var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - offset else { throw Malformed() }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    private mutating func uint64() throws -> UInt64 {
        try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func int() throws -> Int {
        let v = Int64(bitPattern: try uint64())
        guard let i = Int(exactly: v) else { throw Malformed() }
        return i
    }
    mutating func double() throws -> Double { Double(bitPattern: try uint64()) }
    mutating func float() throws -> Float {
        Float(bitPattern: try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) })
    }
    mutating func bool() throws -> Bool {
        switch try take(1).first! {
        case 0: return false
        case 1: return true
        default: throw Malformed()
        }
    }
    mutating func string() throws -> String {
        guard let s = String(bytes: try take(try int()), encoding: .utf8) else { throw Malformed() }
        return s
    }
    mutating func data() throws -> Data { Data(try take(try int())) }

    mutating func optional<T>(_ read: (inout WireReader) throws -> T) throws -> T? {
        try bool() ? try read(&self) : nil
    }

    /// A count is checked against the bytes left (every element takes at least one), so a
    /// corrupt count cannot reserve gigabytes.
    mutating func array<T>(_ read: (inout WireReader) throws -> T) throws -> [T] {
        let count = try int()
        guard count >= 0, count <= bytes.count - offset else { throw Malformed() }
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try read(&self)) }
        return out
    }
}

// MARK: - The messages

extension WorkRequest {
    func wire() -> Data {
        var w = WireWriter()
        w.string(operation.rawValue)
        w.string(path)
        return Data(w.bytes)
    }

    init(wire data: Data) throws {
        var r = WireReader(data)
        guard let operation = Operation(rawValue: try r.string()) else { throw WireReader.Malformed() }
        self.init(operation: operation, path: try r.string())
        guard r.isAtEnd else { throw WireReader.Malformed() }
    }
}

extension WorkResponse {
    func wire() -> Data {
        var w = WireWriter()
        w.optional(analysis) { $1.write(to: &$0) }
        w.optional(error) { $0.string($1) }
        return Data(w.bytes)
    }

    init(wire data: Data) throws {
        var r = WireReader(data)
        self.init(analysis: try r.optional { try FileAnalysis(from: &$0) }, error: try r.optional { try $0.string() })
        guard r.isAtEnd else { throw WireReader.Malformed() }
    }
}

extension FileAnalysis {
    func write(to w: inout WireWriter) {
        w.string(kind.rawValue)
        w.optional(embedded) { $1.write(to: &$0) }
        w.optional(unreadableReason) { $0.string($1) }
        w.optional(faces) { w, faces in
            w.array(faces) { w, f in
                f.face.write(to: &w)
                w.optional(f.thumbnail) { $0.data($1) }
            }
        }
        w.optional(fingerprint) { $0.data($1.data) }
        for v in [stageSeconds.metadata, stageSeconds.decode, stageSeconds.detection, stageSeconds.descriptors,
                  stageSeconds.thumbnails, stageSeconds.fingerprint, stageSeconds.videoDecode] { w.double(v) }
        w.optional(video) { $1.write(to: &$0) }
    }

    init(from r: inout WireReader) throws {
        guard let kind = MediaKind(rawValue: try r.string()) else { throw WireReader.Malformed() }
        self.init(kind: kind,
                  embedded: try r.optional { try EmbeddedMetadata(from: &$0) },
                  unreadableReason: try r.optional { try $0.string() },
                  faces: try r.optional { r in
                      try r.array { r in Face(face: try DetectedFace(from: &r), thumbnail: try r.optional { try $0.data() }) }
                  })
        if let bytes = try r.optional({ try $0.data() }) {
            guard let print = PerceptualFingerprint(data: bytes) else { throw WireReader.Malformed() }
            fingerprint = print
        }
        stageSeconds.metadata = try r.double(); stageSeconds.decode = try r.double()
        stageSeconds.detection = try r.double(); stageSeconds.descriptors = try r.double()
        stageSeconds.thumbnails = try r.double(); stageSeconds.fingerprint = try r.double()
        stageSeconds.videoDecode = try r.double()
        video = try r.optional { try VideoAnalysis(from: &$0) }
    }
}

extension VideoAnalysis {
    func write(to w: inout WireWriter) {
        w.optional(duration) { $0.double($1) }
        w.double(sampleInterval); w.int(sampledFrames); w.int(decodedFrames); w.double(analysedSeconds)
        w.optional(stoppedEarly) { $0.string($1) }
        w.string(codec); w.int(width); w.int(height); w.int(rotation)
        w.optional(poster) { $0.data($1) }
        w.array(tracks) { w, t in
            w.int(t.faceIndex); w.double(t.startSeconds); w.double(t.endSeconds); w.int(t.framesSeen); w.int(t.distinctViews)
            w.array(t.descriptors) { w, d in w.array(d) { $0.float($1) } }
        }
    }

    init(from r: inout WireReader) throws {
        self.init(duration: try r.optional { try $0.double() }, sampleInterval: try r.double(), sampledFrames: try r.int(),
                  decodedFrames: try r.int(), analysedSeconds: try r.double(), stoppedEarly: try r.optional { try $0.string() },
                  codec: try r.string(), width: try r.int(), height: try r.int(), rotation: try r.int(),
                  poster: try r.optional { try $0.data() },
                  tracks: try r.array { r in
                      VideoFaceTrack(faceIndex: try r.int(), startSeconds: try r.double(), endSeconds: try r.double(),
                                     framesSeen: try r.int(), distinctViews: try r.int(),
                                     descriptors: try r.array { r in try r.array { try $0.float() } })
                  })
    }
}

extension DetectedFace {
    func write(to w: inout WireWriter) {
        w.int(box.left); w.int(box.top); w.int(box.right); w.int(box.bottom)
        w.float(confidence)
        w.array(landmarks) { $0.int($1.x); $0.int($1.y) }
        w.array(descriptor) { $0.float($1) }
        w.bool(belowDetectorRange)
    }

    init(from r: inout WireReader) throws {
        let box = Box(left: try r.int(), top: try r.int(), right: try r.int(), bottom: try r.int())
        self.init(box: box, confidence: try r.float(),
                  landmarks: try r.array { Point(x: try $0.int(), y: try $0.int()) },
                  descriptor: try r.array { try $0.float() }, belowDetectorRange: try r.bool())
    }
}

extension EmbeddedMetadata {
    func write(to w: inout WireWriter) {
        w.optional(width) { $0.int($1) }
        w.optional(height) { $0.int($1) }
        w.optional(orientation) { $0.int($1) }
        w.optional(captureTime) { w, t in
            for v in [t.year, t.month, t.day, t.hour, t.minute, t.second] { w.int(v) }
            w.optional(t.utcOffsetSeconds) { $0.int($1) }
        }
        w.optional(gps) { w, g in
            w.double(g.latitude); w.double(g.longitude)
            w.optional(g.altitude) { $0.double($1) }
        }
        for s in [make, model, bodySerialNumber, lensSerialNumber, cameraOwnerName, artist, software, imageUniqueID] {
            w.optional(s) { $0.string($1) }
        }
        w.bool(hasThumbnail)
        w.optional(thumbnailDiffers) { $0.bool($1) }
        w.array(faceRegions) { w, f in
            w.string(f.name); w.double(f.centerX); w.double(f.centerY); w.double(f.width); w.double(f.height)
        }
        w.array(personInImage) { $0.string($1) }
    }

    init(from r: inout WireReader) throws {
        let width = try r.optional { try $0.int() }
        let height = try r.optional { try $0.int() }
        let orientation = try r.optional { try $0.int() }
        let captureTime = try r.optional { r in
            LocalDateTime(year: try r.int(), month: try r.int(), day: try r.int(), hour: try r.int(), minute: try r.int(),
                          second: try r.int(), utcOffsetSeconds: try r.optional { try $0.int() })
        }
        let gps = try r.optional { r in
            GeoPoint(latitude: try r.double(), longitude: try r.double(), altitude: try r.optional { try $0.double() })
        }
        var strings: [String?] = []
        for _ in 0..<8 { strings.append(try r.optional { try $0.string() }) }
        let hasThumbnail = try r.bool()
        let thumbnailDiffers = try r.optional { try $0.bool() }
        let faceRegions = try r.array { r in
            FaceRegion(name: try r.string(), centerX: try r.double(), centerY: try r.double(),
                       width: try r.double(), height: try r.double())
        }
        let personInImage = try r.array { try $0.string() }
        self.init(width: width, height: height, orientation: orientation, captureTime: captureTime, gps: gps,
                  make: strings[0], model: strings[1], bodySerialNumber: strings[2], lensSerialNumber: strings[3],
                  cameraOwnerName: strings[4], artist: strings[5], software: strings[6], imageUniqueID: strings[7],
                  hasThumbnail: hasThumbnail, thumbnailDiffers: thumbnailDiffers, faceRegions: faceRegions,
                  personInImage: personInImage)
    }
}
