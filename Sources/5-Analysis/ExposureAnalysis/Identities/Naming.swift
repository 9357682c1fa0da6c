import Foundation
import ExposureModel

/// Person names compared the way people read them: Unicode NFC, surrounding
/// whitespace trimmed, inner whitespace runs collapsed, case-folded.
public enum PersonName {
    public static func key(_ name: String) -> String {
        let nfc = name.precomposedStringWithCanonicalMapping
        let words = nfc.split(whereSeparator: { $0.isWhitespace })
        return words.joined(separator: " ").lowercased()
    }
    /// The display form: NFC, trimmed, inner whitespace collapsed, case kept.
    public static func display(_ name: String) -> String {
        name.precomposedStringWithCanonicalMapping.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// Naming identities by majority vote of the person names on the items their faces are in.
///
/// Votes, per identity and name:
/// - an XMP face region whose rectangle overlaps one of the item's faces names that face
///   directly: weight `regionWeight` (3) for that face's identity only;
/// - an item with exactly one face and exactly one (remaining) name: weight `soleWeight` (3);
/// - any other item: weight 1 for each (identity, name) pair on it.
/// Names then go to identities greedily by weight (ties: larger identity, then lower id,
/// then name order): each name to one identity and each identity one name, so a friend
/// who always stands beside the tagged owner does not inherit the owner's name.
public enum IdentityNaming {
    public static let regionWeight = 3
    public static let soleWeight = 3
    /// A region names a face when intersection / smaller area >= this.
    public static let regionOverlap = 0.5

    public struct Vote: Hashable, Sendable { public var identity: Int; public var nameKey: String }

    /// Display name per identity id (nil when unnamed).
    public static func names(faces: [FaceInput], identityOfFace: [Int], identityCount: Int,
                             items: [Int64: ItemInput]) -> [String?] {
        var weight: [Vote: Int] = [:]
        var display: [String: String] = [:]        // key -> first display form seen (item order)
        var facesByItem: [Int64: [Int]] = [:]
        for (f, face) in faces.enumerated() { facesByItem[face.itemID, default: []].append(f) }
        for itemID in facesByItem.keys.sorted() {
            guard let item = items[itemID], let faceIdx = facesByItem[itemID] else { continue }
            for n in item.allPersonNames {
                let k = PersonName.key(n)
                if !k.isEmpty && display[k] == nil { display[k] = PersonName.display(n) }
            }
            // 1. Regions that land on a face name it directly.
            var regionNamed = Set<String>()
            for region in item.faceRegions {
                let k = PersonName.key(region.name)
                guard !k.isEmpty, let f = faceForRegion(region, item: item, faces: faceIdx.map { faces[$0] }) else { continue }
                weight[Vote(identity: identityOfFace[faceIdx[f]], nameKey: k), default: 0] += regionWeight
                regionNamed.insert(k)
            }
            // 2. The remaining names vote for every identity on the item.
            var remaining: [String] = []
            for n in item.allPersonNames {
                let k = PersonName.key(n)
                if !k.isEmpty && !regionNamed.contains(k) && !remaining.contains(k) { remaining.append(k) }
            }
            let identitiesHere = Set(faceIdx.map { identityOfFace[$0] })
            let w = (faceIdx.count == 1 && remaining.count == 1) ? soleWeight : 1
            for id in identitiesHere { for k in remaining { weight[Vote(identity: id, nameKey: k), default: 0] += w } }
        }
        var sizes = [Int](repeating: 0, count: identityCount)
        for id in identityOfFace where id >= 0 { sizes[id] += 1 }
        let ranked = weight.sorted { x, y in
            if x.value != y.value { return x.value > y.value }
            if sizes[x.key.identity] != sizes[y.key.identity] { return sizes[x.key.identity] > sizes[y.key.identity] }
            if x.key.identity != y.key.identity { return x.key.identity < y.key.identity }
            return x.key.nameKey < y.key.nameKey
        }
        var result = [String?](repeating: nil, count: identityCount)
        var usedNames = Set<String>()
        for (vote, _) in ranked where result[vote.identity] == nil && !usedNames.contains(vote.nameKey) {
            result[vote.identity] = display[vote.nameKey] ?? vote.nameKey
            usedNames.insert(vote.nameKey)
        }
        return result
    }

    /// The index (into `faces`) of the face a region names, or nil. Needs the item's pixel
    /// size and face boxes; regions are MWG centre/size fractions of the image.
    static func faceForRegion(_ region: FaceRegion, item: ItemInput, faces: [FaceInput]) -> Int? {
        guard let w = item.width, let h = item.height, w > 0, h > 0 else { return nil }
        let rx0 = (region.centerX - region.width / 2) * Double(w), rx1 = (region.centerX + region.width / 2) * Double(w)
        let ry0 = (region.centerY - region.height / 2) * Double(h), ry1 = (region.centerY + region.height / 2) * Double(h)
        var best: Int? = nil, bestScore = 0.0
        for (i, face) in faces.enumerated() {
            guard let b = face.box else { continue }
            // dlib boxes are inclusive: right/bottom + 1 is the exclusive edge.
            let fx0 = Double(b.left), fx1 = Double(b.right + 1), fy0 = Double(b.top), fy1 = Double(b.bottom + 1)
            let ix = max(0, min(rx1, fx1) - max(rx0, fx0)), iy = max(0, min(ry1, fy1) - max(ry0, fy0))
            let smaller = min((rx1 - rx0) * (ry1 - ry0), (fx1 - fx0) * (fy1 - fy0))
            guard smaller > 0 else { continue }
            let score = ix * iy / smaller
            if score >= regionOverlap && score > bestScore { best = i; bestScore = score }
        }
        return best
    }
}
