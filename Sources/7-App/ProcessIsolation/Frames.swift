import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The pipe protocol between a scan and its analysis workers, in frames: a 4-byte
/// little-endian length, then that many bytes.
///
///     parent → worker   [WorkRequest] [file bytes]                 per file (WireCoding.swift)
///     worker → parent   [hello JSON (WorkerHello)]                 once, after the models load
///     worker → parent   [WorkResponse]                             per file (WireCoding.swift)
///
/// The parent reads and writes against a deadline (poll), so a hung worker costs at
/// most the per-file timeout; the worker reads and writes blocking.
enum Frames {
    enum Failure: Error, CustomStringConvertible {
        case closed
        case timedOut
        case tooLarge(Int)
        case io(Int32)
        var description: String {
            switch self {
            case .closed: return "pipe closed"
            case .timedOut: return "timed out"
            case .tooLarge(let n): return "frame of \(n) bytes is too large"
            case .io(let e): return "pipe error \(e) (\(String(cString: strerror(e))))"
            }
        }
    }

    /// Responses are small (JSON of metadata and a few thumbnails); requests carry a file.
    static let maxFrame = Int(Int32.max)

    static func write(_ data: Data, to fd: Int32, deadline: Date? = nil) throws {
        var length = UInt32(data.count).littleEndian
        try withUnsafeBytes(of: &length) { try writeAll($0, to: fd, deadline: deadline) }
        try data.withUnsafeBytes { try writeAll($0, to: fd, deadline: deadline) }
    }

    static func read(from fd: Int32, deadline: Date? = nil, limit: Int = maxFrame) throws -> Data {
        var header = [UInt8](repeating: 0, count: 4)
        try header.withUnsafeMutableBytes { try readAll($0, from: fd, deadline: deadline) }
        let length = Int(UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24)
        guard length <= limit else { throw Failure.tooLarge(length) }
        var body = Data(count: length)
        if length > 0 { try body.withUnsafeMutableBytes { try readAll($0, from: fd, deadline: deadline) } }
        return body
    }

    /// Waits until `fd` is ready for `events` or the deadline passes.
    private static func wait(_ fd: Int32, events: Int16, deadline: Date?) throws {
        guard let deadline else { return }
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw Failure.timedOut }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let r = poll(&p, 1, Int32(min(remaining * 1000 + 1, 60_000)))
            if r > 0 { return }
            if r < 0 && errno != EINTR { throw Failure.io(errno) }
        }
    }

    private static func writeAll(_ buffer: UnsafeRawBufferPointer, to fd: Int32, deadline: Date?) throws {
        var offset = 0
        while offset < buffer.count {
            try wait(fd, events: Int16(POLLOUT), deadline: deadline)
            let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n > 0 { offset += n; continue }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n < 0 && errno == EPIPE { throw Failure.closed }
            throw Failure.io(errno)
        }
    }

    private static func readAll(_ buffer: UnsafeMutableRawBufferPointer, from fd: Int32, deadline: Date?) throws {
        var offset = 0
        while offset < buffer.count {
            try wait(fd, events: Int16(POLLIN), deadline: deadline)
            let n = Glibc.read(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n > 0 { offset += n; continue }
            if n == 0 { throw Failure.closed }
            if errno == EINTR || errno == EAGAIN { continue }
            throw Failure.io(errno)
        }
    }
}
