/// The operations the networks call. Each forwards to the fastest kernel available;
/// until a fast kernel lands for an op, it forwards to `ReferenceOps`.
/// Contract: results equal `ReferenceOps` up to float summation order.
public enum Ops {
    public static func conv2d(_ input: Tensor, _ p: ConvolutionParameters) -> Tensor { ReferenceOps.conv2d(input, p) }
    public static func affine(_ input: Tensor, gamma: [Float], beta: [Float]) -> Tensor { ReferenceOps.affine(input, gamma: gamma, beta: beta) }
    public static func relu(_ input: Tensor) -> Tensor { ReferenceOps.relu(input) }
    public static func maxPool(_ input: Tensor, _ p: PoolingParameters) -> Tensor { ReferenceOps.maxPool(input, p) }
    public static func avgPool(_ input: Tensor, _ p: PoolingParameters) -> Tensor { ReferenceOps.avgPool(input, p) }
    public static func addPrev(_ a: Tensor, _ b: Tensor) -> Tensor { ReferenceOps.addPrev(a, b) }
    public static func fullyConnected(_ input: Tensor, weights: [Float], outputs: Int) -> Tensor {
        ReferenceOps.fullyConnected(input, weights: weights, outputs: outputs)
    }
}
