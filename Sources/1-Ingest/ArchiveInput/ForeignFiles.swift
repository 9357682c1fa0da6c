// What an input that is not a zip, tar or folder is, said in words with the next step a person
// can take ("a RAR archive: … extract it first"), instead of its first bytes in hex. Recognised by
// its first bytes; the file name is used only when they say nothing (a damaged or unfinished
// download still named `.zip`). Called by `ExportArchive.recognise` and, for a compressed file
// that turns out to hold no tar, by the indexer.

/// The formats Exposure reads, for messages.
let readableFormats = "Exposure reads zip, tar and tar.gz exports (and folders)"

enum ForeignFile {
    /// Why `head` (the file's first bytes, up to 512) is not an export, and what to do.
    static func refusal(head: [UInt8], fileName: String) -> (kind: ArchiveIssue.Kind, reason: String) {
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && Array(head[offset..<(offset + magic.count)]) == magic
        }
        func archive(_ what: String) -> (ArchiveIssue.Kind, String) {
            (.unsupported, "\(what): \(readableFormats); extract it first or download the export again as zip")
        }
        func compressed(_ what: String, tool: String) -> (ArchiveIssue.Kind, String) {
            (.unsupported, "\(what): Exposure reads zip and tar exports, plain or compressed with gzip, bzip2, xz or zstd; decompress it first (\(tool)) and scan what is inside")
        }
        func photo(_ what: String) -> (ArchiveIssue.Kind, String) {
            (.notAnArchive, "\(what), not an export: to scan photos and videos that are not in an export, put them in a folder and scan the folder")
        }
        if head.isEmpty {
            return (.notAnArchive, "an empty file (0 bytes), not an export: the download may have failed; download the export again")
        }
        // Archives and compressors Exposure does not read.
        if starts(Array("Rar!".utf8) + [0x1a, 0x07]) { return archive("a RAR archive") }
        if starts([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) { return archive("a 7-Zip archive") }
        if starts([0x04, 0x22, 0x4d, 0x18]) { return compressed("an lz4-compressed file", tool: "unlz4") }
        if starts(Array("LZIP".utf8)) { return compressed("an lzip-compressed file", tool: "lzip -d") }
        if starts([0x1f, 0x9d]) { return compressed("a compress (.Z) file", tool: "uncompress") }
        // Files that are not archives at all.
        if starts([0xff, 0xd8, 0xff]) { return photo("a JPEG image") }
        if starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) { return photo("a PNG image") }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return photo("a GIF image") }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return photo("a WebP image") }
        if starts(Array("II*\u{0}".utf8)) || starts(Array("MM\u{0}*".utf8)) { return photo("a TIFF image") }
        if starts(Array("ftyp".utf8), at: 4), head.count >= 12 {
            let brand = String(decoding: head[8..<12], as: UTF8.self)
            if ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif"].contains(brand) {
                return photo(brand == "avif" ? "an AVIF image" : "a HEIC image")
            }
            return photo(brand.hasPrefix("qt") ? "a QuickTime (MOV) video" : "an MP4 video")
        }
        if starts(Array("%PDF-".utf8)) {
            return (.notAnArchive, "a PDF document, not an export: give the zip (or tar) file the platform's download page provides, or the folder it was extracted to")
        }
        let text = leadingText(head)
        if text.hasPrefix("<!doctype html") || text.hasPrefix("<html") || text.hasPrefix("<head") {
            return (.notAnArchive, "an HTML page, not an export (perhaps a download or sign-in page saved in place of the file): download the export itself, a zip, and scan that; an extracted export is scanned as its folder")
        }
        if looksLikeJSON(text) {
            return (.notAnArchive, "a JSON file, not an export: scan the whole export (its zip, or the folder it was extracted to), not one file from it")
        }
        let hex = head.prefix(4).map { hexByte($0) }.joined(separator: " ")
        let lower = fileName.lowercased()
        if let ext = [".zip", ".tar.gz", ".tgz", ".tar", ".gz"].first(where: { lower.hasSuffix($0) }) {
            return (.notAnArchive, "not a zip, tar or compressed tar archive, though named \(ext) (starts with \(hex)): the file may be damaged or not fully downloaded; download the export again")
        }
        if let ext = [".crdownload", ".part", ".partial", ".download"].first(where: { lower.hasSuffix($0) }) {
            return (.notAnArchive, "not a zip, tar or compressed tar archive (starts with \(hex)); its name ends in \(ext), an unfinished download: let the download finish, or download the export again")
        }
        return (.notAnArchive, "not a zip, tar or compressed tar archive (starts with \(hex)): \(readableFormats)")
    }

    /// The compressor a stream Exposure opens as a compressed tar starts with, if any.
    static func compressor(head: [UInt8]) -> (name: String, tool: String)? {
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head.prefix(magic.count)) == magic }
        if starts([0x1f, 0x8b]) { return ("gzip", "gunzip") }
        if starts(Array("BZh".utf8)) { return ("bzip2", "bunzip2") }
        if starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return ("xz", "unxz") }
        if starts([0x28, 0xb5, 0x2f, 0xfd]) { return ("zstd", "unzstd") }
        return nil
    }

    /// Why a compressed file yielded no tar entry, given libarchive's message: a single
    /// `photos.json.gz` or `export.zip.xz` (no tar inside), or, when its name says compressed tar,
    /// one damaged or cut off before its first entry. Nil when neither applies.
    static func compressedNonTar(_ compressor: (name: String, tool: String), fileName: String, message: String) -> String? {
        let lower = fileName.lowercased()
        if [".tgz", ".tar.gz", ".tbz", ".tbz2", ".tar.bz2", ".txz", ".tar.xz", ".tzst", ".tar.zst"].contains(where: { lower.hasSuffix($0) }) {
            return "named as a compressed tar, but no tar entry could be read from its \(compressor.name) stream (\(message)): the file may be damaged or not fully downloaded; download the export again"
        }
        guard message.contains(LibArchiveReader.unrecognisedFormat) else { return nil }
        let article = compressor.name == "xz" ? "an" : "a"
        return "\(article) \(compressor.name)-compressed file that holds no tar archive: \(readableFormats); decompress it first (\(compressor.tool)) and scan what is inside"
    }

    /// The first bytes as lower-case ASCII, after a UTF-8 byte-order mark and white space.
    private static func leadingText(_ head: [UInt8]) -> String {
        var bytes = head[...]
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { bytes = bytes.dropFirst(3) }
        bytes = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d }
        return String(decoding: bytes.prefix(64).map { $0 >= 0x41 && $0 <= 0x5a ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    /// `{` then a key or `}`, or `[` then a value or `]`.
    private static func looksLikeJSON(_ text: String) -> Bool {
        guard let first = text.first, first == "{" || first == "[" else { return false }
        guard let next = text.dropFirst().first(where: { !$0.isWhitespace }) else { return false }
        return first == "{" ? (next == "\"" || next == "}") : "{[\"]-0123456789tfn".contains(next)
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }
}
