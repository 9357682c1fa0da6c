import ExposureModel
import ExposureStore
import Foundation

/// `exposure plan`: which deletions take back the most. A deletion is a post (every
/// occurrence sharing a platform post id) or a single photo outside posts; an item is
/// gone only when every place it appears in is deleted. Greedy: each step takes the
/// deletion that removes the most of the goal, ties broken by how much of the goal it
/// touches, then by date (oldest first) for a stable order.
public enum PlanGoal: String, CaseIterable, Codable, Sendable {
    case labelledFaces = "labelled-faces", ownerFaces = "owner-faces", location, all
    /// What anyone could see: public items, each worth 1 plus what `all` counts in it.
    case `public`
}

public struct DeletionPlan: Codable, Sendable {
    /// Version 2 added `notes` (faces not searched: face counts left out, not counted as zero).
    public var schema = "exposure.plan/2"
    public var goal: PlanGoal
    /// What the plan could not count, one line each.
    public var notes: [String] = []
    public var steps: [Step]
    /// What the first 10, 50 and 100 deletions (or all, when fewer) remove of each metric.
    public var milestones: [Milestone]

    public struct Step: Codable, Sendable, Equatable {
        public var rank: Int
        /// How the user finds it on the platform.
        public var platform: String
        public var kind: String
        public var date: String?
        public var album: String?
        public var caption: String?
        public var link: String?
        public var platformID: String?
        public var files: [String]
        /// Goal units this step removes (given the steps before it).
        public var gain: Double
    }
    public struct Milestone: Codable, Sendable, Equatable {
        public var deletions: Int
        public var removed: [String: Int]
        public var remaining: [String: Int]
    }
}

public enum DeletionPlanner {
    /// Per-item facts that the plan's metrics count. Faces below dlib's 40 px range count only
    /// in `smallOwner`/`smallOthers` (the summary's `faces.small.*`), as in the summary.
    struct ItemFacts {
        var ownerFaces = 0, ownerLabelled = 0, otherFaces = 0, otherLabelled = 0
        var smallOwner = 0, smallOthers = 0
        /// Videos: seconds of the owner's face on screen (the summary's `videos.owner_seconds`
        /// for this video), and whether anyone else appears.
        var ownerVideoSeconds = 0.0
        var othersOnVideo = false
        var located = false
        var ownerYear: Int?
        /// Public in at least one appearance (`Audience.widest`).
        var isPublic = false
    }

    struct Unit {
        var key: String
        var items: Set<Int64>
        var step: DeletionPlan.Step
        var sortDate: Double
    }

    /// Whether the goal counts faces (refused on an inventory whose faces were not searched).
    public static func needsFaces(_ goal: PlanGoal) -> Bool { goal == .labelledFaces || goal == .ownerFaces }

    public static func plan(_ s: InventorySnapshot, goal: PlanGoal, limit: Int) -> DeletionPlan {
        let facts = itemFacts(s)
        var units = deletionUnits(s)
        // How many undeleted units hold each item.
        var holders: [Int64: Int] = [:]
        for u in units { for i in u.items { holders[i, default: 0] += 1 } }

        func value(_ f: ItemFacts) -> Double {
            switch goal {
            case .labelledFaces: return Double(f.ownerLabelled)
            case .ownerFaces: return Double(f.ownerFaces)   // a video counts its owner tracks (one face each)
            case .location: return f.located ? 1 : 0
            case .all: return Double(3 * f.ownerLabelled + 2 * f.ownerFaces + f.otherLabelled + f.otherFaces) + (f.located ? 1 : 0)
            case .public:
                guard f.isPublic else { return 0 }
                return 1 + Double(3 * f.ownerLabelled + 2 * f.ownerFaces + f.otherLabelled + f.otherFaces) + (f.located ? 1 : 0)
            }
        }
        var steps: [DeletionPlan.Step] = []
        var deletedItems = Set<Int64>()
        var removedAfter: [[Int64]] = []   // items gone after each step
        while !units.isEmpty && steps.count < limit {
            var best = -1, bestGain = -1.0, bestTouch = -1.0
            for (index, u) in units.enumerated() {
                var gain = 0.0, touch = 0.0
                for i in u.items where !deletedItems.contains(i) {
                    let v = value(facts[i] ?? ItemFacts())
                    touch += v / Double(holders[i] ?? 1)
                    if holders[i] == 1 { gain += v }
                }
                if gain > bestGain || (gain == bestGain && touch > bestTouch) {
                    best = index; bestGain = gain; bestTouch = touch
                }
            }
            if bestTouch <= 0 { break }   // nothing left that serves the goal
            let u = units.remove(at: best)
            var gone: [Int64] = []
            for i in u.items {
                holders[i, default: 1] -= 1
                if holders[i] == 0 && !deletedItems.contains(i) { deletedItems.insert(i); gone.append(i) }
            }
            var step = u.step
            step.rank = steps.count + 1
            step.gain = bestGain
            steps.append(step)
            removedAfter.append(gone)
        }

        // Milestones: metrics over all items vs what the first N deletions remove.
        let allItems = s.items.map(\.id)
        func metrics(_ items: [Int64]) -> [String: Int] {
            var m = ["faces.owner.faces": 0, "faces.owner.labelled": 0, "faces.others.faces": 0,
                     "faces.others.labelled": 0, "faces.small.owner": 0, "faces.small.others": 0,
                     "location.items_with_any_location": 0, "items.total": items.count,
                     "audience.public_items": 0, "audience.public_owner_photos": 0,
                     "videos.with_owner": 0, "videos.owner_seconds": 0, "videos.with_others": 0]
            var ownerSeconds = 0.0
            var years = Set<Int>()
            for i in items {
                guard let f = facts[i] else { continue }
                m["faces.owner.faces"]! += f.ownerFaces; m["faces.owner.labelled"]! += f.ownerLabelled
                m["faces.others.faces"]! += f.otherFaces; m["faces.others.labelled"]! += f.otherLabelled
                m["faces.small.owner"]! += f.smallOwner; m["faces.small.others"]! += f.smallOthers
                if f.located { m["location.items_with_any_location"]! += 1 }
                if f.isPublic {
                    m["audience.public_items"]! += 1
                    if f.ownerFaces > 0 { m["audience.public_owner_photos"]! += 1 }
                }
                if let y = f.ownerYear { years.insert(y) }
                if f.ownerVideoSeconds > 0 { m["videos.with_owner"]! += 1; ownerSeconds += f.ownerVideoSeconds }
                if f.othersOnVideo { m["videos.with_others"]! += 1 }
            }
            m["videos.owner_seconds"] = Int(ownerSeconds.rounded())
            m["faces.owner.years"] = years.count
            m["faces.small.detected"] = m["faces.small.owner"]! + m["faces.small.others"]!
            return m
        }
        let total = metrics(allItems)
        var milestones: [DeletionPlan.Milestone] = []
        for n in [10, 50, 100] where n <= max(steps.count, 10) {
            let k = min(n, steps.count)
            let gone = Set(removedAfter.prefix(k).flatMap { $0 })
            let remaining = metrics(allItems.filter { !gone.contains($0) })
            var removed: [String: Int] = [:]
            for (key, v) in total { removed[key] = v - (remaining[key] ?? 0) }
            milestones.append(.init(deletions: k, removed: removed, remaining: remaining))
            if k < n { break }
        }
        var plan = DeletionPlan(goal: goal, steps: steps, milestones: milestones)
        if !SnapshotSummary.scanStatus(s).facesSearched {
            // Unknown, not zero: without a face search the plan counts no face metric.
            func known(_ m: [String: Int]) -> [String: Int] {
                m.filter { !$0.key.hasPrefix("faces.") && !$0.key.hasPrefix("videos.") && !Summary.needsFaces.contains($0.key) }
            }
            plan.milestones = plan.milestones.map { .init(deletions: $0.deletions, removed: known($0.removed), remaining: known($0.remaining)) }
            plan.notes.append(ScanStatus.noFacesNote)
        }
        return plan
    }

    static func itemFacts(_ s: InventorySnapshot) -> [Int64: ItemFacts] {
        let owners = Set(s.identities.filter(\.isOwner).map(\.id))
        let filesByItem = Dictionary(grouping: s.files, by: \.itemID)
        var facts: [Int64: ItemFacts] = [:]
        for item in s.items {
            var f = ItemFacts()
            let files = filesByItem[item.id, default: []]
            f.located = (item.embedded?.gps?.isMeaningful ?? false)
                || files.contains { $0.platformMetadata?.location?.isMeaningful ?? false }
            f.isPublic = Audience.widest(files.flatMap { $0.appearances.map(\.audience) }) == .public
            facts[item.id] = f
        }
        let years: [Int64: Int] = Dictionary(uniqueKeysWithValues: s.items.compactMap { item in
            SummaryBuilder.captureDate(item: item, files: filesByItem[item.id, default: []])
                .flatMap { Int($0.prefix(4)) }.map { (item.id, $0) }
        })
        for face in s.faces {
            var f = facts[face.itemID] ?? ItemFacts()
            let isOwner = face.identityID.map(owners.contains) ?? false
            if face.face.belowDetectorRange {
                if isOwner { f.smallOwner += 1 } else { f.smallOthers += 1 }
            } else if isOwner {
                f.ownerFaces += 1
                if face.labelled { f.ownerLabelled += 1 }
                if let y = years[face.itemID] { f.ownerYear = y }
            } else {
                f.otherFaces += 1
                if face.labelled { f.otherLabelled += 1 }
            }
            facts[face.itemID] = f
        }
        // Videos: the analysis' per-video seconds (tracks merged where they overlap).
        for video in s.storedAnalysis.perVideo ?? [] {
            var f = facts[video.itemID] ?? ItemFacts()
            f.ownerVideoSeconds = video.ownerSeconds
            f.othersOnVideo = video.othersSeconds > 0
            facts[video.itemID] = f
        }
        return facts
    }

    /// Posts (by platform post id) and single photos outside posts.
    static func deletionUnits(_ s: InventorySnapshot) -> [Unit] {
        let platformOfSource = Dictionary(uniqueKeysWithValues: s.sources.map { ($0.id, $0.platform) })
        var units: [String: Unit] = [:]
        for f in s.files {
            let platform = platformOfSource[f.sourceID] ?? ""
            let post = f.appearances.first { $0.platformID != nil && ($0.kind == .post || $0.kind == .tweet || $0.kind == .story) }
            let a = post ?? f.appearances.first
            let key = post.map { "\(platform)/post/\($0.platformID!)" } ?? "\(platform)/file/\(f.sourceID)/\(f.path)"
            let date = (a?.postTime ?? f.platformMetadata?.takenTime).map(SummaryBuilder.utcDateString)
            var unit = units[key] ?? Unit(
                key: key, items: [],
                step: .init(rank: 0, platform: platform, kind: (a?.kind ?? .other).rawValue, date: date, album: a?.album,
                            caption: a?.caption, link: a?.link, platformID: a?.platformID, files: [], gain: 0),
                sortDate: a?.postTime?.timeIntervalSince1970 ?? 0)
            unit.items.insert(f.itemID)
            unit.step.files.append(f.path)
            units[key] = unit
        }
        return units.values.sorted { ($0.sortDate, $0.key) < ($1.sortDate, $1.key) }
    }
}
