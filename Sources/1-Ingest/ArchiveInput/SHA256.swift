import CCrypto
import Foundation

/// Streaming SHA-256 over libcrypto. ArchiveInput is the only module linking libcrypto, so the
/// scan pipeline hashes media bytes with this while it streams them out of an archive.
///
///     var hasher = SHA256()
///     hasher.update(chunk)          // any number of times
///     let digest = hasher.finalize() // digest.hex == "e3b0c442…" for no input
public struct SHA256: @unchecked Sendable {
    private var context = SHA256_CTX()
    private var finished = false

    public init() { SHA256_Init(&context) }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "SHA256.update after finalize")
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        SHA256_Update(&context, base, bytes.count)
    }

    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of everything passed to `update`. The hasher cannot be updated afterwards.
    public mutating func finalize() -> SHA256Digest {
        precondition(!finished, "SHA256.finalize called twice")
        finished = true
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        SHA256_Final(&out, &context)
        return SHA256Digest(bytes: out)
    }

    /// One-shot hash of a buffer.
    public static func hash(_ data: Data) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(data)
        return hasher.finalize()
    }
}

/// A 32-byte SHA-256 digest.
public struct SHA256Digest: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "SHA-256 digests are 32 bytes")
        self.bytes = bytes
    }
    /// Lower-case hexadecimal, 64 characters.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
    public var description: String { hex }
}
