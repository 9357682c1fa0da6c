// One call per file for the scan: what kind of media it is and what it says about itself.
//
// Cheap by design (the scan's speed-critical path): headers, the EXIF block and the XMP
// packet are read without decoding pixels. The only pixel work is the stale-thumbnail
// check, and only when an EXIF thumbnail exists: the thumbnail (~160x120) is decoded, and
// the main JPEG at 1/8 size (less reduction for small pictures) through libjpeg-turbo's
// DCT scaling.
import CImageCodecs
import ExposureModel
import Foundation

public struct MediaInspection: Sendable, Equatable {
    public var format: MediaFormat
    /// nil when neither bytes nor name say photo or video.
    public var kind: MediaKind?
    public var metadata: EmbeddedMetadata
    /// Why the file cannot be used (not media, corrupt header, too large, truncated); nil when fine.
    public var unreadableReason: String?
    /// Whether `ImageDecoder` can produce pixels for it (JPEG/PNG with a sane header).
    public var canDecodePixels: Bool
    /// Non-fatal oddities: an EXIF block libexif could not load, a malformed segment walk, ...
    public var warnings: [String]
    /// The picture's perceptual fingerprint (`Options.fingerprint`), for finding it re-posted.
    public var fingerprint: PerceptualFingerprint? = nil
    /// Seconds spent on it (its share of the reduced decode, the hashes).
    public var fingerprintSeconds: Double = 0

    public init(format: MediaFormat, kind: MediaKind?, metadata: EmbeddedMetadata = EmbeddedMetadata(),
                unreadableReason: String? = nil, canDecodePixels: Bool = false, warnings: [String] = []) {
        self.format = format; self.kind = kind; self.metadata = metadata
        self.unreadableReason = unreadableReason; self.canDecodePixels = canDecodePixels; self.warnings = warnings
    }
}

public enum MediaInspector {
    public struct Options: Sendable {
        /// Pixel cap for `canDecodePixels` and for the thumbnail check's decode.
        public var maxPixels: Int
        /// Compare an embedded EXIF thumbnail with the main picture (costs a 1/8 decode).
        public var compareThumbnail: Bool
        /// Compute the perceptual fingerprint (from the same reduced decode, made for it when the
        /// thumbnail check did not make one).
        public var fingerprint: Bool
        public init(maxPixels: Int = ImageDecoder.defaultMaxPixels, compareThumbnail: Bool = true, fingerprint: Bool = true) {
            self.maxPixels = maxPixels; self.compareThumbnail = compareThumbnail; self.fingerprint = fingerprint
        }
    }

    /// Mean absolute difference (0...255) of 16x16 grayscale versions above which the
    /// thumbnail "shows something else". Measured on the synthetic pictures of
    /// MediaInspectorTests: the same picture re-encoded as a half-size thumbnail scores 0.4,
    /// also when letterboxed (3:2 in 4:3); the uncropped scene behind a 50% crop scores ~22;
    /// an unrelated picture ~55. 12 leaves room for JPEG loss and other resamplers while
    /// catching crops and other pictures. Colour or exposure edits can cross it too: the
    /// flag means "differs", not "was cropped".
    public static let thumbnailDifferenceThreshold = 12.0

    public static func inspect(_ data: Data, filename: String, options: Options = Options()) -> MediaInspection {
        let format = MediaSniffer.classify(data, filename: filename)
        var inspection = MediaInspection(format: format, kind: format.kind)
        if data.isEmpty {
            inspection.unreadableReason = "empty file"
            return inspection
        }
        let byBytes = MediaSniffer.format(of: data)
        if byBytes == .unknown {
            inspection.unreadableReason = format == .unknown
                ? "not a recognised media file" : "content does not match its .\((filename as NSString).pathExtension) name"
            return inspection
        }
        switch byBytes {
        case .jpeg, .png, .heic, .avif: inspectDecodable(data, format: byBytes, options: options, into: &inspection)
        case .gif: inspection.metadata.width = le16(data, 6); inspection.metadata.height = le16(data, 8)
        case .webp: inspectWebP(data, options: options, into: &inspection)
        case .mp4, .mov:
            let video = VideoMetadataReader.read(data)
            inspection.metadata.gps = video.location
            inspection.metadata.captureTime = video.captureTime
            inspection.metadata.make = video.make
            inspection.metadata.model = video.model
        default: break
        }
        return inspection
    }

    private static func inspectDecodable(_ data: Data, format: MediaFormat, options: Options, into inspection: inout MediaInspection) {
        var segments = EmbeddedSegments.read(data, format: format)
        // The library's own verdict on the header (cheap: no pixel buffer).
        var info = expo_image()
        var status = EXPO_OK
        switch format {
        case .jpeg, .png:
            status = data.withUnsafeBytes { raw -> expo_status in
                let base = raw.bindMemory(to: UInt8.self).baseAddress
                return format == .jpeg ? expo_jpeg_info(base, raw.count, &info) : expo_png_info(base, raw.count, &info)
            }
        default:  // HEIF: libheif parses the boxes (size after irot, EXIF and XMP items)
            var heif = expo_heif_info()
            status = data.withUnsafeBytes { raw in expo_heif_read_info(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &heif) }
            defer { expo_free(heif.exif); expo_free(heif.xmp) }
            info.source_width = heif.width; info.source_height = heif.height
            withUnsafeBytes(of: heif.message) { src in withUnsafeMutableBytes(of: &info.message) { $0.copyMemory(from: src) } }
            if let exif = heif.exif { segments.exifTIFF = Data(bytes: exif, count: heif.exif_size) }
            if let xmp = heif.xmp, heif.xmp_size <= EmbeddedSegments.maxXMPBytes { segments.xmp = Data(bytes: xmp, count: heif.xmp_size) }
        }
        var width = segments.width, height = segments.height
        if status == EXPO_OK {
            width = Int(info.source_width); height = Int(info.source_height)
            let pixels = width!.multipliedReportingOverflow(by: height!)
            if pixels.overflow || pixels.partialValue > options.maxPixels || pixels.partialValue <= 0 {
                inspection.unreadableReason = "image too large (\(width!)x\(height!) > \(options.maxPixels) pixels)"
            } else {
                inspection.canDecodePixels = true
            }
        } else {
            do { try ImageDecoder.check(status, &info, maxPixels: options.maxPixels) } catch {
                inspection.unreadableReason = "\(error)"
            }
        }
        if let problem = segments.malformed, status == EXPO_OK { inspection.warnings.append(problem) }

        let exif = readExif(segments.exifTIFF, warnings: &inspection.warnings)
        var metadata = exif.metadata
        if let w = width, let h = height {
            let swaps = ImageDecoder.appliesExifOrientation(format) && (exif.orientation ?? 1) >= 5
            metadata.width = swaps ? h : w
            metadata.height = swaps ? w : h
        }
        var reduced: RGBImage? = nil
        if let thumbnail = exif.thumbnail {
            metadata.hasThumbnail = true
            if options.compareThumbnail && inspection.canDecodePixels && (format == .jpeg || format == .png) {
                switch compareThumbnail(thumbnail, main: data, format: format, mainSize: (width ?? 0, height ?? 0),
                                         maxPixels: options.maxPixels) {
                case .success(let (differs, main)): metadata.thumbnailDiffers = differs; reduced = main
                case .failure(let error):
                    // The main picture failing to decode makes the whole file unreadable;
                    // a broken thumbnail is only a warning.
                    if case .main(let e) = error { inspection.unreadableReason = "\(e)"; inspection.canDecodePixels = false }
                    else { inspection.warnings.append("EXIF thumbnail: \(error)") }
                }
            }
        }
        if let packet = segments.xmp {
            let xmp = XMPReader.read(packet: packet)
            metadata.faceRegions = xmp.faceRegions
            metadata.personInImage = xmp.personInImage
        }
        inspection.metadata = metadata
        if options.fingerprint { addFingerprint(data, format: format, size: (width ?? 0, height ?? 0), decoded: reduced,
                                                options: options, into: &inspection) }
    }

    /// The fingerprint from the main picture decoded at `reductionScale` (the thumbnail check's
    /// decode when it made one), turned upright. A picture that fails to decode here has no
    /// fingerprint and a warning; whether it is readable stays the header checks' verdict.
    static func addFingerprint(_ data: Data, format: MediaFormat, size: (width: Int, height: Int), decoded: RGBImage?,
                               options: Options, into inspection: inout MediaInspection) {
        guard inspection.canDecodePixels, inspection.unreadableReason == nil else { return }
        let start = DispatchTime.now().uptimeNanoseconds
        defer { inspection.fingerprintSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        var image: RGBImage
        if let decoded { image = decoded } else {
            do {
                image = try ImageDecoder.decode(data, maxPixels: options.maxPixels,
                                                scaleDenominator: reductionScale(format: format, size: size), applyOrientation: false)
            } catch {
                inspection.warnings.append("fingerprint: \(error)")
                return
            }
        }
        if ImageDecoder.appliesExifOrientation(format), let orientation = EmbeddedSegments.orientation(in: data, format: format) {
            image = ImageOps.applyOrientation(image, orientation)
        }
        inspection.fingerprint = PerceptualHash.fingerprint(of: image)
    }

    /// The DCT scale (1/8 at most) that keeps a JPEG's short side at 64 pixels or more, so that the
    /// 16x16 and 32x32 grids compared later still average several pixels per cell; 1 for other
    /// formats (decoded in full).
    static func reductionScale(format: MediaFormat, size: (width: Int, height: Int)) -> Int {
        let shortSide = min(size.width, size.height)
        return format == .jpeg ? ([8, 4, 2].first { shortSide / $0 >= 64 } ?? 1) : 1
    }

    enum ThumbnailError: Error, CustomStringConvertible {
        case thumbnail(ImageDecodingError), main(ImageDecodingError)
        var description: String {
            switch self { case .thumbnail(let e): return "\(e)"; case .main(let e): return "\(e)" }
        }
    }

    /// Both pictures are compared as stored (orientation not applied: the thumbnail is
    /// stored the same way up as the main picture).
    /// The main JPEG is decoded at the smallest DCT scale (1/8 at most) that keeps its short
    /// side at 64 pixels or more, so the 16x16 comparison grid averages several pixels per cell.
    /// Also returns the reduced main picture, which the fingerprint reuses.
    static func compareThumbnail(_ thumbnail: Data, main: Data, format: MediaFormat, mainSize: (width: Int, height: Int),
                                 maxPixels: Int) -> Result<(Bool, RGBImage), ThumbnailError> {
        let scale = reductionScale(format: format, size: mainSize)
        let thumb: RGBImage, full: RGBImage
        do { thumb = try ImageDecoder.decode(thumbnail, maxPixels: 1 << 22, applyOrientation: false) }
        catch { return .failure(.thumbnail(error as? ImageDecodingError ?? .corrupt("\(error)"))) }
        do { full = try ImageDecoder.decode(main, maxPixels: maxPixels, scaleDenominator: scale, applyOrientation: false) }
        catch { return .failure(.main(error as? ImageDecodingError ?? .corrupt("\(error)"))) }
        return .success((thumbnailDifference(thumb, full) > thumbnailDifferenceThreshold, full))
    }

    /// Mean absolute difference of 16x16 grayscale versions, after cropping the thumbnail to
    /// the main picture's aspect ratio (cameras letterbox a 3:2 picture into a 4:3 thumbnail).
    public static func thumbnailDifference(_ thumbnail: RGBImage, _ main: RGBImage) -> Double {
        guard thumbnail.width > 0, thumbnail.height > 0, main.width > 0, main.height > 0 else { return .infinity }
        let tw = Double(thumbnail.width), th = Double(thumbnail.height)
        let aspect = Double(main.width) / Double(main.height)
        var crop = (x: 0.0, y: 0.0, width: tw, height: th)
        if tw / th > aspect { crop.width = th * aspect; crop.x = (tw - crop.width) / 2 }
        else { crop.height = tw / aspect; crop.y = (th - crop.height) / 2 }
        let a = ImageOps.grayThumbnail(thumbnail, size: 16, crop: crop)
        let b = ImageOps.grayThumbnail(main, size: 16)
        return zip(a, b).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(a.count)
    }

    /// WebP: size from the first chunk, EXIF and XMP from the RIFF "EXIF"/"XMP " chunks.
    /// Pixels are not checked here (libwebp validates when decoding).
    private static func inspectWebP(_ data: Data, options: Options, into inspection: inout MediaInspection) {
        let segments = EmbeddedSegments.read(data, format: .webp)
        var metadata = readExif(segments.exifTIFF, warnings: &inspection.warnings).metadata
        readWebPSize(data, into: &metadata)
        if let xmp = segments.xmp {
            let result = XMPReader.read(packet: xmp)
            metadata.faceRegions = result.faceRegions; metadata.personInImage = result.personInImage
        }
        if let w = metadata.width, let h = metadata.height {
            if w * h > options.maxPixels { inspection.unreadableReason = "image too large (\(w)x\(h) > \(options.maxPixels) pixels)" }
            else { inspection.canDecodePixels = true }
        } else {
            inspection.unreadableReason = "WebP header not understood"
        }
        inspection.metadata = metadata
        if options.fingerprint {
            addFingerprint(data, format: .webp, size: (metadata.width ?? 0, metadata.height ?? 0), decoded: nil,
                           options: options, into: &inspection)
        }
    }

    /// The block's EXIF (none without one), its problems as warnings.
    private static func readExif(_ tiff: Data?, warnings: inout [String]) -> ExifResult {
        guard let tiff else { return ExifResult() }
        let exif = ExifReader.read(tiff: tiff)
        if let problem = exif.problem { warnings.append("EXIF: \(problem)") }
        if exif.makerNotesSkipped > 0 { warnings.append("EXIF: MakerNote not parsed") }
        return exif
    }

    private static func le16(_ data: Data, _ offset: Int) -> Int? {
        guard data.count >= offset + 2 else { return nil }
        let b = data.startIndex + offset
        return Int(data[b]) | Int(data[b + 1]) << 8
    }

    /// WebP canvas size: VP8X (24-bit width-1/height-1), VP8L (14-bit fields), VP8 (frame header).
    private static func readWebPSize(_ data: Data, into metadata: inout EmbeddedMetadata) {
        let b = [UInt8](data.prefix(40))
        guard b.count >= 30 else { return }
        let chunk = String(decoding: b[12..<16], as: UTF8.self)
        switch chunk {
        case "VP8X":
            metadata.width = (Int(b[24]) | Int(b[25]) << 8 | Int(b[26]) << 16) + 1
            metadata.height = (Int(b[27]) | Int(b[28]) << 8 | Int(b[29]) << 16) + 1
        case "VP8L" where b[20] == 0x2F:
            let bits = Int(b[21]) | Int(b[22]) << 8 | Int(b[23]) << 16 | Int(b[24]) << 24
            metadata.width = (bits & 0x3FFF) + 1
            metadata.height = (bits >> 14 & 0x3FFF) + 1
        case "VP8 ":
            metadata.width = (Int(b[26]) | Int(b[27]) << 8) & 0x3FFF
            metadata.height = (Int(b[28]) | Int(b[29]) << 8) & 0x3FFF
        default: break
        }
    }
}
