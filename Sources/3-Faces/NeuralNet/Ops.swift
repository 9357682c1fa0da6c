/// The operations the networks call. Each forwards to the fast kernel in `Kernels/`;
/// `ReferenceOps` keeps the naive version of each one beside it.
/// Contract: results equal `ReferenceOps` up to float summation order (tested in NeuralNetTests).
///
/// For inference, build one `PackedConvolution` per conv layer at load time, fusing the
/// affine (and relu) that follows it, and call `conv2d(_:_:PackedConvolution)`:
///
///     // load time
///     let conv1 = PackedConvolution(p1, gamma: g1, beta: b1, relu: true)   // con -> affine -> relu
///     let convB = PackedConvolution(p2, gamma: g2, beta: b2)               // con -> affine
///     // ResNet block
///     let y = Ops.conv2d(Ops.conv2d(x, convA), convB)
///     x = Ops.addPrevRelu(y, shortcut)                                      // relu(add_prev)
///
/// `conv2d(_:_:ConvolutionParameters)` packs the weights on every call (fine for tests).
/// Threads: `Parallel.threadCount` (default: all cores; set it once at start-up, it is a plain
/// global). A batch (N > 1) runs one sample per worker; N == 1 splits the output positions
/// of large layers across workers. Calls may come from several threads at once.
public enum Ops {
    /// conv2d: (N, I, H, W) -> (N, O, Ho, Wo); packs the weights on each call.
    public static func conv2d(_ input: Tensor, _ p: ConvolutionParameters) -> Tensor {
        PackedConvolution(p).apply(input)
    }

    /// conv2d with pre-packed weights, plus the fused affine/relu the packing was built with.
    public static func conv2d(_ input: Tensor, _ packed: PackedConvolution) -> Tensor {
        packed.apply(input)
    }

    public static func affine(_ input: Tensor, gamma: [Float], beta: [Float]) -> Tensor {
        var out = input
        ElementwiseKernels.affine(&out, gamma: gamma, beta: beta, relu: false)
        return out
    }

    /// affine (CONV mode) in place, optionally followed by relu.
    public static func affineInPlace(_ t: inout Tensor, gamma: [Float], beta: [Float], relu: Bool = false) {
        ElementwiseKernels.affine(&t, gamma: gamma, beta: beta, relu: relu)
    }

    public static func relu(_ input: Tensor) -> Tensor {
        var out = input
        ElementwiseKernels.relu(&out)
        return out
    }

    public static func reluInPlace(_ t: inout Tensor) { ElementwiseKernels.relu(&t) }

    public static func maxPool(_ input: Tensor, _ p: PoolingParameters) -> Tensor {
        PoolingKernels.pool(input, p, .max)
    }

    public static func avgPool(_ input: Tensor, _ p: PoolingParameters) -> Tensor {
        PoolingKernels.pool(input, p, .average)
    }

    /// add_prev with dlib's zero-padding when shapes differ.
    public static func addPrev(_ a: Tensor, _ b: Tensor) -> Tensor {
        ElementwiseKernels.addPrev(a, b, relu: false)
    }

    /// relu(add_prev(a, b)) in one pass: the ResNet's block output.
    public static func addPrevRelu(_ a: Tensor, _ b: Tensor) -> Tensor {
        ElementwiseKernels.addPrev(a, b, relu: true)
    }

    /// fc without bias, W row-major [inputs][outputs] (dlib layout). Output (N, outputs, 1, 1).
    public static func fullyConnected(_ input: Tensor, weights: [Float], outputs: Int) -> Tensor {
        ElementwiseKernels.fullyConnected(input, weights: weights, outputs: outputs)
    }
}
