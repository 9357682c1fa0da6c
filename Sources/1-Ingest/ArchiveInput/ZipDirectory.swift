import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A read-only look at a zip's central directory, done in Swift before libarchive reads it,
/// for the checks libarchive does not make:
///
/// - overlapping entries (Fifield's non-recursive zip bomb points many directory records at
///   one compressed kernel): every entry's local header + data range must be disjoint from the
///   others and must end before the central directory starts;
/// - spanned archives (`.z01` + `.zip`, disk number != 0): refused, a different format;
/// - the directory's entry count, so entries that libarchive silently drops are reported.
///
/// Layout (APPNOTE.TXT 4.3): [local header 30 B + name + extra + data]… central directory
/// [46 B + name + extra + comment]… [zip64 EOCD 56 B, zip64 locator 20 B] EOCD 22 B + comment.
struct ZipDirectory {
    struct Record {
        var rawName: [UInt8]
        var flags: UInt16
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
        /// Where this record's bytes sit inside `directoryBytes`.
        var recordRange: Range<Int> = 0..<0
    }

    struct Rejection {
        var rawName: [UInt8]
        var kind: ArchiveIssue.Kind
        var reason: String
    }

    var records: [Record] = []
    var declaredEntryCount: UInt64 = 0
    var directoryOffset: UInt64 = 0
    var directoryBytes: [UInt8] = []
    /// Records libarchive must never see (damaged local header, overlapping data), by index.
    var rejected: [Int: Rejection] = [:]

    enum ScanResult {
        case ok(ZipDirectory)
        /// The directory cannot be used (missing, truncated, pointing outside the file);
        /// the caller falls back to reading local headers in order.
        case unusable(String)
        /// Not readable as a stand-alone archive at all.
        case refused(String)
    }

    static func scan(fd: Int32, fileSize: UInt64) -> ScanResult {
        let tailLength = Int(min(fileSize, 22 + 65_535))
        guard tailLength >= 22, let tail = readBytes(fd: fd, offset: fileSize - UInt64(tailLength), count: tailLength)
        else { return .unusable("file too short for an end-of-central-directory record") }
        var eocdIndex: Int? = nil
        var i = tail.count - 22
        while i >= 0 {
            if tail[i] == 0x50, tail[i + 1] == 0x4b, tail[i + 2] == 0x05, tail[i + 3] == 0x06 { eocdIndex = i; break }
            i -= 1
        }
        guard let eocd = eocdIndex else {
            return .unusable("no end-of-central-directory record (archive truncated?)")
        }
        let eocdOffset = fileSize - UInt64(tailLength) + UInt64(eocd)
        var disk = UInt64(le16(tail, eocd + 4)), cdDisk = UInt64(le16(tail, eocd + 6))
        var total = UInt64(le16(tail, eocd + 10))
        var cdSize = UInt64(le32(tail, eocd + 12)), cdOffset = UInt64(le32(tail, eocd + 16))
        var directoryEnd = eocdOffset

        if total == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF || disk == 0xFFFF {
            // Zip64: the locator sits just before the EOCD and points at the zip64 EOCD record.
            guard eocdOffset >= 20, let locator = readBytes(fd: fd, offset: eocdOffset - 20, count: 20),
                  locator[0] == 0x50, locator[1] == 0x4b, locator[2] == 0x06, locator[3] == 0x07
            else { return .unusable("zip64 end-of-central-directory locator missing") }
            let recordOffset = le64(locator, 8)
            guard recordOffset < eocdOffset, let record = readBytes(fd: fd, offset: recordOffset, count: 56),
                  record[0] == 0x50, record[1] == 0x4b, record[2] == 0x06, record[3] == 0x06
            else { return .unusable("zip64 end-of-central-directory record missing") }
            disk = UInt64(le32(record, 16)); cdDisk = UInt64(le32(record, 20))
            total = le64(record, 32); cdSize = le64(record, 40); cdOffset = le64(record, 48)
            directoryEnd = recordOffset
        }
        if disk != 0 || cdDisk != 0 {
            return .refused("one part of a spanned (multi-disk, .z01/.z02…) zip set; that format is not supported — join the parts with `zip -s 0` first")
        }
        guard cdOffset <= directoryEnd, cdSize <= directoryEnd - cdOffset else {
            return .unusable("central directory offset or size points outside the file")
        }
        // About 4 million entries' worth; a larger claim is not a real export.
        guard cdSize <= 512 << 20 else { return .unusable("central directory larger than 512 MiB") }
        guard let directory = readBytes(fd: fd, offset: cdOffset, count: Int(cdSize)) else {
            return .unusable("central directory unreadable")
        }
        var result = ZipDirectory()
        result.declaredEntryCount = total
        var p = 0
        while p + 46 <= directory.count {
            guard directory[p] == 0x50, directory[p + 1] == 0x4b, directory[p + 2] == 0x01, directory[p + 3] == 0x02
            else { return .unusable("central directory record \(result.records.count + 1) is corrupt") }
            let nameLength = Int(le16(directory, p + 28)), extraLength = Int(le16(directory, p + 30))
            let commentLength = Int(le16(directory, p + 32))
            let end = p + 46 + nameLength + extraLength + commentLength
            guard end <= directory.count else { return .unusable("central directory truncated") }
            var record = Record(rawName: Array(directory[(p + 46)..<(p + 46 + nameLength)]),
                                flags: le16(directory, p + 8),
                                compressedSize: UInt64(le32(directory, p + 20)),
                                uncompressedSize: UInt64(le32(directory, p + 24)),
                                localHeaderOffset: UInt64(le32(directory, p + 42)))
            applyZip64Extra(&record, directory, from: p + 46 + nameLength, length: extraLength)
            record.recordRange = p..<end
            result.records.append(record)
            p = end
        }
        result.directoryOffset = cdOffset
        result.directoryBytes = directory
        result.findOverlaps(fd: fd, fileSize: fileSize, directoryStart: cdOffset)
        return .ok(result)
    }

    /// Zip64 extended information (tag 0x0001) carries, in this order, only the fields whose
    /// 32-bit slot holds 0xFFFFFFFF.
    private static func applyZip64Extra(_ record: inout Record, _ bytes: [UInt8], from start: Int, length: Int) {
        var q = start
        let end = start + length
        while q + 4 <= end {
            let tag = le16(bytes, q), size = Int(le16(bytes, q + 2))
            let body = q + 4
            guard body + size <= end else { return }
            if tag == 0x0001 {
                var r = body
                func next() -> UInt64? {
                    guard r + 8 <= body + size else { return nil }
                    defer { r += 8 }
                    return le64(bytes, r)
                }
                if record.uncompressedSize == 0xFFFF_FFFF, let v = next() { record.uncompressedSize = v }
                if record.compressedSize == 0xFFFF_FFFF, let v = next() { record.compressedSize = v }
                if record.localHeaderOffset == 0xFFFF_FFFF, let v = next() { record.localHeaderOffset = v }
                return
            }
            q = body + size
        }
    }

    private mutating func findOverlaps(fd: Int32, fileSize: UInt64, directoryStart: UInt64) {
        struct Span { var start: UInt64; var end: UInt64; var index: Int }
        var spans: [Span] = []
        for (index, record) in records.enumerated() {
            let start = record.localHeaderOffset
            guard start < directoryStart, let header = ZipDirectory.readBytes(fd: fd, offset: start, count: 30),
                  header[0] == 0x50, header[1] == 0x4b, header[2] == 0x03, header[3] == 0x04
            else {
                rejected[index] = Rejection(rawName: record.rawName, kind: .corrupt,
                                            reason: "local header missing or damaged at the offset the central directory gives; skipped")
                continue
            }
            let dataStart = start + 30 + UInt64(ZipDirectory.le16(header, 26)) + UInt64(ZipDirectory.le16(header, 28))
            let (end, overflow) = dataStart.addingReportingOverflow(record.compressedSize)
            if overflow || end > directoryStart {
                rejected[index] = Rejection(rawName: record.rawName, kind: .overlap,
                                            reason: "rejected: entry data runs into the central directory (possible zip bomb)")
                continue
            }
            spans.append(Span(start: start, end: end, index: index))
        }
        spans.sort { $0.start < $1.start }
        var widest: Span? = nil
        for span in spans {
            if let previous = widest, span.start < previous.end {
                let other = String(decoding: records[previous.index].rawName, as: UTF8.self)
                let this = String(decoding: records[span.index].rawName, as: UTF8.self)
                rejected[span.index] = Rejection(rawName: records[span.index].rawName, kind: .overlap,
                                                 reason: "rejected: entry data overlaps entry '\(other)' (possible zip bomb)")
                rejected[previous.index] = Rejection(rawName: records[previous.index].rawName, kind: .overlap,
                                                     reason: "rejected: entry data overlaps entry '\(this)' (possible zip bomb)")
            }
            if widest == nil || span.end > widest!.end { widest = span }
        }
    }

    /// The end of the file as libarchive should see it when records are rejected: the kept
    /// directory records, then zip64 end records and a classic end record pointing at them.
    /// The bytes before `directoryOffset` (local headers and data) are the real file's.
    func rewrittenTail() -> [UInt8] {
        var tail: [UInt8] = []
        var kept: UInt64 = 0
        for (index, record) in records.enumerated() where rejected[index] == nil {
            tail += directoryBytes[record.recordRange]
            kept += 1
        }
        let size = UInt64(tail.count)
        let zip64Start = directoryOffset + size
        func le(_ value: UInt64, _ bytes: Int) { for i in 0..<bytes { tail.append(UInt8((value >> (8 * UInt64(i))) & 0xff)) } }
        le(0x0606_4b50, 4); le(44, 8); le(45, 2); le(45, 2); le(0, 4); le(0, 4)
        le(kept, 8); le(kept, 8); le(size, 8); le(directoryOffset, 8)
        le(0x0706_4b50, 4); le(0, 4); le(zip64Start, 8); le(1, 4)
        le(0x0605_4b50, 4); le(0, 2); le(0, 2); le(0xFFFF, 2); le(0xFFFF, 2)
        le(0xFFFF_FFFF, 4); le(0xFFFF_FFFF, 4); le(0, 2)
        return tail
    }

    static func readBytes(fd: Int32, offset: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, offset <= UInt64(Int64.max) else { return nil }
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return nil }
            done += n
        }
        return buffer
    }

    static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
    static func le64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32 }
}
