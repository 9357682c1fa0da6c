import Foundation
import ExposureModel

// PART GROUPING: which inputs of one `exposure scan` are parts of one export (issue #16).
//
// Platforms deliver a large download as several files: Google Takeout `takeout-<stamp>-001.zip`,
// `-002.zip`…; Snapchat `mydata~<id>.zip` (json/, html/, chat_media/) plus `mydata~<id>-2.zip`,
// `-3.zip`… (memories/, more chat_media/); Facebook and Instagram several zips of one account. A photo
// and the JSON that describes it can sit in different parts, so the parts must be read as one tree.
// Two inputs are joined when they are COMPATIBLE (the same platform is recognised in both, or at
// least one holds no platform's files, e.g. a media-only part) and one of these holds:
//   1. REFERENCE: a file the JSON of one part names (a Meta `uri`, …) and does not hold is in the other
//      (same path, or the same path under one extra top folder);
//   2. SNAPCHAT MEMORIES: one part lists memories in json/memories_history.json it does not hold, and
//      the other holds only memories (and overlays) whose every day is among them;
//   3. SHARED ROOT: both trees sit under the same single top folder, and its name is no platform's
//      standard folder (`Takeout`, `json`, `media`, …) but a distinctive one (`facebook-zoe-2024…`);
//   4. NAMING SCHEME of the files: Takeout `<stem>-NNN`, Snapchat `mydata~<id>` / `mydata~<id>-K`,
//      Meta `facebook-|instagram-<account>-<date>-<suffix>` (same account and date, any suffix).
// Joining is transitive. Inside a group the parts are ordered by their scheme's number (Snapchat's
// unnumbered part is 1), then parts with metadata files before media-only ones, then by name: the
// result does not depend on the order given on the command line. Groups keep the order of their
// first input. A group that looks incomplete gets a note naming the parts it expects (a Takeout
// number missing, a Snapchat part without memories or memories without their JSON, Meta files
// named by the JSON but held by no given zip of a Meta-named download).
// Cost: with several inputs, each one's metadata files are parsed once more here (they are cached
// in memory); a single input whose name follows no scheme is not looked at, and a lone Takeout
// part only by its names.
public enum ExportParts {
    /// One input: its file names (one, or Takeout's -NNN parts already opened together) and its tree.
    public struct Input {
        public var names: [String]
        public var tree: ExportFileTree
        public init(names: [String], tree: ExportFileTree) { self.names = names; self.tree = tree }
    }

    public struct Plan: Equatable, Sendable {
        /// Indexes into the inputs, one array per export, parts in reading order.
        public var groups: [[Int]]
        /// Per group (same index): what looks missing, one line each.
        public var notes: [[String]]
    }

    /// How a file name says it is one part of a download.
    struct SchemeName: Equatable {
        enum Scheme: String { case takeout, snapchat, meta }
        var scheme: Scheme
        /// Same key = same download.
        var key: String
        /// Takeout's NNN, Snapchat's K (1 for the unnumbered part); nil for Meta.
        var number: Int?
        var stem: String
    }

    static func schemeName(_ fileName: String) -> SchemeName? {
        let lower = fileName.lowercased()
        // Zips and tarballs, or the folders they were extracted to (same name without the extension).
        let ext = [".tar.gz", ".tgz", ".zip"].first(where: { lower.hasSuffix($0) }) ?? ""
        let base = String(fileName.dropLast(ext.count))
        // Snapchat: mydata~<id>[-K]
        if base.lowercased().hasPrefix("mydata~") {
            let rest = base.dropFirst("mydata~".count)
            var id = String(rest), number = 1
            if let dash = rest.lastIndex(of: "-"), let k = Int(rest[rest.index(after: dash)...]), k >= 2, k < 1000 {
                id = String(rest[..<dash]); number = k
            }
            guard !id.isEmpty else { return nil }
            return SchemeName(scheme: .snapchat, key: "snapchat|" + id, number: number, stem: "mydata~" + id)
        }
        // Takeout-style: <stem>-NNN
        if let dash = base.lastIndex(of: "-") {
            let digits = base[base.index(after: dash)...]
            if digits.count == 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits) {
                let stem = String(base[..<dash])
                return SchemeName(scheme: .takeout, key: "takeout|" + stem + "|" + ext, number: n, stem: stem)
            }
        }
        // Meta: facebook-<account>-<YYYY-MM-DD or YYYYMMDD>-<suffix>
        for platform in ["facebook-", "instagram-"] where lower.hasPrefix(platform) {
            let fields = base.dropFirst(platform.count).split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            // account, date (one field YYYYMMDD or three fields YYYY MM DD), suffix
            if fields.count >= 5, fields[fields.count - 4].count == 4, fields[fields.count - 3].count == 2,
               fields[fields.count - 2].count == 2, (fields[fields.count - 4] + fields[fields.count - 3] + fields[fields.count - 2]).allSatisfy(\.isNumber) {
                let account = fields[..<(fields.count - 4)].joined(separator: "-")
                let date = fields[(fields.count - 4)..<(fields.count - 1)].joined(separator: "-")
                return SchemeName(scheme: .meta, key: "meta|" + platform + account + "|" + date, number: nil,
                                  stem: platform + account + "-" + date)
            }
            if fields.count >= 3, fields[fields.count - 2].count == 8, fields[fields.count - 2].allSatisfy(\.isNumber) {
                let account = fields[..<(fields.count - 2)].joined(separator: "-")
                return SchemeName(scheme: .meta, key: "meta|" + platform + account + "|" + fields[fields.count - 2], number: nil,
                                  stem: platform + account + "-" + fields[fields.count - 2])
            }
        }
        return nil
    }

    /// Top folders that are a platform's standard layout, never a sign of one download.
    static let genericRoots: Set<String> = [
        "takeout", "json", "html", "memories", "chat_media", "shared_story", "media", "content", "data",
        "your_facebook_activity", "your_activity_across_facebook", "your_instagram_activity", "posts", "photos_and_videos",
        "personal_information", "messages", "connections", "logged_information", "preferences", "security_and_login_information",
        "photos", "videos", "stories", "dcim", "pictures", "camera",
    ]

    /// What grouping needs to know about one input.
    struct Facts {
        var platform: Platform?
        var scheme: SchemeName?
        var paths: Set<String>
        var hasMetadata: Bool
        var missing: [String]
        var root: String?
        /// Snapchat: days (YYYY-MM-DD) of memories listed but not held; of memory files held.
        var missingMemoryDays: Set<String> = []
        var memoryFileDays: Set<String> = []
        var onlyMemories = false
        var memoryFiles = 0
        var name: String
        /// Each path minus its first folder (a tree wrapped in one more folder).
        var suffixes: Set<String> = []
    }

    /// `references`: read the part's metadata for the files it names and lacks (not needed for a
    /// lone Takeout part, whose notes come from its names).
    static func facts(_ input: Input, references: Bool = true) -> Facts {
        let tree = input.tree
        let paths = tree.paths
        let format = ExportFormatRegistry.detect(tree)
        let platform: Platform? = format.platform == .folder ? nil : format.platform
        let metadataExtensions: Set<String> = ["json", "js", "html", "htm"]
        let hasMetadata = paths.contains { metadataExtensions.contains(PathText.fileExtension(of: $0).lowercased()) }
        var missing: [String] = []
        if references, platform != nil, hasMetadata, let parsed = try? format.read(tree) {
            missing = parsed.media.filter { !$0.isPresent && !PathText.isRemote($0.path) }.map(\.path)
        }
        let tops = Set(paths.map { PathText.segments($0).first ?? "" })
        let root = tops.count == 1 && paths.allSatisfy({ $0.contains("/") }) ? tops.first : nil
        var suffixes: Set<String> = []
        for path in paths {
            let segments = PathText.segments(path)
            if segments.count > 1 { suffixes.insert(segments.dropFirst().joined(separator: "/")) }
        }
        var facts = Facts(platform: platform, scheme: input.names.first.flatMap(schemeName), paths: Set(paths),
                          hasMetadata: hasMetadata, missing: missing, root: root, name: input.names.first ?? "")
        facts.suffixes = suffixes
        if platform == .snapchat {
            facts.missingMemoryDays = Set(missing.filter { PathText.segments($0).first == "memories" }
                .map { String(PathText.basename($0).prefix(10)) })
        }
        let memoryFiles = paths.filter { MediaFiles.isMedia($0) && PathText.segments($0).dropLast().contains("memories") }
        facts.memoryFiles = memoryFiles.count
        facts.memoryFileDays = Set(memoryFiles.map { String(PathText.basename($0).prefix(10)) })
        facts.onlyMemories = !memoryFiles.isEmpty && paths.allSatisfy {
            PathText.segments($0).dropLast().contains("memories") || !MediaFiles.isMedia($0) && !metadataExtensions.contains(PathText.fileExtension(of: $0).lowercased())
        }
        return facts
    }

    static func compatible(_ a: Facts, _ b: Facts) -> Bool { a.platform == nil || b.platform == nil || a.platform == b.platform }

    /// Files `a`'s JSON names that `b` holds.
    static func referenced(from a: Facts, in b: Facts) -> Int {
        guard !a.missing.isEmpty else { return 0 }
        return a.missing.filter { b.paths.contains($0) || b.suffixes.contains($0) }.count
    }

    static func joined(_ a: Facts, _ b: Facts) -> Bool {
        guard compatible(a, b) else { return false }
        if referenced(from: a, in: b) > 0 || referenced(from: b, in: a) > 0 { return true }
        for (json, media) in [(a, b), (b, a)] where json.platform == .snapchat && media.onlyMemories
            && !json.missingMemoryDays.isEmpty && media.memoryFileDays.isSubset(of: json.missingMemoryDays) { return true }
        if let root = a.root, root == b.root, !genericRoots.contains(root.lowercased()), a.platform != nil || b.platform != nil {
            return true
        }
        if let sa = a.scheme, let sb = b.scheme, sa.key == sb.key { return true }
        return false
    }

    /// Groups the inputs (see the rule above) and notes what each group seems to lack.
    public static func plan(_ inputs: [Input]) -> Plan {
        guard !inputs.isEmpty else { return Plan(groups: [], notes: []) }
        // A single input named like no part is read as it is, without a second look at its files.
        if inputs.count == 1, inputs[0].names.count == 1, schemeName(inputs[0].names[0]) == nil {
            return Plan(groups: [[0]], notes: [[]])
        }
        let lone = inputs.count == 1 ? inputs[0].names.compactMap(schemeName) : []
        let needReferences = inputs.count > 1 || lone.contains { $0.scheme != .takeout }
        let facts = inputs.map { Self.facts($0, references: needReferences) }
        var parent = Array(inputs.indices)
        func find(_ i: Int) -> Int { var i = i; while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }; return i }
        for i in inputs.indices {
            for j in inputs.indices where j > i && find(i) != find(j) && joined(facts[i], facts[j]) {
                // Transitivity must not join two parts that exclude each other (two platforms).
                let members = inputs.indices.filter { find($0) == find(i) || find($0) == find(j) }
                let platforms = Set(members.compactMap { facts[$0].platform })
                if platforms.count <= 1 { parent[find(j)] = find(i) }
            }
        }
        var order: [Int] = []
        var members: [Int: [Int]] = [:]
        for i in inputs.indices {
            let root = find(i)
            if members[root] == nil { order.append(root) }
            members[root, default: []].append(i)
        }
        var groups: [[Int]] = []
        var notes: [[String]] = []
        for root in order {
            let group = members[root]!.sorted { x, y in
                let a = facts[x], b = facts[y]
                let na = a.scheme?.number ?? 0, nb = b.scheme?.number ?? 0
                if na != nb { return na < nb }
                if a.hasMetadata != b.hasMetadata { return a.hasMetadata }
                return a.name < b.name
            }
            groups.append(group)
            notes.append(expectations(group.map { (inputs[$0], facts[$0]) }))
        }
        return Plan(groups: groups, notes: notes)
    }

    /// What a group seems to lack, one line each (empty when nothing is missing).
    static func expectations(_ group: [(input: Input, facts: Facts)]) -> [String] {
        var notes: [String] = []
        let names = group.flatMap(\.input.names)
        let schemes = names.compactMap(schemeName)
        // Takeout: the numbers below the highest given.
        if let first = schemes.first(where: { $0.scheme == .takeout }) {
            let numbers = Set(schemes.filter { $0.key == first.key }.compactMap(\.number))
            let absent = (1...max(1, numbers.max() ?? 1)).filter { !numbers.contains($0) }
            if !absent.isEmpty {
                let list = absent.map { String(format: "\(first.stem)-%03d", $0) }.joined(separator: ", ")
                notes.append("part\(absent.count == 1 ? "" : "s") \(list) of this split Takeout export \(absent.count == 1 ? "was" : "were") not given: photos and sidecars in \(absent.count == 1 ? "it" : "them") are missing")
            }
        }
        let joinedFacts = group.map(\.facts)
        let missingMemories = joinedFacts.map(\.missingMemoryDays.count).reduce(0, +)
        let memoryFiles = joinedFacts.map(\.memoryFiles).reduce(0, +)
        let hasSnapchatJSON = joinedFacts.contains { $0.platform == .snapchat && $0.hasMetadata }
        if let first = schemes.first(where: { $0.scheme == .snapchat }) {
            let numbers = Set(schemes.filter { $0.key == first.key }.compactMap(\.number))
            if !numbers.contains(1) {
                notes.append("\(first.stem).zip (json/, html/, chat_media/) was not given: without its json/memories_history.json these memories have no dates or places")
            }
            let gaps = (2..<max(2, (numbers.max() ?? 1))).filter { !numbers.contains($0) }
            if !gaps.isEmpty {
                notes.append("part\(gaps.count == 1 ? "" : "s") " + gaps.map { "\(first.stem)-\($0).zip" }.joined(separator: ", ") + " of this Snapchat download \(gaps.count == 1 ? "was" : "were") not given")
            }
            if numbers.contains(1), hasSnapchatJSON, missingMemories > 0, memoryFiles == 0 {
                notes.append("json/memories_history.json lists memories this part does not hold: Snapchat delivers them in \(first.stem)-2.zip (memories/); give every part in one scan")
            }
        } else if !hasSnapchatJSON, memoryFiles > 0, joinedFacts.allSatisfy({ $0.onlyMemories }) {
            notes.append("holds Snapchat memories only: the part with json/memories_history.json (their dates and places) was not given")
        }
        if let first = schemes.first(where: { $0.scheme == .meta }) {
            let missing = Set(joinedFacts.flatMap(\.missing)).subtracting(joinedFacts.flatMap(\.paths)).count
            if missing > 0 {
                notes.append("\(missing) file\(missing == 1 ? "" : "s") named by this download's JSON \(missing == 1 ? "is" : "are") in none of the given zips: Meta delivers a large download as several zips of one account (\(first.stem)-…); give them all in one scan")
            } else if !joinedFacts.contains(where: \.hasMetadata) {
                notes.append("holds media only: the zip of this download with its JSON (\(first.stem)-…) was not given")
            }
        }
        return notes
    }
}
