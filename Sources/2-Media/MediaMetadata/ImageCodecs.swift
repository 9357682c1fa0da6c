// Decoding and encoding pixels: the Swift face of the CImageCodecs shim.
//
// The shim owns every libjpeg/libpng call and its setjmp (Swift cannot call setjmp, and a
// longjmp across Swift frames skips releases); here we only pick the decoder by magic
// bytes, pass the limits down, turn status codes into `ImageDecodingError`, and apply
// EXIF orientation so callers always get the picture as a person sees it.
import CImageCodecs
import ExposureModel
import Foundation

/// Why bytes did not become pixels. Every case carries enough to tell the user what happened.
public enum ImageDecodingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The magic bytes match no image format we know.
    case unknownFormat
    /// A recognised format this build cannot decode (GIF, WebP, HEIC, video).
    case unsupportedFormat(String)
    /// The header declares more pixels than the caller allows; nothing was allocated.
    case tooLarge(width: Int, height: Int, limit: Int)
    /// The data stops before the picture does (a cut download, a truncated archive entry).
    case truncated(String)
    /// The library refused the data.
    case corrupt(String)
    /// Valid but not decodable here (12-bit or arithmetic-coded JPEG, ...).
    case unsupported(String)
    /// A progressive JPEG with more scans than any real encoder writes (a CPU-time bomb).
    case tooManyScans(String)
    case outOfMemory

    public var description: String {
        switch self {
        case .unknownFormat: return "unknown image format"
        case .unsupportedFormat(let f): return "no decoder for \(f)"
        case let .tooLarge(w, h, limit): return "image too large (\(w)x\(h) > \(limit) pixels)"
        case .truncated(let m): return "truncated: \(m)"
        case .corrupt(let m): return "corrupt: \(m)"
        case .unsupported(let m): return "unsupported: \(m)"
        case .tooManyScans(let m): return "rejected: \(m)"
        case .outOfMemory: return "out of memory"
        }
    }
}

public enum ImageDecoder {
    /// 100 megapixels: above any phone camera (a 108 MP sensor is bigger, and is refused
    /// unless the caller raises the cap), far below what a forged header can declare.
    public static let defaultMaxPixels = 100_000_000

    /// Decodes a JPEG, PNG, WebP (still) or HEIF/HEIC/AVIF (chosen by magic bytes, never by
    /// name) to upright 8-bit RGB. GIF and video are `.unsupportedFormat`.
    ///
    /// - Parameters:
    ///   - maxPixels: cap on the size the header declares (before scaling); checked before
    ///     any pixel buffer is allocated.
    ///   - scaleDenominator: 1, 2, 4 or 8. JPEGs are decoded at 1/n size by libjpeg-turbo's
    ///     DCT scaling (cheap: most of the IDCT is skipped); PNGs are decoded in full and then
    ///     box-downscaled so the result has the same size a JPEG would (same for WebP, HEIF).
    ///   - applyOrientation: rotate/flip by the EXIF orientation tag (JPEG APP1, PNG eXIf).
    public static func decode(_ data: Data, maxPixels: Int = defaultMaxPixels, scaleDenominator: Int = 1,
                              applyOrientation: Bool = true) throws -> RGBImage {
        guard [1, 2, 4, 8].contains(scaleDenominator) else {
            throw ImageDecodingError.unsupported("scale denominator \(scaleDenominator) (use 1, 2, 4 or 8)")
        }
        let format = MediaSniffer.format(of: data)
        var image: RGBImage
        switch format {
        case .jpeg:
            image = try decodeJPEG(data, maxPixels: maxPixels, scaleDenominator: scaleDenominator)
        case .png:
            image = try decodePNG(data, maxPixels: maxPixels)
            if scaleDenominator > 1 { image = ImageOps.boxDownscale(image, by: scaleDenominator) }
        case .webp, .heic, .avif:
            image = try decodeOther(data, format: format, maxPixels: maxPixels)
            if scaleDenominator > 1 { image = ImageOps.boxDownscale(image, by: scaleDenominator) }
        case .unknown:
            throw ImageDecodingError.unknownFormat
        default:
            throw ImageDecodingError.unsupportedFormat(format.rawValue)
        }
        if applyOrientation, appliesExifOrientation(format), let orientation = EmbeddedSegments.orientation(in: data, format: format) {
            image = ImageOps.applyOrientation(image, orientation)
        }
        return image
    }

    /// Decodes at the least reduction (1, 1/2, 1/4, 1/8) whose long side fits in `maxDimension`
    /// (1/8 when even that does not fit): the face pipeline's way to read a 24 Mpx photo at
    /// ~1000 pixels without paying for the full-size IDCT. JPEG scales in the decoder; other
    /// formats are decoded in full and box-downscaled.
    public static func decode(_ data: Data, maxDimension: Int, maxPixels: Int = defaultMaxPixels) throws -> RGBImage {
        let size = try headerSizeForScaling(data)
        let longSide = max(size.width, size.height)
        let denominator = [1, 2, 4, 8].first { (longSide + $0 - 1) / $0 <= maxDimension } ?? 8
        return try decode(data, maxPixels: maxPixels, scaleDenominator: denominator)
    }

    private static func headerSizeForScaling(_ data: Data) throws -> (width: Int, height: Int) {
        switch MediaSniffer.format(of: data) {
        case .jpeg, .png: return try headerSize(data)
        default: return (0, 0)  // WebP/HEIF: decoded in full, no reduction chosen
        }
    }

    /// EXIF orientation is applied to JPEG and PNG. HEIF pixels come out of libheif already
    /// turned by the container's irot/imir boxes (which take precedence over EXIF there);
    /// WebP viewers disagree on honouring EXIF orientation, so WebP is left as stored.
    public static func appliesExifOrientation(_ format: MediaFormat) -> Bool { format == .jpeg || format == .png }

    static func decodeOther(_ data: Data, format: MediaFormat, maxPixels: Int) throws -> RGBImage {
        var result = expo_image()
        let status = data.withUnsafeBytes { raw in
            let base = raw.bindMemory(to: UInt8.self).baseAddress
            return format == .webp ? expo_webp_decode(base, raw.count, Int64(maxPixels), &result)
                                   : expo_heif_decode(base, raw.count, Int64(maxPixels), &result)
        }
        return try takeImage(status, &result, maxPixels: maxPixels)
    }

    /// Declared pixel size from the header alone (no orientation applied, nothing decoded).
    public static func headerSize(_ data: Data) throws -> (width: Int, height: Int) {
        var info = expo_image()
        let status: expo_status = data.withUnsafeBytes { raw in
            let base = raw.bindMemory(to: UInt8.self).baseAddress
            switch MediaSniffer.format(of: data) {
            case .jpeg: return expo_jpeg_info(base, raw.count, &info)
            case .png: return expo_png_info(base, raw.count, &info)
            default: return EXPO_BAD_ARGUMENT
            }
        }
        if status == EXPO_BAD_ARGUMENT { throw ImageDecodingError.unknownFormat }
        try check(status, &info, maxPixels: Int.max)
        return (Int(info.source_width), Int(info.source_height))
    }

    static func decodeJPEG(_ data: Data, maxPixels: Int, scaleDenominator: Int) throws -> RGBImage {
        var result = expo_image()
        let status = data.withUnsafeBytes { raw in
            expo_jpeg_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, Int64(maxPixels),
                             Int32(scaleDenominator), &result)
        }
        return try takeImage(status, &result, maxPixels: maxPixels)
    }

    static func decodePNG(_ data: Data, maxPixels: Int) throws -> RGBImage {
        var result = expo_image()
        let status = data.withUnsafeBytes { raw in
            expo_png_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, Int64(maxPixels), &result)
        }
        return try takeImage(status, &result, maxPixels: maxPixels)
    }

    private static func takeImage(_ status: expo_status, _ result: inout expo_image, maxPixels: Int) throws -> RGBImage {
        defer { expo_free(result.pixels); result.pixels = nil }
        try check(status, &result, maxPixels: maxPixels)
        guard let pixels = result.pixels else { throw ImageDecodingError.corrupt("decoder returned no pixels") }
        let width = Int(result.width), height = Int(result.height)
        let buffer = [UInt8](UnsafeBufferPointer(start: pixels, count: width * height * 3))
        return RGBImage(width: width, height: height, pixels: buffer)
    }

    static func check(_ status: expo_status, _ result: inout expo_image, maxPixels: Int) throws {
        let message = withUnsafeBytes(of: &result.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        switch status {
        case EXPO_OK: return
        case EXPO_TOO_LARGE:
            throw ImageDecodingError.tooLarge(width: Int(result.source_width), height: Int(result.source_height), limit: maxPixels)
        case EXPO_TRUNCATED: throw ImageDecodingError.truncated(message)
        case EXPO_UNSUPPORTED: throw ImageDecodingError.unsupported(message)
        case EXPO_NO_MEMORY: throw ImageDecodingError.outOfMemory
        case EXPO_TOO_MANY_SCANS: throw ImageDecodingError.tooManyScans(message)
        default: throw ImageDecodingError.corrupt(message.isEmpty ? "undecodable" : message)
        }
    }
}

/// Encoders for tests and the demo generator (not used on the scan path).
public enum ImageEncoder {
    public struct EncodingError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Baseline (or progressive) JPEG with optional EXIF (APP1 payload starting "Exif\0\0",
    /// as `ExifWriter.app1Payload` builds it) and XMP (the packet text; the namespace header is added).
    public static func jpeg(_ image: RGBImage, quality: Int = 90, exif: Data? = nil, xmp: String? = nil,
                            progressive: Bool = false) throws -> Data {
        try jpeg(samples: image.pixels, width: image.width, height: image.height, components: 3,
                 quality: quality, exif: exif, xmp: xmp, progressive: progressive)
    }

    /// Raw-sample JPEG: components 1 (gray), 3 (RGB) or 4 (CMYK with an Adobe marker; pass
    /// Adobe-inverted values, 255 = no ink).
    public static func jpeg(samples: [UInt8], width: Int, height: Int, components: Int, quality: Int = 90,
                            exif: Data? = nil, xmp: String? = nil, progressive: Bool = false,
                            manyScans: Bool = false) throws -> Data {
        precondition(samples.count == width * height * components)
        let xmpPayload = xmp.map { Data(EmbeddedSegments.xmpNamespace.utf8) + Data([0]) + Data($0.utf8) }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: Int(EXPO_MESSAGE_CAPACITY))
        let options = expo_jpeg_options(quality: Int32(quality), progressive: progressive ? 1 : 0,
                                        components: Int32(components), write_jfif: exif == nil ? 1 : 0,
                                        many_scans: manyScans ? 1 : 0)
        let status = samples.withUnsafeBufferPointer { pixels in
            withOptionalBytes(exif) { exifBytes, exifCount in
                withOptionalBytes(xmpPayload) { xmpBytes, xmpCount in
                    expo_jpeg_encode(pixels.baseAddress, Int32(width), Int32(height), options, exifBytes, exifCount,
                                     xmpBytes, xmpCount, &out, &size, &message)
                }
            }
        }
        return try take(status, out, size, message)
    }

    public enum PNGColor: Int32 { case gray = 0, rgb = 2, palette = 3, grayAlpha = 4, rgba = 6 }

    /// PNG from raw samples in the layout libpng expects (16-bit big-endian; sub-byte depths
    /// one sample per byte). `exif` is raw TIFF (no "Exif\0\0"), stored as an eXIf chunk.
    public static func png(samples: [UInt8], width: Int, height: Int, color: PNGColor = .rgb, bitDepth: Int = 8,
                           interlaced: Bool = false, palette: [UInt8]? = nil, transparency: [UInt8]? = nil,
                           exif: Data? = nil, xmp: String? = nil) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: Int(EXPO_MESSAGE_CAPACITY))
        let paletteBytes = palette ?? [], trnsBytes = transparency ?? []
        let status = samples.withUnsafeBufferPointer { pixels in
            paletteBytes.withUnsafeBufferPointer { pal in
                trnsBytes.withUnsafeBufferPointer { trns in
                    withOptionalBytes(exif) { exifBytes, exifCount in
                        let options = expo_png_options(color_type: color.rawValue, bit_depth: Int32(bitDepth),
                                                       interlaced: interlaced ? 1 : 0,
                                                       palette: palette == nil ? nil : pal.baseAddress,
                                                       palette_count: Int32(paletteBytes.count / 3),
                                                       trns: transparency == nil ? nil : trns.baseAddress,
                                                       trns_count: Int32(trnsBytes.count))
                        if let xmp {
                            return expo_png_encode(pixels.baseAddress, Int32(width), Int32(height), options,
                                                   exifBytes, exifCount, xmp, &out, &size, &message)
                        }
                        return expo_png_encode(pixels.baseAddress, Int32(width), Int32(height), options,
                                               exifBytes, exifCount, nil, &out, &size, &message)
                    }
                }
            }
        }
        return try take(status, out, size, message)
    }

    public static func png(_ image: RGBImage, exif: Data? = nil, xmp: String? = nil) throws -> Data {
        try png(samples: image.pixels, width: image.width, height: image.height, exif: exif, xmp: xmp)
    }

    /// Lossless WebP (for tests).
    public static func webpLossless(_ image: RGBImage) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = image.pixels.withUnsafeBufferPointer {
            expo_webp_encode_lossless($0.baseAddress, Int32(image.width), Int32(image.height), &out, &size)
        }
        return try take(status, out, size, [0])
    }

    /// HEIF (HEVC via x265, or AVIF via aom, whichever this libheif can encode) with an
    /// optional EXIF block (raw TIFF, no "Exif\0\0"). For tests; throws when no encoder exists.
    public static func heif(_ image: RGBImage, quality: Int = 80, exif: Data? = nil) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: Int(EXPO_MESSAGE_CAPACITY))
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            withOptionalBytes(exif) { exifBytes, exifCount in
                expo_heif_encode(pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(quality),
                                 exifBytes, exifCount, &out, &size, &message)
            }
        }
        return try take(status, out, size, message)
    }

    private static func take(_ status: expo_status, _ out: UnsafeMutablePointer<UInt8>?, _ size: Int,
                             _ message: [CChar]) throws -> Data {
        defer { expo_free(out) }
        guard status == EXPO_OK, let out else {
            throw EncodingError(description: message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        return Data(bytes: out, count: size)
    }
}

private func withOptionalBytes<R>(_ data: Data?, _ body: (UnsafePointer<UInt8>?, Int) -> R) -> R {
    guard let data, !data.isEmpty else { return body(nil, 0) }
    return data.withUnsafeBytes { raw in body(raw.bindMemory(to: UInt8.self).baseAddress, raw.count) }
}
