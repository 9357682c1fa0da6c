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

    static let typeMask: UInt32 = 0o170000
    static let regular: UInt32 = 0o100000
    static let directory: UInt32 = 0o040000
    static let symlink: UInt32 = 0o120000

    private let handle: OpaquePointer
    private let fd: Int32
    private(set) var isDead = false

    init(url: URL, format: Format) throws {
        fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ReaderOpenError(message: String(cString: strerror(errno))) }
        guard let handle = archive_read_new() else {
            close(fd)
            throw ReaderOpenError(message: "libarchive could not allocate a reader")
        }
        self.handle = handle
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
        if archive_read_open_fd(handle, fd, LibArchiveReader.blockBytes) != ARCHIVE_OK {
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
