// Results of the analysis that the inventory keeps beside the summary's metrics (ExposureStore's
// StoredAnalysis) and the report and plan read back: what ties the accounts together, link by
// link, and the per-video facts behind the `videos` counts. Defined here, with the metrics, so
// the store keeps them without depending on the analysis.
import Foundation

/// One thing that appears in more than one account.
public struct AccountLink: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case repostedPhoto = "reposted_photo", cameraSerial = "camera_serial", ownerName = "owner_name", face
    }
    public var kind: Kind
    /// The serial number or name; for a face the identity's name (or "" when unnamed) and whether
    /// it is the owner's; for a photo "".
    public var value: String
    public var isOwner: Bool
    /// The accounts' labels (`AccountInput.label`), sorted.
    public var accounts: [String]
    /// The items behind the link, ascending.
    public var items: [Int64]

    public init(kind: Kind, value: String, isOwner: Bool, accounts: [String], items: [Int64]) {
        self.kind = kind; self.value = value; self.isOwner = isOwner; self.accounts = accounts; self.items = items
    }
}

/// The analysis's linkage: the links and the summary's `linkage` metrics measured from them.
public struct LinkageResult: Codable, Hashable, Sendable {
    public var links: [AccountLink]
    public var metrics: LinkageMetrics

    public init(links: [AccountLink], metrics: LinkageMetrics) { self.links = links; self.metrics = metrics }
}

extension VideoFaceMetrics {
    /// Per-video facts behind the counts, for the report and the item counts of findings.
    public struct PerVideo: Codable, Hashable, Sendable {
        public var itemID: Int64
        public var ownerSeconds: Double
        public var ownerViews: Int
        public var othersSeconds: Double
        /// Distinct identities (ids of `AnalysisResult.identities`) with a track in the video.
        public var identities: [Int]

        public init(itemID: Int64, ownerSeconds: Double, ownerViews: Int, othersSeconds: Double, identities: [Int]) {
            self.itemID = itemID; self.ownerSeconds = ownerSeconds; self.ownerViews = ownerViews
            self.othersSeconds = othersSeconds; self.identities = identities
        }
    }
}
