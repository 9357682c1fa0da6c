import Foundation
import XCTest

// Generators for the hostile and ordinary archives the tests read. Zips are built byte by
// byte here (so flags, sizes, offsets and names can lie); deflate streams and tarballs come
// from python3's zlib/tarfile, run from the test.

func crc32(_ data: Data) -> UInt32 {
    var table = [UInt32](repeating: 0, count: 256)
    for i in 0..<256 {
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        table[i] = c
    }
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
}

struct ZipEntry {
    var name: [UInt8]
    /// Bytes stored after the local header (already compressed when method is 8).
    var payload: Data
    var method: UInt16 = 0
    var crc: UInt32
    var uncompressedSize: UInt32
    var flags: UInt16 = 0
    var madeBy: UInt16 = 20
    var externalAttributes: UInt32 = 0
    var centralExtra = Data()
    /// Compressed size written in the central directory when it should lie.
    var centralCompressedSize: UInt32? = nil

    static func stored(_ name: String, _ data: Data) -> ZipEntry {
        ZipEntry(name: Array(name.utf8), payload: data, crc: crc32(data), uncompressedSize: UInt32(data.count),
                 flags: name.utf8.contains(where: { $0 >= 0x80 }) ? 0x0800 : 0)
    }
    static func stored(_ name: String, _ text: String) -> ZipEntry { stored(name, Data(text.utf8)) }

    static func deflated(_ name: String, _ data: Data, declaredSize: UInt32? = nil) throws -> ZipEntry {
        ZipEntry(name: Array(name.utf8), payload: try Python.deflate(data), method: 8, crc: crc32(data),
                 uncompressedSize: declaredSize ?? UInt32(data.count))
    }

    static func symlink(_ name: String, to target: String) -> ZipEntry {
        var entry = stored(name, target)
        entry.madeBy = 0x0314   // Unix
        entry.externalAttributes = UInt32(0o120777) << 16
        return entry
    }
}

struct ZipBuilder {
    var entries: [ZipEntry]
    /// Extra central-directory records (name, index of the entry whose local header they point at).
    var aliases: [(name: String, target: Int)] = []
    var diskNumber: UInt16 = 0
    /// Write the zip64 end records (as tools do past 65,535 entries or 4 GiB) and saturate the classic ones.
    var zip64End = false

    func build() -> Data {
        var out = Data()
        var offsets: [Int] = []
        for entry in entries {
            offsets.append(out.count)
            out.le32(0x0403_4b50); out.le16(20); out.le16(entry.flags); out.le16(entry.method)
            out.le16(0); out.le16(0x21)
            out.le32(entry.crc); out.le32(UInt32(entry.payload.count)); out.le32(entry.uncompressedSize)
            out.le16(UInt16(entry.name.count)); out.le16(0)
            out.append(contentsOf: entry.name)
            out.append(entry.payload)
        }
        let directoryStart = out.count
        var records = entries.enumerated().map { ($0.element, offsets[$0.offset]) }
        for alias in aliases {
            var entry = entries[alias.target]
            entry.name = Array(alias.name.utf8)
            records.append((entry, offsets[alias.target]))
        }
        for (entry, offset) in records {
            out.le32(0x0201_4b50); out.le16(entry.madeBy); out.le16(20); out.le16(entry.flags); out.le16(entry.method)
            out.le16(0); out.le16(0x21)
            out.le32(entry.crc); out.le32(entry.centralCompressedSize ?? UInt32(entry.payload.count))
            out.le32(entry.uncompressedSize)
            out.le16(UInt16(entry.name.count)); out.le16(UInt16(entry.centralExtra.count)); out.le16(0)
            out.le16(0); out.le16(0); out.le32(entry.externalAttributes); out.le32(UInt32(offset))
            out.append(contentsOf: entry.name)
            out.append(entry.centralExtra)
        }
        let directorySize = out.count - directoryStart
        if zip64End {
            let recordStart = out.count
            out.le32(0x0606_4b50); out.le64(44); out.le16(45); out.le16(45)
            out.le32(UInt32(diskNumber)); out.le32(UInt32(diskNumber))
            out.le64(UInt64(records.count)); out.le64(UInt64(records.count))
            out.le64(UInt64(directorySize)); out.le64(UInt64(directoryStart))
            out.le32(0x0706_4b50); out.le32(0); out.le64(UInt64(recordStart)); out.le32(1)
            out.le32(0x0605_4b50); out.le16(0xFFFF); out.le16(0xFFFF); out.le16(0xFFFF); out.le16(0xFFFF)
            out.le32(0xFFFF_FFFF); out.le32(0xFFFF_FFFF); out.le16(0)
            return out
        }
        out.le32(0x0605_4b50); out.le16(diskNumber); out.le16(diskNumber)
        out.le16(UInt16(records.count)); out.le16(UInt16(records.count))
        out.le32(UInt32(directorySize)); out.le32(UInt32(directoryStart)); out.le16(0)
        return out
    }
}

extension Data {
    mutating func le16(_ v: UInt16) { append(contentsOf: [UInt8(v & 0xff), UInt8(v >> 8)]) }
    mutating func le64(_ v: UInt64) { le32(UInt32(v & 0xFFFF_FFFF)); le32(UInt32(v >> 32)) }
    mutating func le32(_ v: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((v >> UInt32(shift)) & 0xff)) } }
}

enum Python {
    static func run(_ script: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "python3", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "python3 fixture generator failed"])
        }
    }

    /// Raw deflate (no zlib header), as zip method 8 stores it.
    static func deflate(_ data: Data) throws -> Data {
        let dir = try TemporaryFolder()
        let input = dir.url.appendingPathComponent("in"), output = dir.url.appendingPathComponent("out")
        try data.write(to: input)
        try run("""
            import sys, zlib
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            open(sys.argv[2], 'wb').write(c.compress(open(sys.argv[1], 'rb').read()) + c.flush())
            """, [input.path, output.path])
        return try Data(contentsOf: output)
    }

    enum TarMember {
        case file(String, Data)
        case symlink(String, to: String)
        case hardlink(String, to: String)
    }

    /// A tarball written by python's tarfile (`mode` "w:gz", "w:bz2", "w"); names encoded with `encoding`.
    static func tar(_ members: [TarMember], to url: URL, mode: String = "w:gz", encoding: String = "utf-8") throws {
        let dir = try TemporaryFolder()
        var lines: [String] = []
        for (index, member) in members.enumerated() {
            switch member {
            case .file(let name, let data):
                let blob = dir.url.appendingPathComponent("m\(index)")
                try data.write(to: blob)
                lines.append(["file", name, blob.path].joined(separator: "\u{1}"))
            case .symlink(let name, let target): lines.append(["sym", name, target].joined(separator: "\u{1}"))
            case .hardlink(let name, let target): lines.append(["hard", name, target].joined(separator: "\u{1}"))
            }
        }
        let manifest = dir.url.appendingPathComponent("manifest")
        try lines.joined(separator: "\n").write(to: manifest, atomically: true, encoding: .utf8)
        try run("""
            import sys, tarfile, io
            out, mode, enc, manifest = sys.argv[1:5]
            with tarfile.open(out, mode, format=tarfile.GNU_FORMAT, encoding=enc) as t:
                for line in open(manifest, encoding='utf-8').read().split('\\n'):
                    kind, name, arg = line.split('\\x01')
                    info = tarfile.TarInfo(name)
                    if kind == 'file':
                        data = open(arg, 'rb').read(); info.size = len(data); t.addfile(info, io.BytesIO(data))
                    else:
                        info.type = tarfile.SYMTYPE if kind == 'sym' else tarfile.LNKTYPE
                        info.linkname = arg; t.addfile(info)
            """, [url.path, mode, encoding, manifest.path])
    }
}

/// A temporary folder removed when the value goes away.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("archive-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, _ data: Data) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
        return file
    }

    /// Every path under the folder, to prove nothing was created or changed.
    func snapshot() -> [String: Int] {
        var result: [String: Int] = [:]
        let enumerator = FileManager.default.enumerator(atPath: url.path)
        while let path = enumerator?.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.appendingPathComponent(path).path)
            result[path] = (attributes?[.size] as? NSNumber)?.intValue ?? -1
        }
        return result
    }
}

final class ResultBox<T>: @unchecked Sendable { var result: Result<T, Error>? }

/// Fails the test (instead of hanging the suite) when `work` takes longer than `seconds`.
func withinSeconds<T>(_ seconds: Double, file: StaticString = #filePath, line: UInt = #line,
                      _ work: @escaping () throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.result = Result { try work() }
        done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    guard done.wait(timeout: .now() + seconds) == .success, let result = box.result else {
        XCTFail("did not finish within \(seconds) s (hang)", file: file, line: line)
        throw NSError(domain: "watchdog", code: 1)
    }
    return try result.get()
}

/// Deterministic bytes that deflate poorly (like JPEG data).
func noise(_ count: Int, seed: UInt64 = 1) -> Data {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var bytes = [UInt8](repeating: 0, count: count)
    for i in 0..<count {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        bytes[i] = UInt8(truncatingIfNeeded: state)
    }
    return Data(bytes)
}
