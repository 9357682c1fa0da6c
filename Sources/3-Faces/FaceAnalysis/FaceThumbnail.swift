import ExposureModel
import Foundation
import MediaMetadata

/// Small face crops for the report: the detector's box, clamped to the image, scaled to
/// at most 96 pixels a side, as a JPEG.
public enum FaceThumbnail {
    public static let side = 96

    public static func jpeg(of box: DetectedFace.Box, in image: RGBImage) -> Data? {
        let left = max(0, box.left), top = max(0, box.top)
        let right = min(image.width - 1, box.right), bottom = min(image.height - 1, box.bottom)
        guard right > left, bottom > top else { return nil }
        let w = right - left + 1, h = bottom - top + 1
        let scale = max(1, Double(max(w, h)) / Double(side))
        let ow = max(1, Int(Double(w) / scale)), oh = max(1, Int(Double(h) / scale))
        var pixels = [UInt8](repeating: 0, count: ow * oh * 3)
        for y in 0..<oh {
            let sy = top + min(h - 1, Int(Double(y) * scale))
            for x in 0..<ow {
                let sx = left + min(w - 1, Int(Double(x) * scale))
                let s = 3 * (sy * image.width + sx), d = 3 * (y * ow + x)
                pixels[d] = image.pixels[s]; pixels[d + 1] = image.pixels[s + 1]; pixels[d + 2] = image.pixels[s + 2]
            }
        }
        return try? ImageEncoder.jpeg(RGBImage(width: ow, height: oh, pixels: pixels), quality: 80)
    }
}
