import ExposureModel

/// dlib's `pyramid_up(img, pyramid_down<2>)` and the matching `rect_down`, as the Python binding
/// `cnn_face_detection_model_v1(img, upsample_num_times)` uses them [tools/python/src/cnn_face_detector.cpp;
/// dlib/image_transforms/interpolation.h:1548-1578; image_pyramid.h].
public enum PyramidUp {
    /// Size of the upsampled image: the image rectangle's corners go through
    /// `point_up(p) = (p + (1.25, 0.75)) * 2` and `lround`, so H x W becomes (2H + 1) x (2W + 2).
    public static func upsampledSize(rows: Int, cols: Int) -> (rows: Int, cols: Int) {
        let right = lroundHalfAway((Double(cols - 1) + 1.25) * 2)
        let bottom = lroundHalfAway((Double(rows - 1) + 0.75) * 2)
        return (bottom + 1, right + 1)
    }

    /// The image stretched to `upsampledSize` with dlib's bilinear `resize_image` (channels truncated).
    public static func upsample(_ image: RGBImage) -> RGBImage {
        let size = upsampledSize(rows: image.height, cols: image.width)
        return BilinearResize.resize(image, rows: size.rows, cols: size.cols)
    }

    /// `pyramid_down<2>::rect_down(rect, levels)`: each corner goes through `p / 2 - (1.25, 0.75)`
    /// `levels` times in double, then is rounded once.
    public static func rectangleDown(_ rect: DlibRectangle, levels: Int) -> DlibRectangle {
        var r = DoubleRectangle(left: Double(rect.left), top: Double(rect.top),
                                right: Double(rect.right), bottom: Double(rect.bottom))
        for _ in 0..<levels {
            r = DoubleRectangle(left: r.left / 2 - 1.25, top: r.top / 2 - 0.75,
                                right: r.right / 2 - 1.25, bottom: r.bottom / 2 - 0.75)
        }
        return r.rounded
    }
}
