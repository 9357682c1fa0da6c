import ExposureModel
import FaceAnalysis
import Foundation
import MediaMetadata
import ProcessIsolation
import VideoFrames

/// The scan's analysis worker (`exposure worker`, started by the scan and `exposure faces`,
/// never by a user): everything that parses or decodes untrusted bytes (libexif, XMP,
/// libjpeg/libpng, FFmpeg, the face networks) runs here, in ProcessIsolation's worker loop,
/// so a crash, a trap, a runaway allocation or a hang ends this process and not the scan.
public enum AnalysisWorker {
    public struct Options: Sendable {
        public var analyzeFaces = true
        public var modelDirectory: URL?
        public var upsample = 1
        /// The smallest face looked for (`DetectionPolicy.smallestFace`; with upsample 1 only).
        public var smallestFace: Int?
        public var searchMethod: FaceSearchMethod = .fast
        /// dlib's own search over the whole image (`FaceSearch.wholeImage`).
        public var wholeImage = false
        /// How faces are searched for.
        public var faceSearch: FaceSearch {
            FaceSearch(method: searchMethod, upsample: upsample, smallestFace: smallestFace, wholeImage: wholeImage)
        }
        /// Which frames of a video the face search sees (recorded in the inventory by the scan).
        public var videoSampling = VideoSampling()
        /// Threads for the neural-network kernels in this worker.
        public var threads = 1
        /// RLIMIT_AS: address space, in bytes (0: no limit).
        public var memoryLimit: UInt64 = 4 << 30
        /// CPU seconds one file may use (RLIMIT_CPU, re-armed before each file; 0: no limit).
        public var cpuSecondsPerFile: UInt64 = 0
        public init() {}
    }

    /// Serves requests until standard input closes (ProcessIsolation's WorkerLoop: limits,
    /// protocol, test hooks). Returns the exit status.
    public static func serve(_ options: Options) -> Int32 {
        WorkerLoop.serve(limits: .init(memory: options.memoryLimit, cpuSecondsPerFile: options.cpuSecondsPerFile)) {
            if options.analyzeFaces { FaceEngine.prepareProcess(threads: options.threads) }
            let engine: FaceEngine?
            do {
                engine = options.analyzeFaces
                    ? try FaceEngine(modelDirectory: options.modelDirectory ?? ModelStore().directory,
                                     proposals: options.faceSearch.method == .fast)
                    : nil
            } catch {
                throw WorkerLoop.StartFailure("cannot load the face models: \(error)")
            }
            return { request, bytes in respond(to: request, bytes: bytes, engine: engine, options: options) }
        }
    }

    /// One request: the file's analysis (`.analyze`), or only the faces of a photo (`.faces`:
    /// `scan --me`, `exposure faces`), with the upright picture's size.
    static func respond(to request: WorkRequest, bytes: Data, engine: FaceEngine?, options: Options) -> WorkResponse {
        let filename = (request.path as NSString).lastPathComponent
        var response = WorkResponse()
        switch request.operation {
        case .analyze:
            do {
                response.analysis = try FileAnalysis.of(bytes, filename: filename, engine: engine, search: options.faceSearch,
                                                        videoSampling: options.videoSampling)
            } catch {
                // A photo whose face search this worker cannot hold: the scan lists it as skipped, with why.
                response.error = "faces not searched: \(error)"
            }
        case .faces:
            guard let engine else { response.error = "face analysis is off"; break }
            do {
                let image = try ImageDecoder.decode(bytes)
                response.analysis = FileAnalysis(kind: .photo, embedded: EmbeddedMetadata(width: image.width, height: image.height),
                    unreadableReason: nil,
                    faces: try options.faceSearch.faces(in: image, engine: engine).map { .init(face: $0, thumbnail: nil) })
            } catch {
                response.error = "\(error)"
            }
        }
        return response
    }
}

extension FileAnalysis {
    /// Kind and embedded metadata (always), then faces with their descriptors and thumbnails
    /// when an engine is given and the file is a decodable photo, or a video (sampled frames,
    /// faces linked into tracks: VideoFaces). A video whose frames cannot be decoded keeps its
    /// metadata and gets the decoder's reason as `unreadableReason` (also when its frames' face
    /// search would not fit the worker's memory). Throws `FaceSearch.MemoryLimitExceeded` for a
    /// photo whose face search would not fit: the photo is readable, its faces cannot be searched.
    static func of(_ bytes: Data, filename: String, engine: FaceEngine?, search: FaceSearch,
                   videoSampling: VideoSampling = VideoSampling()) throws -> FileAnalysis {
        var stages = StageSeconds()
        let inspection = StageSeconds.time(&stages.metadata) { MediaInspector.inspect(bytes, filename: filename) }
        let kind = inspection.kind ?? .photo
        var unreadable = inspection.unreadableReason
        var faces: [Face]? = nil
        var video: VideoAnalysis? = nil
        if let engine, kind == .video, unreadable == nil {
            do {
                (faces, video) = try VideoFaces.analyse(bytes, engine: engine, search: search, sampling: videoSampling, stages: &stages)
            } catch {
                unreadable = "\(error)"
            }
        }
        if let engine, kind == .photo, unreadable == nil, inspection.canDecodePixels {
            do {
                let image = try StageSeconds.time(&stages.decode) { try ImageDecoder.decode(bytes) }
                faces = try search.facesAndThumbnails(in: image, engine: engine, stages: &stages)
                    .map { Face(face: $0.face, thumbnail: $0.thumbnail) }
            } catch let refusal as FaceSearch.MemoryLimitExceeded {
                throw refusal
            } catch {
                unreadable = "\(error)"
            }
        }
        // The inspection's fingerprint comes from its own reduced decode, in every scan (with or
        // without faces): the same picture gives the same fingerprint either way.
        stages.metadata -= inspection.fingerprintSeconds
        stages.fingerprint = inspection.fingerprintSeconds
        return FileAnalysis(kind: kind, embedded: inspection.metadata, unreadableReason: unreadable, faces: faces,
                            fingerprint: unreadable == nil && kind == .photo ? inspection.fingerprint : nil, video: video, stageSeconds: stages)
    }
}
