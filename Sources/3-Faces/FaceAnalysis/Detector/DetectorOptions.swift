/// What the MMOD detector's post-processing needs to know about the network it runs.
///
/// The loader reads these from `mmod_human_face_detector.dat` (the `loss_mmod_` options and the
/// `input_rgb_image_pyramid` record); `FaceDetector` also accepts them directly so its pre- and
/// post-processing can be tested without a model file.
public struct DetectorOptions: Sendable, Equatable {
    /// The single detector window, in pixels of the tiled input tensor (80 x 80 for the face model).
    public var windowWidth: Int
    public var windowHeight: Int
    /// dlib's `overlaps_nms` test: drop a box whose intersection over the *bounding box* of the pair
    /// exceeds `nmsIoU`, or which covers more than `nmsPercentCovered` of either box.
    public var nmsIoU: Double
    public var nmsPercentCovered: Double
    /// Mean colour subtracted by the input layer before dividing by 256.
    public var averageRed: Float
    public var averageGreen: Float
    public var averageBlue: Float
    /// Rows/columns of mean colour between pyramid levels, and around the whole tiled image.
    public var pyramidPadding: Int
    public var pyramidOuterPadding: Int
    /// N of the input layer's `pyramid_down<N>` (6 for the face model).
    public var pyramidDownFactor: Int
    /// Output cell (r, c) looks at input pixel (stride * c + offset, stride * r + offset):
    /// dlib's `output_tensor_to_input_tensor` through the network's convolutions.
    public var outputStride: Int
    public var outputOffset: Int
    /// Scores must be strictly above this (dlib's `adjust_threshold`, 0 in the Python binding).
    public var scoreThreshold: Float
    /// Smallest tiled tensor side the network accepts: three 5x5 stride-2 convolutions need 29
    /// (dlib fails with "Filter windows must be small enough" below that). Smaller images find nothing.
    public var minimumInputSize: Int

    public init(windowWidth: Int, windowHeight: Int, nmsIoU: Double, nmsPercentCovered: Double,
                averageRed: Float, averageGreen: Float, averageBlue: Float,
                pyramidPadding: Int = 10, pyramidOuterPadding: Int = 11, pyramidDownFactor: Int = 6,
                outputStride: Int = 8, outputOffset: Int = 14, scoreThreshold: Float = 0,
                minimumInputSize: Int = 29) {
        precondition(windowWidth > 0 && windowHeight > 0 && pyramidPadding >= 0 && pyramidOuterPadding >= 0)
        precondition(outputStride > 0 && pyramidDownFactor >= 2)
        self.windowWidth = windowWidth; self.windowHeight = windowHeight
        self.nmsIoU = nmsIoU; self.nmsPercentCovered = nmsPercentCovered
        self.averageRed = averageRed; self.averageGreen = averageGreen; self.averageBlue = averageBlue
        self.pyramidPadding = pyramidPadding; self.pyramidOuterPadding = pyramidOuterPadding
        self.pyramidDownFactor = pyramidDownFactor
        self.minimumInputSize = minimumInputSize
        self.outputStride = outputStride; self.outputOffset = outputOffset
        self.scoreThreshold = scoreThreshold
    }

    /// Output-to-input mapping of a chain of convolutions, given input-first as (stride, padding, kernel):
    /// each layer maps p to `p * stride - padding + kernel / 2` (integer division), as dlib's visitor does.
    public static func outputMapping(convolutions: [(stride: Int, padding: Int, kernel: Int)]) -> (stride: Int, offset: Int) {
        var stride = 1, offset = 0
        for layer in convolutions.reversed() {
            // p_in = p_out * s + off, composed from the output inwards.
            stride *= layer.stride
            offset = offset * layer.stride - layer.padding + layer.kernel / 2
        }
        return (stride, offset)
    }

    /// The values stored in `mmod_human_face_detector.dat` (face_recognition_models 0.3.0),
    /// for tests that run the pre- and post-processing without the file.
    public static let humanFaceV1 = DetectorOptions(
        windowWidth: 80, windowHeight: 80, nmsIoU: 0.3382761351109955, nmsPercentCovered: 1.0,
        averageRed: 122.782, averageGreen: 117.001, averageBlue: 104.298)
}
