// VideoFrames: decoded frames of a video held in memory, through FFmpeg's libraries
// (CVideoCodecs, the C shim that is the only caller of libavformat/libavcodec/libswscale).
// Nothing else in Exposure knows about FFmpeg.
//
// Input: the bytes of one archive entry, as the scan already holds them (never a file).
// Output: upright 8-bit RGB frames (`RGBImage`), the longer side scaled to at most a given
// size, with their presentation time in seconds. Containers: MP4/MOV/3GP, WebM/Matroska;
// codecs: whatever Debian's libavcodec decodes (H.264, HEVC, VP8/VP9, AV1 via libdav1d).
import CVideoCodecs
import ExposureModel
import Foundation

/// What a video stream says about itself.
public struct VideoInfo: Sendable, Equatable {
    /// Frame size as displayed (rotation applied).
    public var width: Int
    public var height: Int
    /// Clockwise degrees the stored frames are turned to be upright (0, 90, 180, 270).
    public var rotation: Int
    /// Seconds, when the container says.
    public var duration: Double?
    public var frameRate: Double?
    /// FFmpeg's decoder and demuxer names (h264, hevc, vp9, libdav1d; "mov,mp4,...", "matroska,webm").
    public var codec: String
    public var container: String
}

/// One decoded frame.
public struct VideoFrame: Sendable {
    public var image: RGBImage
    /// Presentation time, seconds from the start of the stream.
    public var time: Double
    public var isKeyframe: Bool
}

public struct VideoDecodeError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable { case corrupt, unsupported, tooLarge, noMemory, tooManyErrors, badArgument, budgetSpent }
    public var kind: Kind
    public var message: String
    public var description: String { "video: \(message)" }
}

/// An open video. Use `VideoDecoder.open(_:)`, which keeps the bytes alive (and unmoved)
/// for as long as the decoder reads them.
public final class VideoDecoder {
    /// 8K (7680x4320) and a little more: anything larger in a social-media export is hostile.
    public static let defaultMaxPixels = 8192 * 4352

    private let handle: OpaquePointer
    public let info: VideoInfo

    private init(handle: OpaquePointer, info: VideoInfo) {
        self.handle = handle
        self.info = info
    }

    deinit { exv_close(handle) }

    /// Opens `bytes` and runs `body` with the decoder. Throws `VideoDecodeError` when the bytes
    /// are no video this build can decode.
    public static func open<R>(_ bytes: Data, maxPixels: Int = defaultMaxPixels, threads: Int = 1,
                               _ body: (VideoDecoder) throws -> R) throws -> R {
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> R in
            guard let base = raw.baseAddress, raw.count > 0 else {
                throw VideoDecodeError(kind: .badArgument, message: "empty file")
            }
            var handle: OpaquePointer?
            var cInfo = exv_info()
            var message = [CChar](repeating: 0, count: Int(EXV_MESSAGE_CAPACITY))
            let status = exv_open(base.assumingMemoryBound(to: UInt8.self), raw.count, Int64(maxPixels), Int32(threads),
                                  &handle, &cInfo, &message)
            guard status == EXV_OK, let handle else { throw error(status, message) }
            let decoder = VideoDecoder(handle: handle, info: videoInfo(cInfo))
            // The decoder must not outlive the bytes: it is released before withUnsafeBytes returns.
            return try withExtendedLifetime(decoder) { try body(decoder) }
        }
    }

    /// Caps the work from now on: decoded frames and wall-clock seconds (0: no cap). When spent,
    /// `nextFrame` throws `.budgetSpent`.
    public func setBudget(decodedFrames: Int, wallSeconds: Double) {
        exv_set_budget(handle, Int64(decodedFrames), wallSeconds)
    }

    /// The next frame at or after `time` (or the next keyframe at least `keyframeGap` seconds after
    /// the last frame returned; nil gap: no keyframes), scaled to at most `maxSide` pixels on its
    /// longer side; nil after the last frame. When `time` is more than `seekBeyond` seconds ahead
    /// (0: never), the decoder seeks there instead of decoding every frame.
    public func nextFrame(notBefore time: Double, keyframeGap: Double?, seekBeyond: Double, maxSide: Int) throws -> VideoFrame? {
        var frame = exv_frame()
        var message = [CChar](repeating: 0, count: Int(EXV_MESSAGE_CAPACITY))
        let status = exv_next_frame(handle, time, keyframeGap ?? -1, seekBeyond, Int32(maxSide), &frame, &message)
        if status == EXV_END { return nil }
        guard status == EXV_OK, let pixels = frame.pixels else { throw Self.error(status, message) }
        let count = Int(frame.width) * Int(frame.height) * 3
        let image = RGBImage(width: Int(frame.width), height: Int(frame.height),
                             pixels: [UInt8](UnsafeBufferPointer(start: pixels, count: count)))
        return VideoFrame(image: image, time: frame.time, isKeyframe: frame.is_keyframe != 0)
    }

    /// Frames decoded so far, sampled or not.
    public var decodedFrames: Int { Int(exv_decoded_frames(handle)) }

    private static func videoInfo(_ c: exv_info) -> VideoInfo {
        let turned = c.rotation == 90 || c.rotation == 270
        return VideoInfo(width: Int(turned ? c.coded_height : c.coded_width), height: Int(turned ? c.coded_width : c.coded_height),
                         rotation: Int(c.rotation), duration: c.duration >= 0 ? c.duration : nil,
                         frameRate: c.frame_rate > 0 ? c.frame_rate : nil,
                         codec: name(c.codec), container: name(c.container))
    }

    private static func name<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    private static func error(_ status: exv_status, _ message: [CChar]) -> VideoDecodeError {
        let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let kind: VideoDecodeError.Kind
        switch status {
        case EXV_UNSUPPORTED: kind = .unsupported
        case EXV_TOO_LARGE: kind = .tooLarge
        case EXV_NO_MEMORY: kind = .noMemory
        case EXV_TOO_MANY_ERRORS: kind = .tooManyErrors
        case EXV_BAD_ARGUMENT: kind = .badArgument
        case EXV_BUDGET: kind = .budgetSpent
        default: kind = .corrupt
        }
        return VideoDecodeError(kind: kind, message: text.isEmpty ? "cannot decode" : text)
    }
}
