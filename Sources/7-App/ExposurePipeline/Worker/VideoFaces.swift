import ExposureAnalysis
import ExposureModel
import FaceAnalysis
import Foundation
import ProcessIsolation
import MediaMetadata
import VideoFrames

/// The face search on a video, in the worker: sampled frames (VideoFrames) → the same face
/// search as photos → tracks (FaceTracker). Each track's best face becomes one of the item's
/// faces (so identities are clustered from photo faces and video tracks alike); the track
/// itself, with its best descriptors and times, goes into `VideoAnalysis`.
enum VideoFaces {
    /// The poster frame's longer side in the report.
    static let posterSide = 320

    static func analyse(_ bytes: Data, engine: FaceEngine, search: FaceSearch, sampling: VideoSampling,
                        stages: inout StageSeconds) throws -> (faces: [FileAnalysis.Face], video: VideoAnalysis) {
        // The photo search's method, with the video's smallest face (VideoSampling.smallestFace).
        let search = FaceSearch(method: search.method, upsample: search.upsample,
                                smallestFace: max(search.smallestFace, sampling.smallestFace), wholeImage: search.wholeImage)
        var tracker = FaceTracker<Data?>()
        var poster: (score: Double, jpeg: Data?)? = nil
        var faceSeconds = 0.0, thumbnailSeconds = 0.0
        let start = DispatchTime.now().uptimeNanoseconds
        var local = StageSeconds()
        let report = try VideoSampler.sample(bytes, sampling: sampling) { frame in
            let faceStart = DispatchTime.now().uptimeNanoseconds
            var found: [DetectedFace], followOnly = Set<Int>()
            if search.method == .fast && sampling.followTracks {
                // Where the last frame's tracks were, the proposal network alone follows them.
                let known = tracker.lastSightings.map { KnownFace(box: $0.box, confidence: $0.confidence) }
                let r = engine.cascadeFaces(in: frame.image, options: search.cascade, known: known,
                                            detectionSeconds: &local.detection, descriptorSeconds: &local.descriptors)
                found = r.faces + r.smallFaces
                followOnly = Set(found.count..<(found.count + r.followed.count))
                found += r.followed
            } else {
                found = try search.faces(in: frame.image, engine: engine, stages: &local)
            }
            faceSeconds += Double(DispatchTime.now().uptimeNanoseconds - faceStart) / 1e9
            let thumbStart = DispatchTime.now().uptimeNanoseconds
            // Thumbnails only for faces that can be among a track's best: cheap (96 px crops).
            tracker.add(time: frame.time, faces: found.map { ($0, FaceThumbnail.jpeg(of: $0.box, in: frame.image)) },
                        followOnly: followOnly)
            let largest = found.map { Double($0.box.width * $0.box.height) }.max() ?? 0
            if poster == nil || largest > poster!.score {
                poster = (largest, posterJPEG(frame.image))
            }
            thumbnailSeconds += Double(DispatchTime.now().uptimeNanoseconds - thumbStart) / 1e9
        }
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        stages.detection += local.detection
        stages.descriptors += local.descriptors
        stages.thumbnails += thumbnailSeconds
        stages.videoDecode += max(0, total - faceSeconds - thumbnailSeconds)

        var faces: [FileAnalysis.Face] = []
        var tracks: [VideoFaceTrack] = []
        for track in tracker.finish() {
            guard let best = track.best.first else { continue }
            tracks.append(VideoFaceTrack(faceIndex: faces.count, startSeconds: track.start, endSeconds: track.end,
                                         framesSeen: track.framesSeen, distinctViews: track.distinctViews,
                                         descriptors: track.best.map(\.face.descriptor)))
            faces.append(FileAnalysis.Face(face: best.face, thumbnail: best.payload))
        }
        let info = report.info
        let covered = report.lastSampleTime + report.interval
        let video = VideoAnalysis(duration: info.duration, sampleInterval: report.interval, sampledFrames: report.sampledFrames,
                                  decodedFrames: report.decodedFrames,
                                  analysedSeconds: info.duration.map { min($0, covered) } ?? covered,
                                  stoppedEarly: report.stoppedEarly, codec: info.codec, width: info.width, height: info.height,
                                  rotation: info.rotation, poster: poster?.jpeg ?? nil, tracks: tracks)
        return (faces, video)
    }

    /// The frame scaled to `posterSide` (nearest pixel: a poster, not a measurement), as a JPEG.
    static func posterJPEG(_ image: RGBImage) -> Data? {
        let scale = max(1, Double(max(image.width, image.height)) / Double(posterSide))
        let w = max(1, Int(Double(image.width) / scale)), h = max(1, Int(Double(image.height) / scale))
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let sy = min(image.height - 1, Int(Double(y) * scale))
            for x in 0..<w {
                let sx = min(image.width - 1, Int(Double(x) * scale))
                let s = 3 * (sy * image.width + sx), d = 3 * (y * w + x)
                pixels[d] = image.pixels[s]; pixels[d + 1] = image.pixels[s + 1]; pixels[d + 2] = image.pixels[s + 2]
            }
        }
        return try? ImageEncoder.jpeg(RGBImage(width: w, height: h, pixels: pixels), quality: 75)
    }
}

/// The worker's face search on one video, outside a worker (ExposureBench's `video`).
public enum VideoFaceSearch {
    public struct Outcome: Sendable {
        public var video: VideoAnalysis
        public var stages: StageSeconds
    }

    public static func analyse(_ bytes: Data, engine: FaceEngine, search: FaceSearch = FaceSearch(),
                               sampling: VideoSampling = VideoSampling()) throws -> Outcome {
        var stages = StageSeconds()
        let (_, video) = try VideoFaces.analyse(bytes, engine: engine, search: search, sampling: sampling, stages: &stages)
        return Outcome(video: video, stages: stages)
    }
}
