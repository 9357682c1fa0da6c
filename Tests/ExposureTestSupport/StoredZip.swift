import Foundation

/// A minimal zip writer (stored entries, UTF-8 names) for generated test exports.
public enum StoredZip {
    public static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~crc
    }

    /// The zip's bytes, entries in the order given (sorted by name for a dictionary).
    public static func data(_ files: [(String, Data)]) -> Data {
        var out = Data(), directory = Data()
        func le16(_ v: Int, _ d: inout Data) { d.append(contentsOf: [UInt8(v & 0xff), UInt8((v >> 8) & 0xff)]) }
        func le32(_ v: UInt32, _ d: inout Data) { for s in stride(from: 0, to: 32, by: 8) { d.append(UInt8((v >> UInt32(s)) & 0xff)) } }
        for (name, data) in files {
            let nameBytes = Data(name.utf8), crc = crc32(data), offset = UInt32(out.count)
            le32(0x0403_4b50, &out); le16(20, &out); le16(0x0800, &out); le16(0, &out); le16(0, &out); le16(0x21, &out)
            le32(crc, &out); le32(UInt32(data.count), &out); le32(UInt32(data.count), &out)
            le16(nameBytes.count, &out); le16(0, &out); out += nameBytes; out += data
            le32(0x0201_4b50, &directory); le16(20, &directory); le16(20, &directory); le16(0x0800, &directory); le16(0, &directory)
            le16(0, &directory); le16(0x21, &directory); le32(crc, &directory); le32(UInt32(data.count), &directory)
            le32(UInt32(data.count), &directory); le16(nameBytes.count, &directory); le16(0, &directory); le16(0, &directory)
            le16(0, &directory); le16(0, &directory); le32(0, &directory); le32(offset, &directory); directory += nameBytes
        }
        let directoryOffset = UInt32(out.count)
        out += directory
        le32(0x0605_4b50, &out); le16(0, &out); le16(0, &out); le16(files.count, &out); le16(files.count, &out)
        le32(UInt32(directory.count), &out); le32(directoryOffset, &out); le16(0, &out)
        return out
    }

    /// Writes `files` as a zip at `url`.
    @discardableResult
    public static func write(_ files: [String: Data], to url: URL) throws -> URL {
        try data(files.sorted { $0.key < $1.key }).write(to: url)
        return url
    }
}
