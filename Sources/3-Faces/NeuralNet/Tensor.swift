/// A dense float32 tensor in dlib's layout: `n` samples, `k` channels, `h` rows,
/// `w` columns (NCHW), row-major. dlib calls these num_samples, k, nr, nc.
public struct Tensor: Sendable, Equatable {
    public var n: Int
    public var k: Int
    public var h: Int
    public var w: Int
    /// `n * k * h * w` values; element (s, c, y, x) at `((s * k + c) * h + y) * w + x`.
    public var data: [Float]

    public init(n: Int = 1, k: Int, h: Int, w: Int, data: [Float]) {
        precondition(n >= 0 && k >= 0 && h >= 0 && w >= 0 && data.count == n * k * h * w,
                     "Tensor: \(data.count) values for shape \(n)x\(k)x\(h)x\(w)")
        self.n = n; self.k = k; self.h = h; self.w = w
        self.data = data
    }

    public init(n: Int = 1, k: Int, h: Int, w: Int, repeating value: Float = 0) {
        self.init(n: n, k: k, h: h, w: w, data: [Float](repeating: value, count: n * k * h * w))
    }

    public var count: Int { n * k * h * w }
    public var shape: [Int] { [n, k, h, w] }
    /// Values in one channel plane.
    public var planeSize: Int { h * w }

    @inlinable public func index(_ s: Int, _ c: Int, _ y: Int, _ x: Int) -> Int {
        ((s * k + c) * h + y) * w + x
    }

    @inlinable public subscript(s: Int, c: Int, y: Int, x: Int) -> Float {
        get { data[index(s, c, y, x)] }
        set { data[index(s, c, y, x)] = newValue }
    }
}

/// Output size of a convolution or pooling window along one axis, dlib's rule:
/// `1 + (size + 2 * padding - window) / stride`, or 0 when the window does not fit.
@inlinable public func convolutionOutputSize(_ size: Int, window: Int, stride: Int, padding: Int) -> Int {
    let span = size + 2 * padding - window
    return span < 0 ? 0 : 1 + span / stride
}
