import ExposureModel
import ExposureTestSupport
import Foundation
import VideoFrames
import XCTest

/// Decoding from memory: containers and codecs, sampling, rotation, and hostile input.
final class VideoDecoderTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(VideoFixtures.ffmpegAvailable, "ffmpeg is installed by scripts/setup")
    }

    private func sampleAll(_ data: Data, _ sampling: VideoSampling = VideoSampling()) throws -> (SamplingReport, [VideoFrame]) {
        var frames: [VideoFrame] = []
        let report = try VideoSampler.sample(data, sampling: sampling) { frames.append($0) }
        return (report, frames)
    }

    /// One frame per second of a 4 s clip (times 0, 1, 2, 3), in every container and codec Exposure expects.
    func testContainersAndCodecs() throws {
        let cases: [(codec: [String], output: String, decoder: String, container: String)] = [
            (VideoFixtures.h264, "clip.mp4", "h264", "mov"),
            (VideoFixtures.h264, "clip.mov", "h264", "mov"),
            (VideoFixtures.h264, "clip.3gp", "h264", "3gp"),
            (VideoFixtures.hevc, "clip.mp4", "hevc", "mp4"),
            (VideoFixtures.vp9, "clip.webm", "vp9", "webm"),
            (VideoFixtures.av1, "clip.mkv", "", "matroska"),
        ]
        var sampling = VideoSampling()
        sampling.keyframeGap = nil  // regular samples only: the count is exact
        for c in cases {
            let data = try VideoFixtures.pattern(seconds: 4, codec: c.codec, output: c.output)
            let (report, frames) = try sampleAll(data, sampling)
            let name = "\(c.output) \(c.codec[1])"
            XCTAssertTrue(report.info.container.contains(c.container), "\(name): \(report.info.container)")
            if !c.decoder.isEmpty { XCTAssertEqual(report.info.codec, c.decoder, name) }
            XCTAssertEqual(report.info.width, 320, name)
            XCTAssertEqual(report.info.height, 180, name)
            XCTAssertEqual(report.info.duration ?? 0, 4, accuracy: 0.1, name)
            // Within 0.15 s: frames nothing refers to are not decoded, so a sample may be a frame or two late.
            XCTAssertEqual(frames.count, 4, name)
            for (frame, expected) in zip(frames, [0.0, 1, 2, 3]) { XCTAssertEqual(frame.time, expected, accuracy: 0.15, name) }
            XCTAssertEqual(frames.first?.image.width, 320, name)
            XCTAssertNil(report.stoppedEarly, name)
            // Non-reference frames are skipped, so fewer frames are decoded than the clip holds... but never
            // fewer than the samples.
            XCTAssertGreaterThanOrEqual(report.decodedFrames, 4, name)
            XCTAssertLessThanOrEqual(report.decodedFrames, 100, name)
        }
    }

    /// Keyframes (scene changes) are extra samples: a keyframe every 0.6 s adds the ones more than 0.5 s after a sample.
    func testKeyframesAreSampled() throws {
        let data = try VideoFixtures.pattern(seconds: 3, codec: VideoFixtures.h264 + ["-g", "15", "-sc_threshold", "0", "-bf", "0"],
                                             output: "k.mp4")
        let (_, frames) = try sampleAll(data)
        // Regular samples at 0, 1, 2; keyframes at 0, 0.6, 1.2, 1.8, 2.4: 0.6 (0.6 after 0) and 1.8 (0.8 after 1)
        // count, 1.2 (0.2 after 1) and 2.4 (0.4 after 2) do not.
        XCTAssertEqual(frames.map { ($0.time * 10).rounded() / 10 }, [0, 0.6, 1, 1.8, 2])
        XCTAssertEqual(frames.map(\.isKeyframe), [true, true, false, true, false])
    }

    /// Frames are scaled so the longer side is at most maxSide.
    func testScaling() throws {
        let data = try VideoFixtures.pattern(seconds: 1, size: "1280x720", codec: VideoFixtures.h264, output: "big.mp4")
        var sampling = VideoSampling()
        sampling.maxSide = 640
        let (_, frames) = try sampleAll(data, sampling)
        XCTAssertEqual(frames.first?.image.width, 640)
        XCTAssertEqual(frames.first?.image.height, 360)
    }

    /// A phone's portrait clip: stored landscape with a display matrix. Frames come out turned
    /// the way FFmpeg's own player turns them (checked by hand with `ffmpeg -i clip.mp4 frame.ppm`:
    /// the tag rotate=90 moves the stored top-left corner to the bottom-left, a quarter turn
    /// counter-clockwise, which is 270 degrees clockwise).
    func testRotationIsApplied() throws {
        // Red box in the stored frame's top-left corner, on blue.
        let plain = try VideoFixtures.encode(["-f", "lavfi", "-i",
                                              "color=c=blue:size=320x180:rate=25:duration=1,drawbox=x=0:y=0:w=80:h=60:color=red:t=fill"]
                                             + VideoFixtures.h264, output: "plain.mp4")
        for (tag, rotate, expect) in [(90, 270, (x: 10, y: 310)), (180, 180, (x: 310, y: 170)), (270, 90, (x: 170, y: 10))] {
            let data = try VideoFixtures.rotated(plain, tag: tag)
            let (report, frames) = try sampleAll(data)
            XCTAssertEqual(report.info.rotation, rotate, "tag \(tag)")
            XCTAssertEqual(report.info.width, rotate == 180 ? 320 : 180, "tag \(tag)")
            guard let image = frames.first?.image, image.width == (rotate == 180 ? 320 : 180) else {
                XCTFail("tag \(tag): no upright frame"); continue
            }
            let red = image[expect.x, expect.y]
            XCTAssertGreaterThan(Int(red.r), 180, "rotate \(rotate): \(red)")
            XCTAssertLessThan(Int(red.b), 80, "rotate \(rotate): \(red)")
            let far = image[image.width - 1 - expect.x, image.height - 1 - expect.y]
            XCTAssertGreaterThan(Int(far.b), 180, "rotate \(rotate): opposite corner \(far)")
        }
    }

    /// A long video is sampled more sparsely, by seeking: at most maxFrames frames, spread over all of it.
    func testLongVideoIsSpreadWithinTheFrameCap() throws {
        let data = try VideoFixtures.pattern(seconds: 40, size: "160x90", rate: 10, codec: VideoFixtures.h264 + ["-g", "20"],
                                             output: "long.mp4")
        var sampling = VideoSampling()
        sampling.maxFrames = 5
        sampling.keyframeGap = nil
        let (report, frames) = try sampleAll(data, sampling)
        XCTAssertEqual(report.interval, 8, accuracy: 0.01)
        XCTAssertEqual(frames.map { $0.time.rounded() }, [0, 8, 16, 24, 32])
        XCTAssertLessThan(report.decodedFrames, 200, "seeking skips most of the 400 frames")
    }

    // MARK: - Bad input

    func testGarbageIsRefused() throws {
        var rng = SplitMix64(seed: 7)
        let noise = Data((0..<50_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        XCTAssertThrowsError(try sampleAll(noise)) { XCTAssertTrue($0 is VideoDecodeError, "\($0)") }
        XCTAssertThrowsError(try sampleAll(Data())) { XCTAssertTrue($0 is VideoDecodeError) }
    }

    /// A playlist would make FFmpeg's HLS demuxer open other files or URLs: not on the whitelist.
    func testPlaylistsAndOtherContainersAreRefused() throws {
        let playlist = Data("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n".utf8)
        XCTAssertThrowsError(try sampleAll(playlist)) { error in
            XCTAssertEqual((error as? VideoDecodeError)?.kind, .corrupt)
        }
        let ts = try VideoFixtures.pattern(seconds: 1, codec: VideoFixtures.h264, output: "clip.ts")
        XCTAssertThrowsError(try sampleAll(ts)) { error in
            XCTAssertTrue("\(error)".contains("not a readable"), "\(error)")
        }
    }

    func testAudioOnlyFileHasNoVideoStream() throws {
        let audio = try VideoFixtures.encode(["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"], output: "a.mp4")
        XCTAssertThrowsError(try sampleAll(audio)) { error in
            XCTAssertEqual((error as? VideoDecodeError)?.kind, .unsupported, "\(error)")
            XCTAssertTrue("\(error)".contains("no video stream"), "\(error)")
        }
    }

    /// A declared size beyond the cap is refused before any frame is decoded.
    func testDeclaredSizeBeyondTheCap() throws {
        let data = try VideoFixtures.pattern(seconds: 1, codec: VideoFixtures.h264, output: "c.mp4")
        XCTAssertThrowsError(try VideoSampler.sample(data, sampling: VideoSampling(), maxPixels: 320 * 179) { _ in }) { error in
            XCTAssertEqual((error as? VideoDecodeError)?.kind, .tooLarge, "\(error)")
        }
    }

    /// Truncated: a fast-start MP4 cut in half still gives the frames before the cut; one cut
    /// before its index (moov at the end) is refused.
    func testTruncatedFiles() throws {
        let faststart = try VideoFixtures.pattern(seconds: 4, codec: VideoFixtures.h264, output: "f.mp4", extra: ["-movflags", "+faststart"])
        let (_, frames) = try sampleAll(faststart.prefix(faststart.count / 2))
        XCTAssertGreaterThan(frames.count, 0)
        XCTAssertLessThan(frames.last!.time, 3.5)
        let plain = try VideoFixtures.pattern(seconds: 4, codec: VideoFixtures.h264, output: "p.mp4")
        XCTAssertThrowsError(try sampleAll(plain.prefix(plain.count / 2)))
    }

    /// The decoded-frame budget stops a stream whose samples never come (here: samples 1000 s apart).
    func testBudgetStopsEndlessDecoding() throws {
        let data = try VideoFixtures.pattern(seconds: 8, size: "160x90", codec: VideoFixtures.h264 + ["-bf", "0"], output: "e.mp4")
        var sampling = VideoSampling()
        sampling.maxDecodedFrames = 30
        sampling.keyframeGap = nil
        let (report, frames) = try sampleAll(data, sampling)
        XCTAssertEqual(frames.map { $0.time.rounded() }, [0, 1])   // frames 1 and 26; the budget is spent at frame 30
        XCTAssertEqual(report.stoppedEarly, "time or frame budget spent")
        XCTAssertLessThanOrEqual(report.decodedFrames, 31)
    }

    /// Every byte flipped somewhere in a valid file: refused or decoded, never a crash or a hang.
    func testCorruptedBytesNeverCrash() throws {
        let data = try VideoFixtures.pattern(seconds: 2, codec: VideoFixtures.h264, output: "x.mp4", extra: ["-movflags", "+faststart"])
        var rng = SplitMix64(seed: 11)
        var sampling = VideoSampling()
        sampling.maxWallSeconds = 5
        for _ in 0..<40 {
            var corrupt = data
            for _ in 0..<20 {
                let i = Int(rng.next() % UInt64(corrupt.count))
                corrupt[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            if let (_, frames) = try? sampleAll(corrupt, sampling) {
                XCTAssertTrue(frames.allSatisfy { $0.image.width > 0 && $0.image.height > 0 })
            }
        }
    }
}

/// The in-memory encoder (demo export, benchmark): what it writes decodes back, turned by its tag.
final class VideoEncoderTests: XCTestCase {
    func testEncodedClipDecodesBackWithItsRotation() throws {
        for tag in [0, 90] {
            let encoder = try VideoEncoder(width: 160, height: 96, framesPerSecond: 10, rotationTag: tag)
            for i in 0..<25 {
                var frame = RGBImage(width: 160, height: 96, fill: 30)
                for y in 0..<20 { for x in 0..<20 { frame.pixels[3 * (y * 160 + x)] = 250 } }  // red top-left corner
                frame.pixels[3 * (95 * 160 + 159) + 2] = UInt8(i)  // frames differ
                try encoder.add(frame)
            }
            let data = try encoder.finish()
            var frames: [VideoFrame] = []
            var sampling = VideoSampling()
            sampling.keyframeGap = nil
            let report = try VideoSampler.sample(data, sampling: sampling) { frames.append($0) }
            XCTAssertEqual(report.info.duration ?? 0, 2.5, accuracy: 0.11, "tag \(tag)")
            XCTAssertEqual(report.info.rotation, tag)
            XCTAssertEqual(frames.map { $0.time.rounded() }, [0, 1, 2], "tag \(tag)")
            let image = try XCTUnwrap(frames.first).image
            XCTAssertEqual(image.width, tag == 0 ? 160 : 96)
            // A quarter turn clockwise moves the top-left corner to the top-right.
            let corner = tag == 0 ? image[5, 5] : image[image.width - 6, 5]
            XCTAssertGreaterThan(corner.r, 180, "tag \(tag): \(corner)")
        }
    }
}
