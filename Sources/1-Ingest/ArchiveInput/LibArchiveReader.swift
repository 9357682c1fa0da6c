import CArchive
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One libarchive read handle over one archive file, used by one thread for one pass.
///
/// Only the decompressors compiled into libarchive are enabled: a filter that would fall
/// back to running an external program (`gzip -d`, `lz4 -d`…) is refused, so opening an
/// archive never starts a process.
final class LibArchiveReader {
    enum Format { case zipSeekable, zipStreamable, tar }

    struct Header {
        var rawName: [UInt8]
        var fileType: UInt32
        var declaredSize: Int64?
        var isEncrypted: Bool
        var linkTarget: String?
        var isHardLink: Bool
        var warning: String?
    }

    enum Next {
        case entry(Header)
        case end
        /// This header is unusable but the archive may continue.
        case failed(String)
        /// Nothing more can be read from this archive.
        case fatal(String)
    }

    /// Bytes libarchive reads from the file at a time. Small enough that visiting a zip header
    /// after a seek does not pull in a megabyte of the next photo; large enough for streaming.
    static let blockBytes = 64 << 10

    /// libarchive's message when no format it was asked for matches the (decompressed) bytes.
    static let unrecognisedFormat = "Unrecognized archive format"

    static let typeMask: UInt32 = 0o170000
    static let regular: UInt32 = 0o100000
    static let directory: UInt32 = 0o040000
    static let symlink: UInt32 = 0o120000

    private let handle: OpaquePointer
    private let fd: Int32
    private let virtualSource: VirtualZipSource?
    private(set) var isDead = false

    /// `virtualZip`: read the file's first `prefix` bytes followed by `tail` instead of the
    /// file's own end (a zip whose directory was rewritten without the refused entries).
    init(url: URL, format: Format, virtualZip: (prefix: UInt64, tail: [UInt8])? = nil) throws {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ReaderOpenError(message: String(cString: strerror(errno))) }
        guard let handle = archive_read_new() else {
            close(fd)
            throw ReaderOpenError(message: "libarchive could not allocate a reader")
        }
        self.fd = fd
        self.handle = handle
        virtualSource = virtualZip.map { VirtualZipSource(fd: fd, prefix: $0.prefix, tail: $0.tail) }
        switch format {
        case .zipSeekable: archive_read_support_format_zip_seekable(handle)
        case .zipStreamable: archive_read_support_format_zip_streamable(handle)
        case .tar:
            // Only in-process decompressors: ARCHIVE_WARN means "will run an external program".
            for enable in [archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
                           archive_read_support_filter_xz, archive_read_support_filter_zstd] {
                if enable(handle) != ARCHIVE_OK { archive_clear_error(handle) }
            }
            archive_read_support_format_tar(handle)
        }
        let opened: Int32
        if let virtualSource {
            archive_read_set_callback_data(handle, Unmanaged.passUnretained(virtualSource).toOpaque())
            archive_read_set_read_callback(handle) { _, client, buffer in
                Unmanaged<VirtualZipSource>.fromOpaque(client!).takeUnretainedValue().read(buffer)
            }
            archive_read_set_seek_callback(handle) { _, client, offset, whence in
                Unmanaged<VirtualZipSource>.fromOpaque(client!).takeUnretainedValue().seek(offset, whence)
            }
            archive_read_set_skip_callback(handle) { _, client, request in
                Unmanaged<VirtualZipSource>.fromOpaque(client!).takeUnretainedValue().skip(request)
            }
            opened = archive_read_open1(handle)
        } else {
            opened = archive_read_open_fd(handle, fd, LibArchiveReader.blockBytes)
        }
        if opened != ARCHIVE_OK {
            let message = LibArchiveReader.errorString(handle)
            finish()
            throw ReaderOpenError(message: message)
        }
    }

    deinit { finish() }

    private var finished = false
    private func finish() {
        guard !finished else { return }
        finished = true
        archive_read_free(handle)
        close(fd)
    }

    /// Runs `body` with this thread's LC_CTYPE set to C.UTF-8. libarchive converts entry names
    /// through the thread's locale; in the default "C" locale UTF-8 names come back mangled
    /// to '?'. uselocale is per-thread, so the rest of the process is not disturbed.
    static func withUTF8Names<T>(_ body: () throws -> T) rethrows -> T {
        guard let utf8Locale else { return try body() }
        let previous = uselocale(utf8Locale)
        defer { uselocale(previous) }
        return try body()
    }

    func next() -> Next {
        if isDead { return .end }
        var entry: OpaquePointer? = nil
        let status = archive_read_next_header(handle, &entry)
        if status == ARCHIVE_EOF { return .end }
        if status == ARCHIVE_FATAL {
            isDead = true
            return .fatal(LibArchiveReader.errorString(handle))
        }
        guard let entry, status == ARCHIVE_OK || status == ARCHIVE_WARN else {
            return .failed(LibArchiveReader.errorString(handle))
        }
        var rawName: [UInt8] = []
        if let name = archive_entry_pathname(entry) ?? archive_entry_pathname_utf8(entry) {
            rawName = Array(UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self),
                                                count: strlen(name)))
        }
        let hardLink = archive_entry_hardlink(entry)
        let symLink = archive_entry_symlink(entry)
        let target = (symLink ?? hardLink).map { String(cString: $0) }
        return .entry(Header(
            rawName: rawName,
            fileType: UInt32(archive_entry_filetype(entry)),
            declaredSize: archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil,
            isEncrypted: archive_entry_is_encrypted(entry) != 0,
            linkTarget: target,
            isHardLink: hardLink != nil,
            warning: status == ARCHIVE_WARN ? LibArchiveReader.errorString(handle) : nil))
    }

    /// Decompressed bytes of the current entry; 0 at its end. Throws the library's message.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = archive_read_data(handle, buffer.baseAddress, buffer.count)
        if n >= 0 { return n }
        if n == Int(ARCHIVE_FATAL) { isDead = true }
        throw ReaderOpenError(message: LibArchiveReader.errorString(handle))
    }

    private static func errorString(_ handle: OpaquePointer) -> String {
        if let message = archive_error_string(handle) { return String(cString: message) }
        return "libarchive error \(archive_errno(handle))"
    }

    nonisolated(unsafe) static let utf8Locale: locale_t? = {
        newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) ?? newlocale(LC_CTYPE_MASK, "C.utf8", nil)
    }()
}

struct ReaderOpenError: Error { var message: String }

/// A zip as libarchive should see it after the directory pre-scan refused entries: the real
/// file up to its central directory, then a rewritten directory and end records from memory.
final class VirtualZipSource {
    let fd: Int32
    let prefix: UInt64
    let tail: [UInt8]
    var position: UInt64 = 0
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: LibArchiveReader.blockBytes, alignment: 16)
    var size: UInt64 { prefix + UInt64(tail.count) }

    init(fd: Int32, prefix: UInt64, tail: [UInt8]) { self.fd = fd; self.prefix = prefix; self.tail = tail }
    deinit { buffer.deallocate() }

    func read(_ out: UnsafeMutablePointer<UnsafeRawPointer?>?) -> la_ssize_t {
        let want = Int(min(UInt64(LibArchiveReader.blockBytes), size - min(position, size)))
        guard want > 0 else { out?.pointee = UnsafeRawPointer(buffer); return 0 }
        var produced = 0
        if position < prefix {
            let fromFile = Int(min(UInt64(want), prefix - position))
            while produced < fromFile {
                let n = pread(fd, buffer + produced, fromFile - produced, off_t(position) + off_t(produced))
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return -1 }
                if n == 0 { break }
                produced += n
            }
            if produced < fromFile {    // the file shrank under us: stop at what exists
                position += UInt64(produced)
                out?.pointee = UnsafeRawPointer(buffer)
                return produced
            }
        } else {
            let start = Int(position - prefix)
            tail.withUnsafeBytes { (buffer + 0).copyMemory(from: $0.baseAddress! + start, byteCount: want) }
            produced = want
        }
        position += UInt64(produced)
        out?.pointee = UnsafeRawPointer(buffer)
        return produced
    }

    func seek(_ offset: la_int64_t, _ whence: Int32) -> la_int64_t {
        let base: Int64
        switch whence {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = Int64(position)
        case SEEK_END: base = Int64(size)
        default: return Int64(ARCHIVE_FATAL)
        }
        let target = base + offset
        guard target >= 0 else { return Int64(ARCHIVE_FATAL) }
        position = UInt64(target)
        return target
    }

    func skip(_ request: la_int64_t) -> la_int64_t {
        let available = Int64(size) - Int64(min(position, size))
        let step = max(0, min(request, available))
        position += UInt64(step)
        return step
    }
}
