// The bits of dlib's geometry the face pipeline needs, with dlib's exact rounding
// (dlib-models.md §4): drectangle -> rectangle uses lround (halves away from zero),
// vector<double> -> point uses floor(v + 0.5).
import Foundation

/// A 2-D point in double precision.
struct DPoint: Equatable {
    var x: Double
    var y: Double
    init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

/// `x' = m * p + b` (dlib's point_transform_affine).
struct AffineTransform {
    var m00: Double, m01: Double, m10: Double, m11: Double
    var bx: Double, by: Double

    func apply(_ p: DPoint) -> DPoint {
        DPoint(m00 * p.x + m01 * p.y + bx, m10 * p.x + m11 * p.y + by)
    }

    /// The affine map taking (0,0), (1,0), (0,1)-style point triples exactly: maps `from[i]` to `to[i]`
    /// where from = (0,0), (w,0), (0,h). (dlib solves the same 3 points by pinv; this is the exact solution.)
    static func mapping(origin: DPoint, xAxisEnd: DPoint, yAxisEnd: DPoint, width: Double, height: Double) -> AffineTransform {
        AffineTransform(m00: (xAxisEnd.x - origin.x) / width, m01: (yAxisEnd.x - origin.x) / height,
                        m10: (xAxisEnd.y - origin.y) / width, m11: (yAxisEnd.y - origin.y) / height,
                        bx: origin.x, by: origin.y)
    }
}

/// dlib's find_similarity_transform (Umeyama). For 2-D the SVD solution has a closed form:
/// with the centred cross-covariance C, c·R = [[a, -b], [b, a]] / sigma_from where
/// a = C00 + C11 and b = C10 - C01; this holds with and without the reflection fix-up.
func findSimilarityTransform(from: [DPoint], to: [DPoint]) -> AffineTransform {
    let n = Double(from.count)
    var mfx = 0.0, mfy = 0.0, mtx = 0.0, mty = 0.0
    for i in 0..<from.count { mfx += from[i].x; mfy += from[i].y; mtx += to[i].x; mty += to[i].y }
    mfx /= n; mfy /= n; mtx /= n; mty /= n
    var sigma = 0.0, c00 = 0.0, c01 = 0.0, c10 = 0.0, c11 = 0.0
    for i in 0..<from.count {
        let fx = from[i].x - mfx, fy = from[i].y - mfy
        let tx = to[i].x - mtx, ty = to[i].y - mty
        sigma += fx * fx + fy * fy
        c00 += tx * fx; c01 += tx * fy; c10 += ty * fx; c11 += ty * fy
    }
    sigma /= n
    c00 /= n; c01 /= n; c10 /= n; c11 /= n
    var a = c00 + c11, b = c10 - c01
    if sigma != 0 { a /= sigma; b /= sigma } else {
        let norm = (a * a + b * b).squareRoot()
        if norm > 0 { a /= norm; b /= norm } else { a = 1; b = 0 }
    }
    return AffineTransform(m00: a, m01: -b, m10: b, m11: a,
                           bx: mtx - (a * mfx - b * mfy), by: mty - (b * mfx + a * mfy))
}

/// std::lround: halves away from zero.
@inline(__always) func dlibLround(_ v: Double) -> Int {
    Int((v < 0 ? -(-v + 0.5).rounded(.down) : (v + 0.5).rounded(.down)))
}

/// dlib::vector<double> -> point: floor(v + 0.5).
@inline(__always) func dlibRoundPoint(_ v: Double) -> Int { Int((v + 0.5).rounded(.down)) }

/// A dlib drectangle (inclusive edges in double).
struct DRect {
    var left: Double, top: Double, right: Double, bottom: Double

    /// (r - l + 1) * (b - t + 1), 0 when empty.
    var area: Double {
        if top > bottom || left > right { return 0 }
        return (right - left + 1) * (bottom - top + 1)
    }
    var center: DPoint { DPoint((left + right) / 2, (top + bottom) / 2) }

    /// pyramid_down<2>::rect_down: p/2 - (1.25, 0.75) on both corners.
    var down2: DRect { DRect(left: left / 2 - 1.25, top: top / 2 - 0.75, right: right / 2 - 1.25, bottom: bottom / 2 - 0.75) }
}

/// rotate_point(center, p, angle): x' = c*x - s*y, y' = s*x + c*y about `center`.
@inline(__always) func rotate(_ p: DPoint, about center: DPoint, angle: Double) -> DPoint {
    let s = sin(angle), c = cos(angle)
    let x = p.x - center.x, y = p.y - center.y
    return DPoint(c * x - s * y + center.x, s * x + c * y + center.y)
}
