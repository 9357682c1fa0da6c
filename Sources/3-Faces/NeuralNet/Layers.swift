/// Parameters of one convolution: dlib's `con_` layer.
/// Weights are `[outChannels][inChannels][kh][kw]`; cross-correlation (no flip).
public struct ConvolutionParameters: Sendable {
    public var outChannels: Int
    public var inChannels: Int
    public var kh: Int
    public var kw: Int
    public var strideY: Int
    public var strideX: Int
    public var padY: Int
    public var padX: Int
    /// `outChannels * inChannels * kh * kw` values.
    public var weights: [Float]
    /// `outChannels` values, or empty for no bias.
    public var bias: [Float]

    public init(outChannels: Int, inChannels: Int, kh: Int, kw: Int,
                strideY: Int, strideX: Int, padY: Int, padX: Int,
                weights: [Float], bias: [Float]) {
        precondition(weights.count == outChannels * inChannels * kh * kw, "conv weights: \(weights.count) values")
        precondition(bias.isEmpty || bias.count == outChannels, "conv bias: \(bias.count) values")
        precondition(strideY > 0 && strideX > 0 && padY >= 0 && padX >= 0)
        self.outChannels = outChannels; self.inChannels = inChannels
        self.kh = kh; self.kw = kw
        self.strideY = strideY; self.strideX = strideX
        self.padY = padY; self.padX = padX
        self.weights = weights; self.bias = bias
    }

    public func outputShape(for input: Tensor) -> (h: Int, w: Int) {
        (convolutionOutputSize(input.h, window: kh, stride: strideY, padding: padY),
         convolutionOutputSize(input.w, window: kw, stride: strideX, padding: padX))
    }
}

/// A pooling window: dlib's `max_pool_` / `avg_pool_`. `kh == 0 && kw == 0` means the
/// whole plane (dlib's `avg_pool_everything`).
public struct PoolingParameters: Sendable, Equatable {
    public var kh: Int
    public var kw: Int
    public var strideY: Int
    public var strideX: Int
    public var padY: Int
    public var padX: Int

    public init(kh: Int, kw: Int, strideY: Int, strideX: Int, padY: Int, padX: Int) {
        self.kh = kh; self.kw = kw
        self.strideY = strideY; self.strideX = strideX
        self.padY = padY; self.padX = padX
    }

    public var isWholePlane: Bool { kh == 0 && kw == 0 }
}
