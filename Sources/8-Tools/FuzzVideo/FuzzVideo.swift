// Fuzz target: the video path — FFmpeg's demuxers and decoders behind CVideoCodecs, fed from
// memory (VideoSampler.sample, as the scan's worker calls it). Caps are lowered so one input
// stays cheap: 1 megapixel declared, 20 frames sampled, 200 decoded, 2 s of wall time. Inputs
// must either decode to frames that are upright, non-empty and within the cap, or be refused
// with a VideoDecodeError; nothing may crash, hang or exceed the caps.
import ExposureModel
import Foundation
import FuzzSupport
import VideoFrames

private let sampling: VideoSampling = {
    var s = VideoSampling()
    s.maxFrames = 20
    s.maxDecodedFrames = 200
    s.maxWallSeconds = 2
    s.maxSide = 160
    return s
}()

func fuzzOne(_ data: Data) {
    do {
        var frames = 0
        let report = try VideoSampler.sample(data, sampling: sampling, maxPixels: 1 << 20) { frame in
            precondition(frame.image.width > 0 && frame.image.height > 0, "empty frame")
            precondition(max(frame.image.width, frame.image.height) <= sampling.maxSide, "frame beyond maxSide")
            frames += 1
        }
        precondition(report.sampledFrames == frames && frames <= sampling.maxFrames, "frame count")
    } catch is VideoDecodeError {
        // refused: fine
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
}

// MARK: - Entry points (see Sources/8-Tools/FuzzSupport/FuzzDriver.swift)
#if FUZZING
@_cdecl("FuzzVideo_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzOne)
}
#else
@main
enum Replay {
    static func main() throws { try FuzzDriver.replay("FuzzVideo", fuzzOne) }
}
#endif
