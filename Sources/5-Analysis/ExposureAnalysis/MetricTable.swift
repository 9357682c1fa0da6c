import Foundation
import ExposureModel

/// The analysis as flat metric paths: the vocabulary rules test, defined here once. Each row
/// is a path, its meaning, what a finding's `items` counts, and how the analysis fills both;
/// ExposureRules checks rules against `paths`, and rules/README.md's "Metric vocabulary"
/// table is `markdown` (a test compares the two).
///
/// Each section of rows stands beside the code that measures it (`faceRows` beside
/// `Analysis.measureFaces`, `locationRows` beside `PlaceClustering`, ...); `rows` puts the
/// sections in documentation order. A new metric: its field in the section's result type, its
/// computation and its row; then its line in rules/README.md, which the test prints.
public enum MetricTable {
    /// One metric.
    public struct Row: Sendable {
        /// The dotted path a rule names ("faces.owner.labelled").
        public let path: String
        /// What the value is (rules/README.md's "value" column).
        public let meaning: String
        /// What the finding's `items` counts ("same": the items the value counts).
        public let items: String
        /// The value (nil: not computable) and the item count.
        let measure: @Sendable (Context) -> (value: Double?, items: Int)

        init(_ path: String, _ meaning: String, items: String, measure: @escaping @Sendable (Context) -> (value: Double?, items: Int)) {
            self.path = path; self.meaning = meaning; self.items = items; self.measure = measure
        }
    }

    /// Every metric, in documentation order.
    public static let rows: [Row] = faceRows + locationRows + deviceRows + peopleRows + audienceRows + linkageRows + videoRows

    /// Every metric path `build` fills, in documentation order.
    public static let paths: [String] = rows.map(\.path)

    /// The rows of rules/README.md's "Metric vocabulary" table, header included.
    public static var markdown: [String] {
        ["| metric | value | finding `items` |", "|---|---|---|"] + rows.map { "| `\($0.path)` | \($0.meaning) | \($0.items) |" }
    }

    /// What the rows read: the analysis, its input, and the face sets several sections share.
    struct Context {
        let r: AnalysisResult
        let input: AnalysisInput
        let items: [Int64: ItemInput]
        /// The owner identity's faces, below dlib's range included.
        let allOwnerFaces: [Int]
        let ownerSet: Set<Int>
        /// Owner faces in dlib's range; every faces.* path but faces.small.* counts those only (Analysis.measureFaces).
        let ownerFaces: [Int]
        /// Faces in dlib's range of everyone else.
        let otherFaces: [Int]

        init(_ r: AnalysisResult, input: AnalysisInput, items: [Int64: ItemInput]) {
            self.r = r; self.input = input; self.items = items
            allOwnerFaces = r.owner.map { r.identities[$0].faces } ?? []
            let ownerSet = Set(allOwnerFaces)
            self.ownerSet = ownerSet
            ownerFaces = allOwnerFaces.filter { !input.faces[$0].belowDetectorRange }
            otherFaces = input.faces.indices.filter { !ownerSet.contains($0) && !input.faces[$0].belowDetectorRange }
        }

        /// Below dlib's detector's range (`FaceInput.belowDetectorRange`).
        func small(_ face: Int) -> Bool { input.faces[face].belowDetectorRange }
        func distinctItems(_ faceIndices: some Sequence<Int>) -> Int { Set(faceIndices.map { input.faces[$0].itemID }).count }
    }

    static func build(_ r: AnalysisResult, input: AnalysisInput, items: [Int64: ItemInput]) -> ([String: Double?], [String: Int]) {
        let context = Context(r, input: input, items: items)
        var m: [String: Double?] = [:]
        var n: [String: Int] = [:]
        for row in rows {
            let (value, count) = row.measure(context)
            m[row.path] = .some(value); n[row.path] = count
        }
        return (m, n)
    }

    /// A count whose finding concerns the items it counts (`items` "same").
    static func same(_ path: String, _ meaning: String, _ count: @escaping @Sendable (Context) -> Int) -> Row {
        Row(path, meaning, items: "same") { c in let n = count(c); return (Double(n), n) }
    }

    /// Person names: measured here, from the items' tags.
    static let peopleRows: [Row] = [
        Row("people.xmp_region_names", "distinct names in XMP (MWG) face regions", items: "items with named regions") { c in
            let names = Set(c.input.items.flatMap { $0.faceRegions.map { PersonName.key($0.name) } }.filter { !$0.isEmpty })
            return (Double(names.count), c.input.items.filter { $0.faceRegions.contains { !PersonName.key($0.name).isEmpty } }.count)
        },
        Row("people.tagged_names", "distinct person names from any tag source", items: "items with names") { c in
            let tagged = Set(c.input.items.flatMap { $0.allPersonNames.map(PersonName.key) }.filter { !$0.isEmpty })
            return (Double(tagged.count), c.input.items.filter { $0.allPersonNames.contains { !PersonName.key($0).isEmpty } }.count)
        },
    ]
}
