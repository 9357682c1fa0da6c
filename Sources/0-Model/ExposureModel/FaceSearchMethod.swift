/// How a scan searches for faces (`--search`; FaceAnalysis.FaceSearch runs it). `.fast`: a
/// proposal network points at faces and dlib's detector decides there, faces from 20 px.
/// `.dlib`: dlib's detector over the whole photo, faces from 40 px.
public enum FaceSearchMethod: String, Sendable, CaseIterable {
    case fast, dlib

    /// The inventory's `setting` key recording how its faces were searched (absent: `--no-faces`).
    public static let settingKey = "face_search"

    /// The smallest face looked for unless told otherwise (`--smallest-face`).
    public var defaultSmallestFace: Int { self == .fast ? 20 : 40 }
    /// `--smallest-face` bounds: the proposal network sees faces from 20 px, dlib's detector at upsample 1 from 40.
    public var smallestFaceRange: ClosedRange<Int> { self == .fast ? 20...400 : 40...400 }
}
