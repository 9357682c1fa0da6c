// The face metrics: what the analysis measures (ExposureAnalysis.Analysis.measureFaces) and
// the summary reports (`Summary.faces`), one type for both.

/// The summary contract's `faces.owner` object.
public struct OwnerFaceMetrics: Codable, Hashable, Sendable {
    public var faces: Int
    public var labelled: Int
    /// Distinct capture years of items with owner faces.
    public var years: Int
    public var firstYear: Int?
    public var lastYear: Int?
    /// Items other than profile pictures with a face within 0.6 of an owner face seen in a
    /// profile picture; nil when no profile picture shows the owner.
    public var matchableFromProfile: Int?

    enum CodingKeys: String, CodingKey {
        case faces, labelled, years, firstYear = "first_year", lastYear = "last_year"
        case matchableFromProfile = "matchable_from_profile"
    }
    public init(faces: Int = 0, labelled: Int = 0, years: Int = 0, firstYear: Int? = nil, lastYear: Int? = nil,
                matchableFromProfile: Int? = nil) {
        self.faces = faces; self.labelled = labelled; self.years = years
        self.firstYear = firstYear; self.lastYear = lastYear; self.matchableFromProfile = matchableFromProfile
    }
    /// Writes null (not an absent key) for unknown values, as the contract shows every key.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(faces, forKey: .faces); try c.encode(labelled, forKey: .labelled); try c.encode(years, forKey: .years)
        try c.encode(firstYear, forKey: .firstYear); try c.encode(lastYear, forKey: .lastYear)
        try c.encode(matchableFromProfile, forKey: .matchableFromProfile)
    }
}

/// The summary contract's `faces.others` object: everyone but the owner.
public struct OtherFaceMetrics: Codable, Hashable, Sendable {
    public var identities: Int
    public var faces: Int
    public var labelled: Int
    public init(identities: Int = 0, faces: Int = 0, labelled: Int = 0) {
        self.identities = identities; self.faces = faces; self.labelled = labelled
    }
}

/// The summary contract's `faces.small` object: faces the proposal network found below dlib's
/// detector's 40 px window (`FaceInput.belowDetectorRange`). They are clustered into identities
/// like any face, and counted only here.
public struct SmallFaceMetrics: Codable, Hashable, Sendable {
    /// Faces below dlib's range.
    public var detected: Int
    /// Of them, faces in the owner's identity.
    public var owner: Int
    /// Of them, faces of everyone else.
    public var others: Int
    public init(detected: Int = 0, owner: Int = 0, others: Int = 0) {
        self.detected = detected; self.owner = owner; self.others = others
    }
}

/// The summary contract's `faces` object. Every count but `small` is of faces in dlib's
/// detector's range (40 px and up); `identities` counts the identities with such a face.
public struct FaceMetrics: Codable, Hashable, Sendable {
    public var detected: Int
    public var itemsWithFaces: Int
    public var identities: Int
    public var owner: OwnerFaceMetrics
    public var others: OtherFaceMetrics
    public var small: SmallFaceMetrics
    enum CodingKeys: String, CodingKey {
        case detected, itemsWithFaces = "items_with_faces", identities, owner, others, small
    }
    public init(detected: Int = 0, itemsWithFaces: Int = 0, identities: Int = 0, owner: OwnerFaceMetrics = OwnerFaceMetrics(),
                others: OtherFaceMetrics = OtherFaceMetrics(), small: SmallFaceMetrics = SmallFaceMetrics()) {
        self.detected = detected; self.itemsWithFaces = itemsWithFaces; self.identities = identities
        self.owner = owner; self.others = others; self.small = small
    }
}

extension FaceMetrics {
    /// Analyses stored before faces below dlib's range existed have no `small`: none were found.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(detected: try c.decode(Int.self, forKey: .detected), itemsWithFaces: try c.decode(Int.self, forKey: .itemsWithFaces),
                  identities: try c.decode(Int.self, forKey: .identities), owner: try c.decode(OwnerFaceMetrics.self, forKey: .owner),
                  others: try c.decode(OtherFaceMetrics.self, forKey: .others),
                  small: try c.decodeIfPresent(SmallFaceMetrics.self, forKey: .small) ?? SmallFaceMetrics())
    }
}
