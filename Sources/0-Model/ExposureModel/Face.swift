/// A face found by the face search, in pixels of the decoded image after EXIF orientation.
public struct DetectedFace: Codable, Hashable, Sendable {
    /// dlib's raw rectangle: inclusive, may extend past the image edge.
    public struct Box: Codable, Hashable, Sendable {
        public var left: Int, top: Int, right: Int, bottom: Int
        public init(left: Int, top: Int, right: Int, bottom: Int) {
            self.left = left; self.top = top; self.right = right; self.bottom = bottom
        }
        public var width: Int { right - left + 1 }
        public var height: Int { bottom - top + 1 }

        /// Intersection over union of two inclusive boxes (0 when they do not overlap).
        public static func iou(_ a: Box, _ b: Box) -> Double {
            let w = min(a.right, b.right) - max(a.left, b.left) + 1, h = min(a.bottom, b.bottom) - max(a.top, b.top) + 1
            guard w > 0, h > 0 else { return 0 }
            let inter = Double(w * h)
            return inter / (Double(a.width * a.height) + Double(b.width * b.height) - inter)
        }
    }
    public var box: Box
    /// The detector's score for this window.
    public var confidence: Float
    /// The 5 landmarks of dlib's shape predictor, in its order.
    public var landmarks: [Point]
    /// The 128-D descriptor; faces of one person lie within 0.6 of each other (L2).
    public var descriptor: [Float]
    /// A face found by the proposal network alone, smaller than dlib's detector's 40 px window
    /// (the smallest it sees, at upsample 1). Its box is the proposal's mapped to dlib's box
    /// convention, and its descriptor is computed from an upsampled chip and less reliable.
    /// The summary counts these faces apart (`faces.small.*`).
    public var belowDetectorRange: Bool

    public struct Point: Codable, Hashable, Sendable {
        public var x: Int, y: Int
        public init(x: Int, y: Int) { self.x = x; self.y = y }
    }

    public init(box: Box, confidence: Float, landmarks: [Point], descriptor: [Float], belowDetectorRange: Bool = false) {
        self.box = box; self.confidence = confidence; self.landmarks = landmarks; self.descriptor = descriptor
        self.belowDetectorRange = belowDetectorRange
    }

    enum CodingKeys: String, CodingKey { case box, confidence, landmarks, descriptor, belowDetectorRange }

    /// JSON written before the flag existed has no `belowDetectorRange`: such a face was dlib's.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(box: try c.decode(Box.self, forKey: .box), confidence: try c.decode(Float.self, forKey: .confidence),
                  landmarks: try c.decode([Point].self, forKey: .landmarks),
                  descriptor: try c.decode([Float].self, forKey: .descriptor),
                  belowDetectorRange: try c.decodeIfPresent(Bool.self, forKey: .belowDetectorRange) ?? false)
    }
}
