import ExposureModel
import ExposurePipeline
import FaceAnalysis
import DemoArchive
import Foundation
import MediaMetadata
import NeuralNet
import VideoFrames

/// `exposure-bench video [--seconds 30] [--size 1920x1080] [--fps 30] [--runs 5] [--max-side N]
/// [--smallest-face N] [--no-follow]`: video seconds analysed per wall second at the default sampling
/// (VideoSampling(); the last two options change it, to measure the trade-off), and the share of
/// the time in decoding vs the face search.
///
/// Input: an H.264 clip made in memory (VideoEncoder: libx264 veryfast, keyframe every 2 s,
/// B-frames, as phones and platforms encode) of face_recognition's obama.jpg face drifting over a
/// landscape, so every sampled frame has a face to find. Each run analyses it the way a scan's
/// worker does (one kernel thread); "one worker" is one core's rate, "machine" runs one copy per
/// core at once (a scan's --jobs default), which is the rate of a scan with many videos.
enum VideoBench {
    static func run(_ args: [String]) throws {
        func option(_ name: String, _ fallback: String) -> String {
            args.firstIndex(of: name).flatMap { args.indices.contains($0 + 1) ? args[$0 + 1] : nil } ?? fallback
        }
        let seconds = Int(option("--seconds", "30"))!, fps = Int(option("--fps", "30"))!, runs = Int(option("--runs", "5"))!
        let size = option("--size", "1920x1080").split(separator: "x").compactMap { Int($0) }
        let (width, height) = (size[0], size[1])
        var sampling = VideoSampling()
        sampling.maxSide = Int(option("--max-side", "\(sampling.maxSide)"))!
        sampling.smallestFace = Int(option("--smallest-face", "\(sampling.smallestFace)"))!
        if args.contains("--no-follow") { sampling.followTracks = false }
        Parallel.threadCount = 1
        FaceEngine.keepFreedTensorsForReuse()
        let models = ModelStore(overrideDirectory: nil).directory
        let cache = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/exposure/testdata/face_recognition-1.3.0")
        let owner = try ImageDecoder.decode(try Data(contentsOf: cache.appendingPathComponent("obama.jpg")))

        let encodeStart = Date()
        let clip = try makeClip(face: owner, width: width, height: height, fps: fps, seconds: seconds)
        print(String(format: "clip: %dx%d H.264, %d s at %d fps, %.1f MB (encoded in %.1f s)", width, height, seconds, fps,
                     Double(clip.count) / 1e6, Date().timeIntervalSince(encodeStart)))
        print("sampling: \(sampling.settingValue)\(sampling == VideoSampling() ? " (the default)" : "")")

        // One worker: the clip analysed `runs` times on one thread.
        let engine = try FaceEngine(modelDirectory: models, proposals: true)
        var rates: [Double] = [], decodeShares: [Double] = [], faceShares: [Double] = [], detectionShares: [Double] = []
        var last: VideoFaceSearch.Outcome?
        for _ in 0..<runs {
            let start = Date()
            let outcome = try VideoFaceSearch.analyse(clip, engine: engine, sampling: sampling)
            let wall = Date().timeIntervalSince(start)
            rates.append(outcome.video.analysedSeconds / wall)
            let s = outcome.stages
            decodeShares.append(s.videoDecode / s.total)
            faceShares.append((s.detection + s.descriptors) / s.total)
            detectionShares.append(s.detection / s.total)
            last = outcome
        }
        if let v = last?.video {
            print("per run: \(v.sampledFrames) frames sampled of \(v.decodedFrames) decoded, \(v.tracks.count) track(s), \(String(format: "%.1f", v.analysedSeconds)) s analysed")
            // How well the video's faces describe the person: the track's best descriptors against the photo's.
            if let photo = try FaceSearch().faces(in: owner, engine: engine).first?.descriptor {
                let distances = v.tracks.flatMap(\.descriptors).map { FaceEngine.distance($0, photo) }
                print("  the tracks' best faces against the photo's face: distance \(distances.map { String(format: "%.3f", $0) }.joined(separator: ", ")) (same person below 0.6)")
            }
        }
        print(String(format: "one worker (1 thread): %.1fx real time (median of %d; runs %@); time: decoding %.0f%%, faces %.0f%%, the rest (thumbnails, poster) %.0f%%",
                     median(rates), runs, rates.map { String(format: "%.1f", $0) }.joined(separator: ", "),
                     100 * median(decodeShares), 100 * median(faceShares), 100 * (1 - median(decodeShares) - median(faceShares))))
        print(String(format: "  faces: detection (proposals and windows) %.0f%%, landmarks and descriptors %.0f%% of the time",
                     100 * median(detectionShares), 100 * (median(faceShares) - median(detectionShares))))

        // The peer in the same run: every sampled frame searched as a photo is (dlib's windows on every proposal).
        if sampling.followTracks {
            var everyFrame = sampling
            everyFrame.followTracks = false
            var peerRates: [Double] = []
            for _ in 0..<runs {
                let start = Date()
                let outcome = try VideoFaceSearch.analyse(clip, engine: engine, sampling: everyFrame)
                peerRates.append(outcome.video.analysedSeconds / Date().timeIntervalSince(start))
            }
            print(String(format: "  peer, every frame through dlib's windows (--no-follow): %.1fx real time (median of %d); following tracks: %.2fx faster",
                         median(peerRates), runs, median(rates) / median(peerRates)))
        }

        // Where the face search's time goes per sampled frame (one more pass, the cascade's own timers).
        var proposalMs: [Double] = [], windowMs: [Double] = [], describeMs: [Double] = []
        let search = FaceSearch(method: .fast, smallestFace: sampling.smallestFace)
        _ = try VideoSampler.sample(clip, sampling: sampling) { frame in
            var detection = 0.0, describe = 0.0
            let r = engine.cascadeFaces(in: frame.image, options: search.cascade, detectionSeconds: &detection, descriptorSeconds: &describe)
            proposalMs.append(1000 * r.proposalSeconds); windowMs.append(1000 * r.windowSeconds); describeMs.append(1000 * describe)
        }
        print(String(format: "  full search per sampled frame (medians): proposals %.1f ms, dlib windows %.1f ms, landmarks and descriptors %.1f ms",
                     median(proposalMs), median(windowMs), median(describeMs)))

        // The machine: one worker per core, each on its own copy, at once.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var machineRates: [Double] = []
        let engines = try (0..<cores).map { _ in try FaceEngine(modelDirectory: models, proposals: true) }
        for _ in 0..<max(1, runs / 2) {
            let start = Date()
            let analysed = UnsafeMutableBufferPointer<Double>.allocate(capacity: cores)
            defer { analysed.deallocate() }
            DispatchQueue.concurrentPerform(iterations: cores) { i in
                analysed[i] = (try? VideoFaceSearch.analyse(clip, engine: engines[i], sampling: sampling).video.analysedSeconds) ?? 0
            }
            machineRates.append(analysed.reduce(0, +) / Date().timeIntervalSince(start))
        }
        print(String(format: "machine (%d workers at once): %.1fx real time (median of %d)", cores, median(machineRates), machineRates.count))
    }

    /// The face (a square around it, 1/5 of the frame's height... about 220 px at 1080p) drifting
    /// left to right over a landscape, one frame at a time into the encoder.
    static func makeClip(face source: RGBImage, width: Int, height: Int, fps: Int, seconds: Int) throws -> Data {
        let side = height * 2 / 5
        let crop = DemoImages.cropped(source, x: 277, y: 57, width: 400, height: 400)
        let face = DemoImages.scaled(crop, side, 400)
        let background = DemoImages.landscape(width: width, height: height)
        let encoder = try VideoEncoder(width: width, height: height, framesPerSecond: fps)
        let frames = seconds * fps
        for i in 0..<frames {
            let x = (width - side) * i / max(1, frames - 1)
            try encoder.add(DemoImages.pasted(face, onto: background, x: x, y: height / 4))
        }
        return try encoder.finish()
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
