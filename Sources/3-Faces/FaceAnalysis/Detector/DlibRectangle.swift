import ExposureModel

/// dlib's integer `rectangle`: inclusive corners, empty when `left > right` or `top > bottom`.
/// Width, height and area follow dlib (an empty rectangle has area 0), which the NMS rule and the
/// pyramid packing depend on.
public struct DlibRectangle: Hashable, Sendable, CustomStringConvertible {
    public var left: Int, top: Int, right: Int, bottom: Int

    public init(left: Int, top: Int, right: Int, bottom: Int) {
        self.left = left; self.top = top; self.right = right; self.bottom = bottom
    }

    public init(_ box: DetectedFace.Box) {
        self.init(left: box.left, top: box.top, right: box.right, bottom: box.bottom)
    }

    public var box: DetectedFace.Box { DetectedFace.Box(left: left, top: top, right: right, bottom: bottom) }
    public var isEmpty: Bool { top > bottom || left > right }
    public var width: Int { isEmpty ? 0 : right - left + 1 }
    public var height: Int { isEmpty ? 0 : bottom - top + 1 }
    public var area: Int { width * height }

    public func intersection(_ other: DlibRectangle) -> DlibRectangle {
        DlibRectangle(left: max(left, other.left), top: max(top, other.top),
                      right: min(right, other.right), bottom: min(bottom, other.bottom))
    }

    /// dlib's `rect + rect`: the smallest rectangle containing both (an empty operand is ignored).
    public func boundingUnion(_ other: DlibRectangle) -> DlibRectangle {
        if other.isEmpty { return self }
        if isEmpty { return other }
        return DlibRectangle(left: min(left, other.left), top: min(top, other.top),
                             right: max(right, other.right), bottom: max(bottom, other.bottom))
    }

    public func contains(x: Int, y: Int) -> Bool { left <= x && x <= right && top <= y && y <= bottom }

    public var description: String { "[(\(left), \(top)) (\(right), \(bottom))]" }
}

/// dlib's `drectangle`, used between the network output and the final rounding.
struct DoubleRectangle: Equatable {
    var left: Double, top: Double, right: Double, bottom: Double

    /// `drectangle -> rectangle`: `std::lround` on each corner (halves away from zero).
    var rounded: DlibRectangle {
        DlibRectangle(left: lroundHalfAway(left), top: lroundHalfAway(top),
                      right: lroundHalfAway(right), bottom: lroundHalfAway(bottom))
    }
}

/// C's `lround`: nearest integer, halves away from zero (Swift's `.toNearestOrAwayFromZero`).
@inline(__always) func lroundHalfAway(_ v: Double) -> Int {
    Int(v.rounded(.toNearestOrAwayFromZero))
}

/// dlib's `vector<double> -> point` conversion: `floor(v + 0.5)`.
@inline(__always) func floorHalfUp(_ v: Double) -> Int {
    Int((v + 0.5).rounded(.down))
}
