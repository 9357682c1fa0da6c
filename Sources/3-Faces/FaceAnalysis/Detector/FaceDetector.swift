import ExposureModel
import NeuralNet

/// dlib's CNN (MMOD) face detector around a network: builds the tiled pyramid input, runs the
/// network once, turns positive cells of the score map into boxes, suppresses overlaps, and
/// reports boxes in the caller's image coordinates — what dlib's Python
/// `cnn_face_detection_model_v1(img, upsample_num_times)` returns.
public struct FaceDetector {
    public struct Detection: Hashable, Sendable {
        /// dlib's rectangle in pixels of the image passed to `detect`; may extend past its edges.
        public var box: DetectedFace.Box
        /// The raw score of the window (0 at the threshold; a clear face scores about 1).
        public var confidence: Float

        public init(box: DetectedFace.Box, confidence: Float) {
            self.box = box; self.confidence = confidence
        }
    }

    public let options: DetectorOptions
    /// Input (1, 3, rows, cols) tiled pyramid -> output (1, 1, rows', cols') score map.
    public let network: (Tensor) -> Tensor

    public init(options: DetectorOptions, network: @escaping (Tensor) -> Tensor) {
        self.options = options
        self.network = network
    }

    /// The detector for a loaded `mmod_human_face_detector.dat` (its `MMODDetectorModel.options`).
    public init(options: MMODOptions, network: @escaping (Tensor) -> Tensor) {
        precondition(options.windows.count == 1, "FaceDetector: \(options.windows.count) detector windows; only one is supported")
        var detectorOptions = options.detectorOptions
        detectorOptions.pyramidDownFactor = options.pyramidDownFactor
        self.init(options: detectorOptions, network: network)
    }

    /// Faces in `image`, highest confidence first. `upsample` doubles the image that many times
    /// with dlib's `pyramid_up` before detecting (finds faces down to about 40 px at 1, 20 px at 2;
    /// each step costs about 4x); boxes are mapped back to `image`'s coordinates.
    /// `levelStep` > 1 searches every `levelStep`-th pyramid level only (not dlib's behaviour:
    /// fewer scales, less work; see `DetectionPolicy` for what it costs in recall).
    public func detect(_ image: RGBImage, upsample: Int = 0, levelStep: Int = 1) -> [Detection] {
        precondition(upsample >= 0, "FaceDetector: negative upsample")
        guard image.width > 0, image.height > 0 else { return [] }
        var work = image
        for _ in 0..<upsample { work = PyramidUp.upsample(work) }
        let pyramid = inputPyramid(rows: work.height, cols: work.width, levelStep: levelStep)
        guard !pyramid.levels.isEmpty,
              min(pyramid.rows, pyramid.cols) >= options.minimumInputSize else { return [] }
        let input = pyramid.inputTensor(for: work, averageRed: options.averageRed,
                                        averageGreen: options.averageGreen, averageBlue: options.averageBlue)
        let scores = network(input)
        return detections(scores: scores, pyramid: pyramid).map { d in
            Detection(box: PyramidUp.rectangleDown(d.rect, levels: upsample).box, confidence: d.score)
        }
    }

    /// The tiled layout the detector uses for an image of this size.
    public func inputPyramid(rows: Int, cols: Int, levelStep: Int = 1) -> TiledPyramid {
        TiledPyramid(imageRows: rows, imageCols: cols, padding: options.pyramidPadding,
                     outerPadding: options.pyramidOuterPadding, downFactor: options.pyramidDownFactor,
                     levelStep: levelStep)
    }

    /// Score map -> boxes in the pyramid's level-0 image, after NMS (dlib's `loss_mmod_::to_label`).
    public func detections(scores: Tensor, pyramid: TiledPyramid) -> [(rect: DlibRectangle, score: Float)] {
        precondition(scores.n == 1 && scores.k >= 1, "FaceDetector: score map of shape \(scores.shape)")
        let halfWidth = Double(options.windowWidth - 1) / 2
        let halfHeight = Double(options.windowHeight - 1) / 2
        var candidates: [(rect: DlibRectangle, score: Float)] = []
        // Channel 0 is the only detector window; cells in raster order, as dlib scans them.
        for r in 0..<scores.h {
            for c in 0..<scores.w {
                let score = scores.data[r * scores.w + c]
                guard score > options.scoreThreshold else { continue }
                let x = Double(c * options.outputStride + options.outputOffset)
                let y = Double(r * options.outputStride + options.outputOffset)
                let window = DoubleRectangle(left: x - halfWidth, top: y - halfHeight,
                                             right: x + halfWidth, bottom: y + halfHeight)
                candidates.append((pyramid.imageRectangle(fromTensor: window), score))
            }
        }
        return NonMaxSuppression.suppress(candidates, iou: options.nmsIoU, percentCovered: options.nmsPercentCovered)
    }
}
