// Parser for dlib DNN files: dlib_face_recognition_resnet_model_v1.dat and
// mmod_human_face_detector.dat (primitives: see DlibReader.swift). Walks the file against
// a DlibArchitecture (DlibArchitecture.swift), checking every record, and returns the
// layers as a DlibNetwork (DlibNetwork.swift) with the loss and input records.
//
// FILE FORMAT (dlib/dnn/core.h). A network is a nested C++ type
// `loss<layer<layer<...<input>>>>`; every wrapper writes its version integer first,
// then its sub-network, then its own fields. So a file holds:
//
//   1. add_loss_layer: int 1, the loss record (loss_metric_2 / loss_mmod_ + mmod_options),
//   2. one version integer per wrapper, outermost to innermost:
//        add_layer 2, add_tag_layer 1, add_skip_layer 1 (tag ids and skip targets are
//        template parameters and are NOT in the file),
//   3. the innermost add_layer<L, input>: int 3, the input record, L's record,
//        3 bools, 3 empty tensors, uint sample_expansion_factor,
//   4. the record of every other add_layer in forward (input-first) order, each followed by
//        3 bools (ignored at inference) and 3 empty tensors (x_grad, cached_output, params_grad).
//
// Because the topology is not stored, the architecture is written down in
// DlibArchitecture.swift (`DlibArchitecture.faceResNet` / `.mmodDetector`, from dlib's C++
// typedefs) and the file is read against it: each record's version tag, filter count, kernel size, stride,
// padding and every tensor's shape must match what the architecture and the shape
// propagation imply, and the whole file must be consumed.
//
// Layer records (dlib/dnn/layers.h, input.h, loss.h):
//   con_4|5|6  tensor params (O*I*kh*kw weights then O biases), long O, long kh, kw,
//              int sy, sx, py, px, alias filters (O,I,kh,kw), alias biases (1,O,1,1),
//              4 doubles, [bool use_bias (con_5+)], [bool use_relu (con_6)]
//   affine_    tensor params [g(C), b(C)], alias g, alias b, int mode (0 = conv), [bool disabled (affine_2)]
//   bn_con2    tensor params [gamma, beta], alias, alias, tensors means, invstds,
//              running_means, running_variances, ulong, ulong, 4 doubles, double eps;
//              folded to affine as dlib does: g = gamma / sqrt(var + eps), b = beta - g * mean (float32)
//   relu_      nothing (relu_2: bool disabled)
//   max_pool_2 / avg_pool_2   long kh, kw, int sy, sx, py, px   (kh = kw = 0: whole plane)
//   add_prev_  nothing; adds the nearest tag below, zero-padding the smaller tensor
//   fc_2|3     ulong outputs, ulong inputs, tensor params, alias W (inputs,outputs), alias b,
//              int bias_mode (1 = no bias), 4 doubles, [bool use_bias (fc_3)]
//   input_rgb_image_sized     3 floats avg rgb, ulong nr, ulong nc
//   input_rgb_image_pyramid   3 floats avg rgb (pyramid2: + ulong padding, ulong outer padding)
//   loss_metric_2             float margin, float distance threshold
//   loss_mmod_                mmod_options (see MMODOptions.swift)
import Foundation
import NeuralNet

// MARK: - Parser

enum DlibNetworkParser {
    enum Loss { case metric(margin: Float, threshold: Float), mmod(MMODOptions) }
    enum Input {
        case sized(avg: (red: Float, green: Float, blue: Float), rows: Int, cols: Int)
        case pyramid(avg: (red: Float, green: Float, blue: Float), padding: Int, outer: Int)
    }
    struct Result {
        var network: DlibNetwork
        var loss: Loss
        var input: Input
        var outputToInput: (scale: Int, offset: Int)
    }

    /// Shape of the activation during the walk: channels always; rows/cols only when the
    /// input size is fixed (ResNet), used to check the final fc layer's input count.
    struct Shape { var channels: Int; var rows: Int?; var cols: Int? }

    static func parse(_ reader: inout DlibReader, architecture: DlibArchitecture,
                      inputShape: (rows: Int, cols: Int)?) throws -> Result {
        var state = State(reader: reader, inputShape: inputShape)
        defer { reader = state.reader }
        guard case .loss(let lossKind, let body) = architecture else { throw state.reader.error("architecture has no loss layer") }
        try state.reader.expectInteger(1, "add_loss_layer version")
        let loss: Loss
        switch lossKind {
        case .metric: loss = try readLossMetric(&state.reader)
        case .mmod: loss = .mmod(try MMODOptions.read(&state.reader))
        }
        try state.walk(body)
        guard state.reader.isAtEnd else {
            throw state.reader.error("expected end of file after the last layer, \(state.reader.remaining) bytes left (wrong model file?)")
        }
        guard let input = state.input else { throw state.reader.error("no input layer") }
        // Map an output cell to input tensor coordinates: every conv applies p*s - pad + k/2.
        var scale = 1, offset = 0
        for layer in state.layers.reversed() {
            if case .conv(let p) = layer {
                offset = offset * p.strideX + (-p.padX + p.kw / 2)
                scale *= p.strideX
            }
        }
        // composed outermost first: p_in = ((q*s_n + o_n)*s_{n-1} + o_{n-1}) ...
        return Result(network: DlibNetwork(layers: state.layers, inputChannels: 3), loss: loss, input: input,
                      outputToInput: (scale, offset))
    }

    static func readLossMetric(_ r: inout DlibReader) throws -> Loss {
        let version = try r.expectString(["loss_metric_", "loss_metric_2"], "loss layer")
        if version == "loss_metric_" { return .metric(margin: 0.1, threshold: 0.75) }
        let margin = try r.float("loss_metric margin")
        let threshold = try r.float("loss_metric distance threshold")
        guard threshold.isFinite, threshold > 0 else { throw r.error("loss_metric distance threshold \(threshold) is not positive") }
        return .metric(margin: margin, threshold: threshold)
    }

    struct State {
        var reader: DlibReader
        let inputShape: (rows: Int, cols: Int)?
        var layers: [DlibLayer] = []
        var input: Input?
        var shape = Shape(channels: 3, rows: nil, cols: nil)
        var tagShapes: [Int: Shape] = [:]

        init(reader: DlibReader, inputShape: (rows: Int, cols: Int)?) {
            self.reader = reader
            self.inputShape = inputShape
            shape = Shape(channels: 3, rows: inputShape?.rows, cols: inputShape?.cols)
        }

        mutating func walk(_ node: DlibArchitecture) throws {
            switch node {
            case .loss: throw reader.error("nested loss layer in architecture")
            case .input: throw reader.error("input layer without an add_layer around it")
            case .tag(let id, let sub):
                try reader.expectInteger(1, "add_tag_layer<\(id)> version")
                try walk(sub)
                tagShapes[id] = shape
                layers.append(.tag(id))
            case .skip(let id, let sub):
                try reader.expectInteger(1, "add_skip_layer<tag\(id)> version")
                try walk(sub)
                guard let s = tagShapes[id] else { throw reader.error("skip to tag\(id) with no such tag below") }
                shape = s
                layers.append(.skip(id))
            case .layer(let kind, let sub):
                if case .input(let inputKind) = sub {
                    try reader.expectInteger(3, "innermost add_layer version")
                    try readInput(inputKind)
                    try readLayer(kind)
                    try skipTrainingState(innermost: true)
                } else {
                    try reader.expectInteger(2, "add_layer version")
                    try walk(sub)
                    try readLayer(kind)
                    try skipTrainingState(innermost: false)
                }
            }
        }

        /// 3 bools and the empty training tensors every add_layer stores after its record.
        mutating func skipTrainingState(innermost: Bool) throws {
            _ = try reader.bool("this_layer_setup_called")
            _ = try reader.bool("gradient_input_is_stale")
            _ = try reader.bool("get_output_and_gradient_input_disabled")
            try reader.emptyTensor("x_grad")
            try reader.emptyTensor("cached_output")
            if innermost {
                try reader.emptyTensor("grad_final")
                try reader.expectInteger(1, "sample_expansion_factor")
            } else {
                try reader.emptyTensor("params_grad")
            }
        }

        mutating func readInput(_ kind: DlibArchitecture.InputKind) throws {
            switch kind {
            case .rgbImageSized:
                _ = try reader.expectString(["input_rgb_image_sized"], "input layer")
                let avg = try readAverageRGB()
                let rowsAt = reader.offset
                let rows = try reader.integer("input rows"), cols = try reader.integer("input cols")
                if let s = inputShape, s.rows != rows || s.cols != cols {
                    throw reader.error("input size: expected \(s.rows)x\(s.cols), found \(rows)x\(cols)", at: rowsAt)
                }
                input = .sized(avg: avg, rows: rows, cols: cols)
            case .rgbImagePyramid:
                let version = try reader.expectString(["input_rgb_image_pyramid", "input_rgb_image_pyramid2"], "input layer")
                let avg = try readAverageRGB()
                var padding = 10, outer = 11   // dlib's defaults for the v1 record
                if version == "input_rgb_image_pyramid2" {
                    padding = try reader.integer("pyramid padding")
                    outer = try reader.integer("pyramid outer padding")
                    guard (0...10_000).contains(padding), (0...10_000).contains(outer) else {
                        throw reader.error("pyramid paddings \(padding), \(outer) out of range")
                    }
                }
                input = .pyramid(avg: avg, padding: padding, outer: outer)
            }
            shape = Shape(channels: 3, rows: inputShape?.rows, cols: inputShape?.cols)
        }

        mutating func readAverageRGB() throws -> (red: Float, green: Float, blue: Float) {
            let r = try reader.float("average red"), g = try reader.float("average green"), b = try reader.float("average blue")
            guard [r, g, b].allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 255 }) else {
                throw reader.error("input average colour (\(r), \(g), \(b)) outside 0...255")
            }
            return (r, g, b)
        }

        mutating func readLayer(_ kind: DlibArchitecture.LayerKind) throws {
            switch kind {
            case .con(let filters, let kernel, let stride): try readCon(filters: filters, kernel: kernel, stride: stride)
            case .affine: try readAffine()
            case .relu:
                let version = try reader.expectString(["relu_", "relu_2"], "relu layer")
                if version == "relu_2", try reader.bool("relu disabled") {
                    throw reader.error("relu layer is disabled; not supported")
                }
                layers.append(.relu)
            case .maxPool(let kernel, let stride): layers.append(.maxPool(try readPool("max_pool_2", kernel: kernel, stride: stride)))
            case .avgPool(let kernel, let stride): layers.append(.avgPool(try readPool("avg_pool_2", kernel: kernel, stride: stride)))
            case .addPrev(let tag):
                _ = try reader.expectString(["add_prev_"], "add_prev layer")
                guard let other = tagShapes[tag] else { throw reader.error("add_prev to tag\(tag) with no such tag below") }
                shape = Shape(channels: max(shape.channels, other.channels),
                              rows: zipMax(shape.rows, other.rows), cols: zipMax(shape.cols, other.cols))
                layers.append(.addPrev(tag: tag))
            case .fcNoBias(let outputs): try readFC(outputs: outputs)
            }
        }

        private func zipMax(_ a: Int?, _ b: Int?) -> Int? {
            guard let a, let b else { return nil }
            return max(a, b)
        }

        mutating func readCon(filters: Int, kernel: Int, stride: Int) throws {
            let start = reader.offset
            let version = try reader.expectString(["con_4", "con_5", "con_6"], "convolution layer (con_)")
            let inChannels = shape.channels
            let weightCount = filters * inChannels * kernel * kernel
            let paramsAt = reader.offset
            let params = try reader.tensor("con params")
            let fieldsAt = reader.offset
            let numFilters = try reader.integer("num_filters")
            let nr = try reader.integer("kernel rows"), nc = try reader.integer("kernel cols")
            let sy = try reader.integer("stride y"), sx = try reader.integer("stride x")
            let py = try reader.integer("padding y"), px = try reader.integer("padding x")
            let expectedPad = stride != 1 ? 0 : kernel / 2
            guard numFilters == filters, nr == kernel, nc == kernel, sy == stride, sx == stride, py == expectedPad, px == expectedPad else {
                throw reader.error("convolution: expected \(filters) filters \(kernel)x\(kernel) stride \(stride) padding \(expectedPad), found \(numFilters) filters \(nr)x\(nc) stride \(sy),\(sx) padding \(py),\(px)", at: fieldsAt)
            }
            let filtersAt = reader.offset
            try reader.check(try reader.aliasShape("filters"), equals: [filters, inChannels, kernel, kernel], "convolution filters", at: filtersAt)
            let biasAt = reader.offset
            try reader.check(try reader.aliasShape("biases"), equals: [1, filters, 1, 1], "convolution biases", at: biasAt)
            for name in ["learning_rate_multiplier", "weight_decay_multiplier", "bias_learning_rate_multiplier", "bias_weight_decay_multiplier"] {
                _ = try reader.double(name)
            }
            var useBias = true
            if version != "con_4" { useBias = try reader.bool("use_bias") }
            if version == "con_6", try reader.bool("use_relu") { throw reader.error("convolution with fused relu (con_6) not supported", at: start) }
            let expectedCount = weightCount + (useBias ? filters : 0)
            guard params.values.count == expectedCount else {
                throw reader.error("convolution params: expected \(expectedCount) values (\(filters)x\(inChannels)x\(kernel)x\(kernel) + \(useBias ? filters : 0) biases), found \(params.values.count) (shape \(params.shape))", at: paramsAt)
            }
            let weights = Array(params.values[0..<weightCount])
            let bias = useBias ? Array(params.values[weightCount...]) : []
            layers.append(.conv(ConvolutionParameters(outChannels: filters, inChannels: inChannels, kh: kernel, kw: kernel,
                                                      strideY: stride, strideX: stride, padY: expectedPad, padX: expectedPad,
                                                      weights: weights, bias: bias)))
            shape.channels = filters
            if let r = shape.rows { shape.rows = convolutionOutputSize(r, window: kernel, stride: stride, padding: expectedPad) }
            if let c = shape.cols { shape.cols = convolutionOutputSize(c, window: kernel, stride: stride, padding: expectedPad) }
        }

        mutating func readAffine() throws {
            let channels = shape.channels
            let version = try reader.expectString(["affine_", "affine_2", "bn_con2"], "affine or bn_con layer")
            let paramsAt = reader.offset
            let params = try reader.tensor("affine params")
            guard params.values.count == 2 * channels else {
                throw reader.error("\(version) params: expected \(2 * channels) values (gain and offset for \(channels) channels), found \(params.values.count)", at: paramsAt)
            }
            for name in ["gamma", "beta"] {
                let at = reader.offset
                try reader.check(try reader.aliasShape(name), equals: [1, channels, 1, 1], "\(version) \(name)", at: at)
            }
            var gamma = Array(params.values[0..<channels])
            var beta = Array(params.values[channels...])
            if version == "bn_con2" {
                _ = try reader.tensor("means")
                _ = try reader.tensor("invstds")
                let meansAt = reader.offset
                let means = try reader.tensor("running_means")
                let varsAt = reader.offset
                let variances = try reader.tensor("running_variances")
                try reader.check(means.shape, equals: [1, channels, 1, 1], "bn running_means", at: meansAt)
                try reader.check(variances.shape, equals: [1, channels, 1, 1], "bn running_variances", at: varsAt)
                _ = try reader.integer("num_updates")
                _ = try reader.integer("running_stats_window")
                for name in ["learning_rate_multiplier", "weight_decay_multiplier", "bias_learning_rate_multiplier", "bias_weight_decay_multiplier"] {
                    _ = try reader.double(name)
                }
                let eps = Float(try reader.double("eps"))
                guard eps.isFinite, eps >= 0 else { throw reader.error("bn eps \(eps) invalid") }
                // affine_(const bn_&): computed in float32 like dlib's matrix expressions.
                for c in 0..<channels {
                    let g = gamma[c] / (variances.values[c] + eps).squareRoot()
                    beta[c] = beta[c] - g * means.values[c]
                    gamma[c] = g
                }
            } else {
                let modeAt = reader.offset
                let mode = try reader.integer("affine mode")
                guard mode == 0 else { throw reader.error("affine mode: expected 0 (CONV), found \(mode)", at: modeAt) }
                if version == "affine_2", try reader.bool("affine disabled") { throw reader.error("disabled affine layer not supported") }
            }
            layers.append(.affine(gamma: gamma, beta: beta))
        }

        mutating func readPool(_ tagName: String, kernel: Int, stride: Int) throws -> PoolingParameters {
            _ = try reader.expectString([tagName], "pooling layer")
            let at = reader.offset
            let nr = try reader.integer("pool rows"), nc = try reader.integer("pool cols")
            let sy = try reader.integer("pool stride y"), sx = try reader.integer("pool stride x")
            let py = try reader.integer("pool padding y"), px = try reader.integer("pool padding x")
            let expectedPad = (stride != 1 || kernel == 0) ? 0 : kernel / 2
            guard nr == kernel, nc == kernel, sy == stride, sx == stride, py == expectedPad, px == expectedPad else {
                throw reader.error("\(tagName): expected \(kernel)x\(kernel) stride \(stride) padding \(expectedPad), found \(nr)x\(nc) stride \(sy),\(sx) padding \(py),\(px)", at: at)
            }
            if kernel == 0 {
                shape.rows = shape.rows.map { _ in 1 }; shape.cols = shape.cols.map { _ in 1 }
            } else {
                if let r = shape.rows { shape.rows = convolutionOutputSize(r, window: kernel, stride: stride, padding: expectedPad) }
                if let c = shape.cols { shape.cols = convolutionOutputSize(c, window: kernel, stride: stride, padding: expectedPad) }
            }
            return PoolingParameters(kh: kernel, kw: kernel, strideY: stride, strideX: stride, padY: expectedPad, padX: expectedPad)
        }

        mutating func readFC(outputs: Int) throws {
            let version = try reader.expectString(["fc_2", "fc_3"], "fully connected layer (fc_)")
            let at = reader.offset
            let numOutputs = try reader.integer("fc num_outputs"), numInputs = try reader.integer("fc num_inputs")
            let expectedInputs = shape.channels * (shape.rows ?? 1) * (shape.cols ?? 1)
            guard numOutputs == outputs, numInputs == expectedInputs else {
                throw reader.error("fc: expected \(expectedInputs) -> \(outputs), found \(numInputs) -> \(numOutputs)", at: at)
            }
            let paramsAt = reader.offset
            let params = try reader.tensor("fc params")
            guard params.values.count == numInputs * numOutputs else {
                throw reader.error("fc params: expected \(numInputs * numOutputs) values, found \(params.values.count)", at: paramsAt)
            }
            let wAt = reader.offset
            try reader.check(try reader.aliasShape("fc weights"), equals: [numInputs, numOutputs, 1, 1], "fc weights", at: wAt)
            _ = try reader.aliasShape("fc biases")
            let modeAt = reader.offset
            let biasMode = try reader.integer("fc bias_mode")
            guard biasMode == 1 else { throw reader.error("fc bias_mode: expected 1 (no bias), found \(biasMode)", at: modeAt) }
            for name in ["learning_rate_multiplier", "weight_decay_multiplier", "bias_learning_rate_multiplier", "bias_weight_decay_multiplier"] {
                _ = try reader.double(name)
            }
            if version == "fc_3", try reader.bool("fc use_bias") { throw reader.error("fc with bias not supported") }
            layers.append(.fullyConnected(weights: params.values, outputs: outputs))
            shape = Shape(channels: outputs, rows: shape.rows.map { _ in 1 }, cols: shape.cols.map { _ in 1 })
        }
    }
}
