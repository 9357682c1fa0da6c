import Foundation

/// What the linkage step knows of a picture's look (MediaMetadata.PerceptualHash makes it,
/// ExposureAnalysis.NearDuplicates compares it): 64-bit DCT hashes of the whole picture and of
/// `windows`, to find candidates, and a small luma grid, to confirm them.
public struct PerceptualFingerprint: Codable, Hashable, Sendable {
    /// The whole picture's hash first, then one per window, in `windows` order.
    public var hashes: [UInt64]
    /// The upright picture's luma (Rec. 601), area-averaged to `gridSide` x `gridSide`, row-major.
    public var grid: [UInt8]

    public static let gridSide = 32

    public init(hashes: [UInt64], grid: [UInt8]) { self.hashes = hashes; self.grid = grid }

    /// A sub-rectangle of the picture in fractions of its width and height.
    public struct Window: Hashable, Sendable {
        public var x: Double, y: Double, width: Double, height: Double
        public init(x: Double, y: Double, width: Double, height: Double) {
            self.x = x; self.y = y; self.width = width; self.height = height
        }
        public static let whole = Window(x: 0, y: 0, width: 1, height: 1)
    }

    /// Window sizes (fraction of each side) hashed besides the whole picture.
    public static let windowScales: [Double] = [0.92, 0.85]

    /// Slot 0 is the whole picture; then, per window scale, the 3x3 grid of positions from the
    /// top-left corner to the bottom-right one, row by row. A crop that keeps 85% or more of each
    /// side lies within a few percent of one of them.
    public static let windows: [Window] = {
        var out: [Window] = [.whole]
        for scale in windowScales {
            for k in 0..<9 {
                let slack: Double = 1 - scale
                out.append(Window(x: slack * Double(k % 3) / 2, y: slack * Double(k / 3) / 2, width: scale, height: scale))
            }
        }
        return out
    }()

    /// Stored form: the hash count (1 byte), the hashes (8 bytes each, little-endian), the grid.
    public var data: Data {
        var out = Data([UInt8(hashes.count)])
        for h in hashes { withUnsafeBytes(of: h.littleEndian) { out.append(contentsOf: $0) } }
        out.append(contentsOf: grid)
        return out
    }

    public init?(data: Data) {
        let bytes = [UInt8](data)
        guard let count = bytes.first.map(Int.init), bytes.count == 1 + 8 * count + Self.gridSide * Self.gridSide else { return nil }
        var hashes: [UInt64] = []
        for i in 0..<count {
            var h: UInt64 = 0
            for b in 0..<8 { h |= UInt64(bytes[1 + 8 * i + b]) << UInt64(8 * b) }
            hashes.append(h)
        }
        self.hashes = hashes
        grid = Array(bytes[(1 + 8 * count)...])
    }
}
