// A loaded dlib network and the two public model types built from a file.
//   DlibLayer / DlibNetwork  the layers in forward order, compiled once into fused steps
//                            (weights packed, conv+affine+relu and add_prev+relu fused) and
//                            run with NeuralNet's Ops (ReferenceOps for tests)
//   FaceResNetModel          dlib_face_recognition_resnet_model_v1.dat
//   MMODDetectorModel        mmod_human_face_detector.dat
// Both models parse their file with DlibNetworkParser (DlibNetworkParser.swift).
import Foundation
import NeuralNet

// MARK: - The loaded network

/// One step of a loaded network, in forward order.
public enum DlibLayer: Sendable {
    case conv(ConvolutionParameters)
    /// Per-channel `x * gamma + beta` (dlib's affine_, or a bn_ folded into one).
    case affine(gamma: [Float], beta: [Float])
    case relu
    case maxPool(PoolingParameters)
    case avgPool(PoolingParameters)
    /// Remember the current tensor under this tag id.
    case tag(Int)
    /// Continue from the tensor most recently tagged with this id.
    case skip(Int)
    /// Add the tensor most recently tagged with this id (zero-padding add).
    case addPrev(tag: Int)
    /// Fully connected without bias; weights `[inputs][outputs]`.
    case fullyConnected(weights: [Float], outputs: Int)
}

/// A dlib network as a flat program of layers executed with `NeuralNet.Ops`.
public struct DlibNetwork: Sendable {
    /// The layers as loaded, in forward order.
    public let layers: [DlibLayer]
    /// Channels of the input tensor (3: R, G, B planes).
    public let inputChannels: Int
    /// `layers` compiled for execution: weights packed once, conv+affine+relu and add_prev+relu fused.
    let steps: [Step]

    enum Step: Sendable {
        case conv(PackedConvolution)
        case affine(gamma: [Float], beta: [Float], relu: Bool)
        case relu
        case maxPool(PoolingParameters)
        case avgPool(PoolingParameters)
        case tag(Int)
        case skip(Int)
        case addPrev(tag: Int, relu: Bool)
        case fullyConnected(weights: [Float], outputs: Int)
    }

    init(layers: [DlibLayer], inputChannels: Int) {
        self.layers = layers
        self.inputChannels = inputChannels
        var steps: [Step] = []
        var i = 0
        func isRelu(_ j: Int) -> Bool {
            if j < layers.count, case .relu = layers[j] { return true }
            return false
        }
        while i < layers.count {
            switch layers[i] {
            case .conv(let p):
                if i + 1 < layers.count, case .affine(let g, let b) = layers[i + 1] {
                    let relu = isRelu(i + 2)
                    steps.append(.conv(PackedConvolution(p, gamma: g, beta: b, relu: relu)))
                    i += relu ? 3 : 2
                } else {
                    let relu = isRelu(i + 1)
                    steps.append(.conv(PackedConvolution(p, relu: relu)))
                    i += relu ? 2 : 1
                }
                continue
            case .affine(let g, let b):
                let relu = isRelu(i + 1)
                steps.append(.affine(gamma: g, beta: b, relu: relu))
                i += relu ? 2 : 1
                continue
            case .addPrev(let tag):
                let relu = isRelu(i + 1)
                steps.append(.addPrev(tag: tag, relu: relu))
                i += relu ? 2 : 1
                continue
            case .relu: steps.append(.relu)
            case .maxPool(let p): steps.append(.maxPool(p))
            case .avgPool(let p): steps.append(.avgPool(p))
            case .tag(let id): steps.append(.tag(id))
            case .skip(let id): steps.append(.skip(id))
            case .fullyConnected(let w, let outputs): steps.append(.fullyConnected(weights: w, outputs: outputs))
            }
            i += 1
        }
        self.steps = steps
    }

    /// Runs the network: `x` is (N, 3, H, W) normalized input, result is the last layer's output.
    /// Samples of a batch are independent (dlib's CPU path also runs im2col per sample).
    public func forward(_ x: Tensor) -> Tensor {
        var current = x
        var tags: [Int: Tensor] = [:]
        for step in steps {
            switch step {
            case .conv(let p): current = Ops.conv2d(current, p)
            case .affine(let g, let b, let relu): Ops.affineInPlace(&current, gamma: g, beta: b, relu: relu)
            case .relu: Ops.reluInPlace(&current)
            case .maxPool(let p): current = Ops.maxPool(current, p)
            case .avgPool(let p): current = Ops.avgPool(current, p)
            case .tag(let id): tags[id] = current
            case .skip(let id): current = tags[id] ?? current
            case .addPrev(let id, let relu):
                if let other = tags[id] { current = relu ? Ops.addPrevRelu(current, other) : Ops.addPrev(current, other) }
            case .fullyConnected(let w, let outputs): current = Ops.fullyConnected(current, weights: w, outputs: outputs)
            }
        }
        return current
    }

    /// The same network run with `ReferenceOps` layer by layer, for tests.
    public func referenceForward(_ x: Tensor) -> Tensor {
        var current = x
        var tags: [Int: Tensor] = [:]
        for layer in layers {
            switch layer {
            case .conv(let p): current = ReferenceOps.conv2d(current, p)
            case .affine(let g, let b): current = ReferenceOps.affine(current, gamma: g, beta: b)
            case .relu: current = ReferenceOps.relu(current)
            case .maxPool(let p): current = ReferenceOps.maxPool(current, p)
            case .avgPool(let p): current = ReferenceOps.avgPool(current, p)
            case .tag(let id): tags[id] = current
            case .skip(let id): current = tags[id] ?? current
            case .addPrev(let id): if let other = tags[id] { current = ReferenceOps.addPrev(current, other) }
            case .fullyConnected(let w, let outputs): current = ReferenceOps.fullyConnected(current, weights: w, outputs: outputs)
            }
        }
        return current
    }

    /// Total number of parameters (weights, biases, affine gains and offsets).
    public var parameterCount: Int {
        layers.reduce(0) { total, layer in
            switch layer {
            case .conv(let p): return total + p.weights.count + p.bias.count
            case .affine(let g, let b): return total + g.count + b.count
            case .fullyConnected(let w, _): return total + w.count
            default: return total
            }
        }
    }
}

/// dlib_face_recognition_resnet_model_v1.dat, loaded.
public struct FaceResNetModel: Sendable {
    public let network: DlibNetwork
    /// Subtracted from each channel before dividing by 256 (input_rgb_image_sized).
    public let averageRGB: (red: Float, green: Float, blue: Float)
    /// Input chip size (150 x 150).
    public let inputRows: Int
    public let inputColumns: Int
    /// loss_metric_2's distance threshold (0.6): same person below it.
    public let distanceThreshold: Float

    public init(contentsOf url: URL) throws {
        var reader = try DlibReader(contentsOf: url)
        let parsed = try DlibNetworkParser.parse(&reader, architecture: .faceResNet, inputShape: (150, 150))
        guard case .metric(_, let threshold) = parsed.loss, case .sized(let avg, let rows, let cols) = parsed.input else {
            throw reader.error("not a face recognition ResNet")
        }
        network = parsed.network
        averageRGB = avg
        inputRows = rows; inputColumns = cols
        distanceThreshold = threshold
    }
}

/// mmod_human_face_detector.dat, loaded: the CNN and the options its pre/post-processing needs.
public struct MMODDetectorModel: Sendable {
    public let network: DlibNetwork
    public let options: MMODOptions

    public init(contentsOf url: URL) throws {
        var reader = try DlibReader(contentsOf: url)
        let parsed = try DlibNetworkParser.parse(&reader, architecture: .mmodDetector, inputShape: nil)
        guard case .mmod(var options) = parsed.loss, case .pyramid(let avg, let padding, let outer) = parsed.input else {
            throw reader.error("not an MMOD detector")
        }
        options.averageRGB = avg
        options.pyramidPadding = padding
        options.pyramidOuterPadding = outer
        options.outputToInput = parsed.outputToInput
        network = parsed.network
        self.options = options
    }
}
