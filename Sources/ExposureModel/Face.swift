/// A face found by the detector, in pixels of the decoded image after EXIF orientation.
public struct DetectedFace: Codable, Hashable, Sendable {
    /// dlib's raw rectangle: inclusive, may extend past the image edge.
    public struct Box: Codable, Hashable, Sendable {
        public var left: Int, top: Int, right: Int, bottom: Int
        public init(left: Int, top: Int, right: Int, bottom: Int) {
            self.left = left; self.top = top; self.right = right; self.bottom = bottom
        }
        public var width: Int { right - left + 1 }
        public var height: Int { bottom - top + 1 }
    }
    public var box: Box
    /// The detector's score for this window.
    public var confidence: Float
    /// The 5 landmarks of dlib's shape predictor, in its order.
    public var landmarks: [Point]
    /// The 128-D descriptor; faces of one person lie within 0.6 of each other (L2).
    public var descriptor: [Float]

    public struct Point: Codable, Hashable, Sendable {
        public var x: Int, y: Int
        public init(x: Int, y: Int) { self.x = x; self.y = y }
    }

    public init(box: Box, confidence: Float, landmarks: [Point], descriptor: [Float]) {
        self.box = box; self.confidence = confidence; self.landmarks = landmarks; self.descriptor = descriptor
    }
}
