/// The summary's `scan` object (schema 5): whether the numbers are whole. An interrupted or
/// failed scan, or one made with `--no-faces`, must never read as a finished face scan with
/// zeros: every reader (summary, report, plan, diff) says so instead.
public struct ScanStatus: Codable, Equatable, Sendable {
    /// The inventory's record of its last scan (`setting` table): "scanning" from the scan's first
    /// write until its analysis is stored, then "finished".
    public static let settingKey = "scan_state"
    public static let scanning = "scanning", finished = "finished"

    /// False when the last scan into the inventory was interrupted or failed.
    public var finished: Bool
    /// False when the inventory was made with `--no-faces` (or some photos' faces were never searched).
    public var facesSearched: Bool
    /// How faces were searched (the inventory's `face_search` setting), nil without faces.
    public var faceSearch: String?
    /// What a person should know before reading the numbers, one line each ("unfinished scan: ...").
    public var notes: [String]

    enum CodingKeys: String, CodingKey { case finished, facesSearched = "faces_searched", faceSearch = "face_search", notes }

    public init(finished: Bool = true, facesSearched: Bool = true, faceSearch: String? = nil) {
        self.finished = finished; self.facesSearched = facesSearched; self.faceSearch = faceSearch
        notes = []
        if !finished { notes.append(Self.unfinishedNote) }
        if !facesSearched { notes.append(Self.noFacesNote) }
    }

    public static let unfinishedNote = "unfinished scan: the last scan into this inventory was interrupted or failed; run the same command again to resume"
    public static let noFacesNote = "faces were not searched (the scan ran with --no-faces): face numbers are unknown, not zero; rescan without --no-faces to measure them"

    /// Whether the analysis's numbers (faces, audience, linkage, videos, findings) can be read.
    public var analysisComplete: Bool { finished }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(finished, forKey: .finished)
        try c.encode(facesSearched, forKey: .facesSearched)
        try c.encode(faceSearch, forKey: .faceSearch)   // explicit null
        try c.encode(notes, forKey: .notes)
    }
}
