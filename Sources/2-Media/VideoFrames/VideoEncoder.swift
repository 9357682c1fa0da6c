import CVideoCodecs
import ExposureModel
import Foundation

/// Makes a short MP4 in memory from RGB frames (H.264 via libx264, else MPEG-4 part 2): the
/// demo export's clip and the video benchmark's input. Single-threaded, so the same frames
/// give the same bytes on every run.
public final class VideoEncoder {
    private var handle: OpaquePointer?
    public let width: Int, height: Int

    /// `rotationTag`: clockwise degrees a player turns the frames to show them (a phone's
    /// portrait clip stored landscape says 90).
    public init(width: Int, height: Int, framesPerSecond: Int, rotationTag: Int = 0) throws {
        self.width = width; self.height = height
        var message = [CChar](repeating: 0, count: Int(EXV_MESSAGE_CAPACITY))
        let status = exv_encoder_open(Int32(width), Int32(height), Int32(framesPerSecond), Int32(rotationTag), &handle, &message)
        guard status == EXV_OK, handle != nil else { throw Self.error(message) }
    }

    deinit { exv_encoder_close(handle) }

    public func add(_ frame: RGBImage) throws {
        precondition(frame.width == width && frame.height == height, "VideoEncoder: frame size \(frame.width)x\(frame.height)")
        var message = [CChar](repeating: 0, count: Int(EXV_MESSAGE_CAPACITY))
        let status = frame.pixels.withUnsafeBufferPointer { exv_encoder_add(handle, $0.baseAddress, &message) }
        guard status == EXV_OK else { throw Self.error(message) }
    }

    /// The finished MP4's bytes.
    public func finish() throws -> Data {
        var data: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: Int(EXV_MESSAGE_CAPACITY))
        guard exv_encoder_finish(handle, &data, &size, &message) == EXV_OK, let data else { throw Self.error(message) }
        defer { exv_free(data) }
        return Data(bytes: data, count: size)
    }

    private static func error(_ message: [CChar]) -> VideoDecodeError {
        let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return VideoDecodeError(kind: .unsupported, message: text.isEmpty ? "cannot encode" : text)
    }
}
