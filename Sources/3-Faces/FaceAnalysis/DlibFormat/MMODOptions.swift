// mmod_options: the settings of dlib's loss_mmod_ layer (dlib/dnn/loss.h:1209-1258) plus the
// input pyramid's parameters, everything the detector's pre- and post-processing needs.
//
// FILE FORMAT (after the string "loss_mmod_"):
//   int version (1...4)
//   v1:  ulong window width, ulong window height (one window, no label)
//   v2+: vector<detector_window_details>: each int version, ulong width, ulong height,
//        [string label (details version 2)]
//   double loss_per_false_alarm, double loss_per_missed_target, double truth_match_iou_threshold
//   test_box_overlap overlaps_nms:    double iou_thresh, double percent_covered_thresh
//   test_box_overlap overlaps_ignore: double iou_thresh, double percent_covered_thresh
//   v3+: uint8 assume_image_pyramid;  v4: bool use_bounding_box_regression, double bbr_lambda
import Foundation

/// What the MMOD detector's pre/post-processing needs from mmod_human_face_detector.dat.
public struct MMODOptions: Sendable {
    /// One sliding window shape of the detector (the face file has one: 80 x 80).
    public struct DetectorWindow: Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var label: String
        public init(width: Int, height: Int, label: String = "") {
            self.width = width; self.height = height; self.label = label
        }
    }

    /// The detector windows, in tensor pixels; a positive score cell becomes a box this size
    /// centred on the cell's input position (`centered_drect(p, width, height)`).
    public var windows: [DetectorWindow]
    /// NMS: a candidate is dropped when intersection / area(bounding box of both) exceeds this
    /// against an already kept box (dlib's test_box_overlap, "outer" = bounding box, not union).
    public var nmsIoU: Double
    /// NMS: ... or when the intersection covers more than this fraction of either box (1.0: never).
    public var nmsPercentCovered: Double
    /// Only for training; kept for completeness.
    public var ignoreIoU: Double
    public var ignorePercentCovered: Double
    /// Mean colour subtracted from each channel before dividing by 256 (input_rgb_image_pyramid).
    public var averageRGB: (red: Float, green: Float, blue: Float)
    /// Rows/cols between pyramid levels inside the tiled input tensor (dlib default 10).
    public var pyramidPadding: Int
    /// Border around the whole tiled tensor (dlib default 11).
    public var pyramidOuterPadding: Int
    /// The pyramid is `pyramid_down<N>`: each level is floor((N-1)/N * size) of the previous one.
    public var pyramidDownFactor: Int
    /// Output cell (c, r) sits at input tensor position (scale*c + offset, scale*r + offset):
    /// composed from every conv's `p*stride - pad + k/2` (8 and 14 for the face detector).
    public var outputToInput: (scale: Int, offset: Int)
    /// Cells scoring above this become candidates (the Python binding uses 0).
    public var adjustThreshold: Float
    /// mmod_options version 3+: assume the input is an image pyramid (always true for v1).
    public var assumeImagePyramid: Bool
    public var useBoundingBoxRegression: Bool

    public init(windows: [DetectorWindow], nmsIoU: Double, nmsPercentCovered: Double,
                ignoreIoU: Double = 0.5, ignorePercentCovered: Double = 1,
                averageRGB: (red: Float, green: Float, blue: Float) = (122.782, 117.001, 104.298),
                pyramidPadding: Int = 10, pyramidOuterPadding: Int = 11, pyramidDownFactor: Int = 6,
                outputToInput: (scale: Int, offset: Int) = (8, 14), adjustThreshold: Float = 0,
                assumeImagePyramid: Bool = true, useBoundingBoxRegression: Bool = false) {
        self.windows = windows
        self.nmsIoU = nmsIoU; self.nmsPercentCovered = nmsPercentCovered
        self.ignoreIoU = ignoreIoU; self.ignorePercentCovered = ignorePercentCovered
        self.averageRGB = averageRGB
        self.pyramidPadding = pyramidPadding; self.pyramidOuterPadding = pyramidOuterPadding
        self.pyramidDownFactor = pyramidDownFactor
        self.outputToInput = outputToInput
        self.adjustThreshold = adjustThreshold
        self.assumeImagePyramid = assumeImagePyramid
        self.useBoundingBoxRegression = useBoundingBoxRegression
    }

    static func read(_ r: inout DlibReader) throws -> MMODOptions {
        _ = try r.expectString(["loss_mmod_"], "loss layer")
        let versionAt = r.offset
        let version = try r.integer("mmod_options version")
        guard (1...4).contains(version) else { throw r.error("mmod_options version: expected 1...4, found \(version)", at: versionAt) }
        var windows: [DetectorWindow] = []
        if version == 1 {
            windows.append(DetectorWindow(width: try r.integer("detector width"), height: try r.integer("detector height")))
        } else {
            let count = try r.count("number of detector windows", minimumItemBytes: 6)
            for _ in 0..<count {
                let detailsVersion = try r.integer("detector window version")
                guard (1...2).contains(detailsVersion) else { throw r.error("detector window version \(detailsVersion) unknown") }
                let w = try r.integer("detector width"), h = try r.integer("detector height")
                let label = detailsVersion == 2 ? try r.string("detector label") : ""
                windows.append(DetectorWindow(width: w, height: h, label: label))
            }
        }
        guard !windows.isEmpty, windows.allSatisfy({ (1...10_000).contains($0.width) && (1...10_000).contains($0.height) }) else {
            throw r.error("detector windows \(windows.map { "\($0.width)x\($0.height)" }) invalid", at: versionAt)
        }
        _ = try r.double("loss_per_false_alarm")
        _ = try r.double("loss_per_missed_target")
        _ = try r.double("truth_match_iou_threshold")
        let nmsAt = r.offset
        let nmsIoU = try r.double("overlaps_nms iou"), nmsCovered = try r.double("overlaps_nms percent covered")
        guard (0...1).contains(nmsIoU), (0...1).contains(nmsCovered) else {
            throw r.error("overlaps_nms (\(nmsIoU), \(nmsCovered)) outside 0...1", at: nmsAt)
        }
        let ignoreIoU = try r.double("overlaps_ignore iou"), ignoreCovered = try r.double("overlaps_ignore percent covered")
        var assumePyramid = true, bbr = false
        if version >= 3 { assumePyramid = try r.byte() != 0 }
        if version >= 4 {
            bbr = try r.bool("use_bounding_box_regression")
            _ = try r.double("bbr_lambda")
        }
        return MMODOptions(windows: windows, nmsIoU: nmsIoU, nmsPercentCovered: nmsCovered,
                           ignoreIoU: ignoreIoU, ignorePercentCovered: ignoreCovered,
                           assumeImagePyramid: assumePyramid, useBoundingBoxRegression: bbr)
    }
}
