import ExposureModel
import Foundation
import GRDB

/// The analysis's results that are not rows of their own (identities, places and devices are):
/// the metrics the rules test, the summary's faces, audience, linkage and videos objects, and
/// what the report and plan read back. One row of `stored_analysis`, one JSON column per part,
/// written and read only here. A part is nil when the inventory holds none: no analysis ran, or
/// the version of Exposure that ran it did not measure that part yet.
public struct StoredAnalysis: Hashable, Sendable {
    public var faces: FaceMetrics?
    /// Metric values by vocabulary path (rules/README.md); a nil value = not computable.
    public var metrics: [String: Double?]?
    /// Items involved per metric path (a finding's `items`).
    public var itemCounts: [String: Int]?
    /// How the owner was chosen (the analysis's `OwnerReason` raw value).
    public var ownerReason: String?
    public var distinctPlaces: Int?
    /// Items whose embedded thumbnail differs from the image.
    public var staleThumbnails: [Int64]?
    public var audience: AudienceMetrics?
    public var linkage: LinkageResult?
    public var videos: VideoFaceMetrics?
    public var perVideo: [VideoFaceMetrics.PerVideo]?

    public init(faces: FaceMetrics? = nil, metrics: [String: Double?]? = nil, itemCounts: [String: Int]? = nil,
                ownerReason: String? = nil, distinctPlaces: Int? = nil, staleThumbnails: [Int64]? = nil,
                audience: AudienceMetrics? = nil, linkage: LinkageResult? = nil, videos: VideoFaceMetrics? = nil,
                perVideo: [VideoFaceMetrics.PerVideo]? = nil) {
        self.faces = faces; self.metrics = metrics; self.itemCounts = itemCounts; self.ownerReason = ownerReason
        self.distinctPlaces = distinctPlaces; self.staleThumbnails = staleThumbnails; self.audience = audience
        self.linkage = linkage; self.videos = videos; self.perVideo = perVideo
    }
}

extension StoredAnalysis {
    /// The columns of `stored_analysis` (migration v7-stored-analysis), in order.
    static let columns = ["faces", "metrics", "item_counts", "owner_reason", "distinct_places", "stale_thumbnails",
                          "audience", "linkage", "videos", "per_video"]

    /// Replaces the stored row. JSON with sorted keys: the same analysis gives the same bytes.
    func write(_ db: Database) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ v: T?) throws -> String? { try v.map { String(decoding: try encoder.encode($0), as: UTF8.self) } }
        let values: [(any DatabaseValueConvertible)?] = [
            try json(faces), try json(metrics), try json(itemCounts), ownerReason, distinctPlaces, try json(staleThumbnails),
            try json(audience), try json(linkage), try json(videos), try json(perVideo),
        ]
        try db.execute(sql: "DELETE FROM stored_analysis")
        try db.execute(sql: "INSERT INTO stored_analysis(id, \(Self.columns.joined(separator: ", "))) VALUES (1\(String(repeating: ", ?", count: values.count)))",
                       arguments: StatementArguments(values))
    }

    /// The stored row; every part nil when there is none. A part that does not decode reads as
    /// absent, so a damaged analysis never keeps the inventory from opening (a scan replaces it).
    static func read(_ db: Database) throws -> StoredAnalysis {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM stored_analysis WHERE id = 1") else { return StoredAnalysis() }
        let decoder = JSONDecoder()
        func part<T: Decodable>(_ column: String) -> T? {
            (row[column] as String?).flatMap { try? decoder.decode(T.self, from: Data($0.utf8)) }
        }
        return StoredAnalysis(faces: part("faces"), metrics: part("metrics"), itemCounts: part("item_counts"),
                              ownerReason: row["owner_reason"], distinctPlaces: row["distinct_places"],
                              staleThumbnails: part("stale_thumbnails"), audience: part("audience"), linkage: part("linkage"),
                              videos: part("videos"), perVideo: part("per_video"))
    }
}
