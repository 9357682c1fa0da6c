import ExposureModel
import FaceAnalysis
import Foundation
import MediaMetadata
import VideoFrames
#if canImport(Glibc)
import Glibc
#endif

/// The worker side of scan isolation (`exposure worker`, started by the scan, never by a
/// user): reads requests on standard input, answers on standard output, one file at a
/// time. Everything that parses or decodes untrusted bytes (libexif, XMP, libjpeg/libpng,
/// the face networks) runs here, under resource limits, so a crash, a trap, a runaway
/// allocation or a hang ends this process and not the scan.
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

    /// Serves requests until standard input closes. Returns the exit status.
    public static func serve(_ options: Options) -> Int32 {
        // The protocol owns the original stdin/stdout; anything a library prints goes to stderr.
        let input = dup(0), output = dup(1)
        dup2(2, 1)
        let devNull = open("/dev/null", O_RDONLY)
        if devNull >= 0 { dup2(devNull, 0); close(devNull) }
        signal(SIGPIPE, SIG_IGN)
        applyLimits(options)
        if options.analyzeFaces { FaceEngine.prepareProcess(threads: options.threads) }

        let engine: FaceEngine?
        do {
            engine = options.analyzeFaces
                ? try FaceEngine(modelDirectory: options.modelDirectory ?? ModelStore().directory, proposals: options.faceSearch.method == .fast)
                : nil
        } catch {
            try? send(WorkerHello(ready: false, error: "cannot load the face models: \(error)"), to: output)
            return 1
        }
        do { try send(WorkerHello(ready: true, error: nil), to: output) } catch { return 1 }

        let hooks = TestHooks(ProcessInfo.processInfo.environment)
        while true {
            let request: WorkRequest
            let bytes: Data
            do {
                request = try WorkRequest(wire: try Frames.read(from: input))
                bytes = try Frames.read(from: input)
            } catch Frames.Failure.closed {
                return 0
            } catch {
                FileHandle.standardError.write(Data("exposure worker: bad request: \(error)\n".utf8))
                return 1
            }
            let filename = (request.path as NSString).lastPathComponent
            hooks.apply(to: filename)
            armCPULimit(options.cpuSecondsPerFile)
            var response = WorkResponse()
            switch request.operation {
            case .analyze:
                response.analysis = FileAnalysis.of(bytes, filename: filename, engine: engine, search: options.faceSearch,
                                                    videoSampling: options.videoSampling)
            case .faces:
                if let engine {
                    do {
                        // The upright picture's size comes back with its faces (`exposure faces` prints it).
                        let image = try ImageDecoder.decode(bytes)
                        response.analysis = FileAnalysis(kind: .photo, embedded: EmbeddedMetadata(width: image.width, height: image.height),
                            unreadableReason: nil,
                            faces: options.faceSearch.faces(in: image, engine: engine).map { .init(face: $0, thumbnail: nil) })
                    } catch {
                        response.error = "\(error)"
                    }
                } else {
                    response.error = "face analysis is off"
                }
            }
            do { try Frames.write(response.wire(), to: output) } catch { return 1 }
        }
    }

    private static func send(_ hello: WorkerHello, to fd: Int32) throws {
        try Frames.write(try JSONEncoder().encode(hello), to: fd)
    }

    /// No core files (they would hold the user's photos), a cap on address space.
    private static func applyLimits(_ options: Options) {
        var core = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(resource(RLIMIT_CORE), &core)
        if options.memoryLimit > 0 {
            var space = rlimit(rlim_cur: rlim_t(options.memoryLimit), rlim_max: rlim_t(options.memoryLimit))
            setrlimit(resource(RLIMIT_AS), &space)
        }
    }

    /// RLIMIT_CPU counts the whole life of the process, so before each file the soft limit is
    /// moved to "CPU used so far + this file's budget" (the hard limit stays open). A file
    /// that spins past it gets SIGXCPU; the parent's wall-clock timeout covers files that sleep.
    private static func armCPULimit(_ seconds: UInt64) {
        guard seconds > 0 else { return }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let used = UInt64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + 1
        var limit = rlimit()
        getrlimit(resource(RLIMIT_CPU), &limit)
        limit.rlim_cur = rlim_t(used + seconds)
        setrlimit(resource(RLIMIT_CPU), &limit)
    }

    private static func resource(_ r: __rlimit_resource) -> __rlimit_resource_t { __rlimit_resource_t(r.rawValue) }

    /// Test hooks: make this worker misbehave on purpose on files whose name contains a
    /// given text. Only active when the variable is set (the isolation tests and
    /// scripts/crash-test set them; nothing else does).
    struct TestHooks {
        var crashOn: String?, trapOn: String?, hangOn: String?, spinOn: String?
        init(_ env: [String: String]) {
            func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
            crashOn = value("EXPOSURE_TEST_CRASH_ON")
            trapOn = value("EXPOSURE_TEST_TRAP_ON")
            hangOn = value("EXPOSURE_TEST_HANG_ON")
            spinOn = value("EXPOSURE_TEST_SPIN_ON")
        }
        func apply(to filename: String) {
            if let crashOn, filename.contains(crashOn) { abort() }              // a C library's crash
            if let trapOn, filename.contains(trapOn) { fatalError("test hook: trap on \(filename)") }  // a Swift trap
            if let hangOn, filename.contains(hangOn) { while true { sleep(1000) } }  // a blocked decoder
            if let spinOn, filename.contains(spinOn) {                           // a decoder in an endless loop
                var x: UInt64 = 1
                while x != 0 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
            }
        }
    }
}

extension FileAnalysis {
    /// Kind and embedded metadata (always), then faces with their descriptors and thumbnails
    /// when an engine is given and the file is a decodable photo, or a video (sampled frames,
    /// faces linked into tracks: VideoFaces). A video whose frames cannot be decoded keeps its
    /// metadata and gets the decoder's reason as `unreadableReason`.
    static func of(_ bytes: Data, filename: String, engine: FaceEngine?, search: FaceSearch,
                   videoSampling: VideoSampling = VideoSampling()) -> FileAnalysis {
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
                faces = search.facesAndThumbnails(in: image, engine: engine, stages: &stages)
                    .map { Face(face: $0.face, thumbnail: $0.thumbnail) }
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
