import ExposureAnalysis
import ExposureModel
import ExposurePipeline
import ExposureTestSupport
import Foundation
import MediaMetadata

/// `exposure-bench linkage [--photos N] [--variants K]`: how well perceptual hashes find a photo
/// re-posted elsewhere, and what finding them costs.
///
/// N distinct generated photos (SyntheticScenes, 480-1280 px, JPEG quality 90) and K re-posted
/// variants of each (resized 0.25-1x, cropped up to 15% of each side, a mild colour filter, JPEG
/// quality 50-95, all at once). For every threshold: the variants found (recall), the pairs of
/// different photos linked (false links) and the precision. Then the time of the linkage search
/// (multi-index, the product's) against comparing every pair (the reference), and the per-photo
/// cost of hashing next to the rest of the metadata inspection.
enum LinkageBench {
    /// `exposure-bench make-scenes N DIR [WIDTH HEIGHT]`: N distinct generated photos (JPEG quality
    /// 88, a camera serial on every tenth) for scripts/bench-linkage, as two exports: the first half
    /// in DIR/part-1, the second in DIR/part-2, which also holds a re-post (resized, cropped,
    /// filtered, re-encoded) of every 25th photo of part 1.
    static func makeScenes(_ args: [String]) throws {
        guard args.count >= 2, let count = Int(args[0]) else { print("usage: exposure-bench make-scenes N DIR [WIDTH HEIGHT]"); exit(2) }
        let dir = URL(fileURLWithPath: args[1])
        let width = args.count > 2 ? Int(args[2]) ?? 800 : 800, height = args.count > 3 ? Int(args[3]) ?? 600 : 600
        let parts = [dir.appendingPathComponent("part-1"), dir.appendingPathComponent("part-2")]
        for part in parts { try FileManager.default.createDirectory(at: part, withIntermediateDirectories: true) }
        var rng = SplitMix64(seed: 0x5CE7E5)
        var reposts = 0
        for i in 0..<count {
            let scene = SyntheticScenes.scene(width: width, height: height, seed: rng.next())
            let exif = i % 10 == 0 ? try ExifWriter.app1Payload(ExifWriter.Spec(EmbeddedMetadata(make: "Canon", model: "EOS R",
                                                                                                  bodySerialNumber: "SN\(i % 3)"))) : nil
            let part = parts[i < count / 2 ? 0 : 1]
            try ImageEncoder.jpeg(scene, quality: 88, exif: exif).write(to: part.appendingPathComponent(String(format: "IMG_%05d.jpg", i)))
            if i < count / 2 && i % 25 == 0 {
                let repost = SyntheticScenes.Repost.random(&rng)
                try ImageEncoder.jpeg(repost.apply(scene), quality: repost.jpegQuality)
                    .write(to: parts[1].appendingPathComponent(String(format: "repost_%05d.jpg", i)))
                reposts += 1
            }
        }
        print("wrote \(count) photos of \(width)x\(height) and \(reposts) re-posts to \(dir.path)/part-1 and part-2")
    }

    /// `exposure-bench linkage-time DB`: seconds of the linkage step (the near-duplicate search and the
    /// identifier links) on an inventory, median of 5.
    static func time(_ args: [String]) throws {
        guard let path = args.first else { print("usage: exposure-bench linkage-time DB"); exit(2) }
        let input = try Workflows.analysisInput(database: path)
        var seconds: [Double] = []
        var result: LinkageResult? = nil
        for _ in 0..<5 {
            let t0 = Date()
            result = Linkage.links(input, identities: [], identityOfFace: [], owner: nil)
            seconds.append(Date().timeIntervalSince(t0))
        }
        let m = result?.metrics ?? LinkageMetrics()
        print(String(format: "linkage of %d items (%d with fingerprints): median %.3f s; %d links: %d re-posted photos, %d camera serials, %d accounts linked",
                     input.items.count, input.items.filter { $0.fingerprint != nil }.count, median(seconds), result?.links.count ?? 0,
                     m.repostedPhotos, m.cameraSerials, m.linkedAccounts))
    }

    static func run(_ args: [String]) throws {
        var photos = 1000, variants = 1
        var dump: URL? = nil
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--photos": photos = Int(args[i + 1]) ?? photos; i += 2
            case "--variants": variants = Int(args[i + 1]) ?? variants; i += 2
            case "--compare": NearDuplicates.compared = Int(args[i + 1]) ?? 16; i += 2
            case "--dump": dump = URL(fileURLWithPath: args[i + 1]); i += 2  // writes the falsely linked pairs as JPEGs
            default: print("usage: exposure-bench linkage [--photos N] [--variants K]"); exit(2)
            }
        }
        var rng = SplitMix64(seed: 0x11A4_0E5)
        var originals: [PerceptualFingerprint?] = [], reposts: [PerceptualFingerprint?] = [], repostOf: [Int] = [], descriptions: [String] = []
        var inspectSeconds: [Double] = [], hashSeconds: [Double] = []
        var pictures: [Data] = []
        let started = Date()
        for p in 0..<photos {
            let shapes = [(4, 3), (3, 2), (1, 1), (3, 4), (16, 9)]
            let shape = shapes[Int(rng.next() % UInt64(shapes.count))]
            let long = 480 + Int(rng.next() % 801)
            let (w, h) = shape.0 >= shape.1 ? (long, long * shape.1 / shape.0) : (long * shape.0 / shape.1, long)
            let scene = SyntheticScenes.scene(width: w, height: h, seed: rng.next())
            let jpeg = try ImageEncoder.jpeg(scene, quality: 90)
            if dump != nil { pictures.append(jpeg) }
            let t0 = Date()
            _ = MediaInspector.inspect(jpeg, filename: "p.jpg")
            let t1 = Date()
            originals.append(try PerceptualHash.fingerprint(ofEncoded: jpeg, width: w, height: h))
            let t2 = Date()
            inspectSeconds.append(t1.timeIntervalSince(t0)); hashSeconds.append(t2.timeIntervalSince(t1))
            for _ in 0..<variants {
                let repost = SyntheticScenes.Repost.random(&rng)
                let changed = repost.apply(scene)
                let bytes = try ImageEncoder.jpeg(changed, quality: repost.jpegQuality)
                if dump != nil { pictures.append(bytes) }
                reposts.append(try PerceptualHash.fingerprint(ofEncoded: bytes, width: changed.width, height: changed.height))
                repostOf.append(p); descriptions.append(repost.description)
            }
        }
        print("generated \(photos) photos and \(reposts.count) re-posts in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")

        // Every picture, originals first: a link is right when it joins a photo and its own re-post
        // (or two re-posts of one photo), false otherwise.
        let all = originals + reposts
        func photo(_ k: Int) -> Int { k < photos ? k : repostOf[k - photos] }
        let positives = reposts.indices.map { NearDuplicates.hashDistance(originals[repostOf[$0]], reposts[$0]) ?? 64 }
        let positiveCorrelation = reposts.indices.map { r -> Double in
            guard let a = originals[repostOf[r]], let b = reposts[r] else { return -1 }
            return NearDuplicates.correlation(a, b)
        }
        // Different-photo pairs by hash distance, and the correlation of those within 16 bits.
        var falseAt = [Int](repeating: 0, count: 65)
        var falseCorrelation: [(bits: Int, r: Double)] = []
        for a in all.indices {
            for b in all.indices where b > a && photo(a) != photo(b) {
                let d = NearDuplicates.hashDistance(all[a], all[b]) ?? 64
                falseAt[d] += 1
                if d <= 16, let x = all[a], let y = all[b] { falseCorrelation.append((d, NearDuplicates.correlation(x, y))) }
            }
        }
        let differentPairs = falseAt.reduce(0, +)
        print("pairs of different photos compared: \(differentPairs)")
        print("hash distance of a re-post to its photo: median \(median(positives.map(Double.init))), "
              + "95th percentile \(percentile(positives, 0.95)), max \(positives.max() ?? 0)")
        print(String(format: "grid correlation of a re-post with its photo: median %.3f, 5th percentile %.3f, min %.3f",
                     median(positiveCorrelation), positiveCorrelation.sorted()[positiveCorrelation.count / 20], positiveCorrelation.min() ?? 0))
        let worstFalse = falseCorrelation.map(\.r).max() ?? -1
        print(String(format: "grid correlation of different photos within 16 bits: max %.3f (%d pairs)", worstFalse, falseCorrelation.count))
        let r = NearDuplicates.correlationThreshold
        // The acceptance's own count: links among the distinct originals alone.
        let amongOriginals = NearDuplicates.pairs(originals).count
        if let dump {
            // Pictures are in generation order (photo, its re-posts, next photo, ...).
            func slot(_ k: Int) -> Int { k < photos ? k * (1 + variants) : repostOf[k - photos] * (1 + variants) + 1 + (k - photos) % variants }
            try FileManager.default.createDirectory(at: dump, withIntermediateDirectories: true)
            for (n, pair) in NearDuplicates.pairs(all).filter({ photo($0.first) != photo($0.second) }).enumerated() {
                try pictures[slot(pair.first)].write(to: dump.appendingPathComponent("false\(n)-a.jpg"))
                try pictures[slot(pair.second)].write(to: dump.appendingPathComponent("false\(n)-b.jpg"))
                print("false link \(n): pictures \(pair.first) and \(pair.second), \(NearDuplicates.hashDistance(all[pair.first], all[pair.second])!) bits, r \(NearDuplicates.correlation(all[pair.first]!, all[pair.second]!))")
            }
        }
        print("false links among the \(photos) distinct photos alone (NearDuplicates.pairs): \(amongOriginals)")
        print("hash threshold | candidates: re-posts, false | confirmed (correlation >= \(r)): recall, false links, precision")
        for t in stride(from: 4, through: 16, by: 2) {
            let candidates = positives.filter { $0 <= t }.count
            let falseCandidates = falseAt[0...t].reduce(0, +)
            let found = positives.indices.filter { positives[$0] <= t && positiveCorrelation[$0] >= r }.count
            let falseLinks = falseCorrelation.filter { $0.bits <= t && $0.r >= r }.count
            print(String(format: "%14d | %6d, %8d | %5d / %d = %.4f, %d, %.4f%@", t, candidates, falseCandidates, found, positives.count,
                         Double(found) / Double(positives.count), falseLinks, Double(found) / Double(max(1, found + falseLinks)),
                         t == NearDuplicates.hashThreshold ? "   <- the product's thresholds" : ""))
        }
        let misses = positives.indices.filter { positives[$0] > NearDuplicates.hashThreshold || positiveCorrelation[$0] < r }
        for m in misses.prefix(8) {
            print(String(format: "  missed (%d bits, r %.3f): %@", positives[m], positiveCorrelation[m], descriptions[m]))
        }

        // The search's cost: the product's multi-index search vs every pair, medians of 5 runs.
        var fast: [Double] = [], naive: [Double] = [], confirm: [Double] = []
        var found: [NearDuplicates.Pair] = []
        for _ in 0..<5 {
            let t0 = Date(); let c = NearDuplicates.candidates(all); let t1 = Date()
            found = NearDuplicates.pairs(all); let t2 = Date()
            fast.append(t1.timeIntervalSince(t0)); confirm.append(t2.timeIntervalSince(t1))
            _ = c
        }
        for _ in 0..<(all.count <= 4000 ? 3 : 1) {
            let t0 = Date(); _ = NearDuplicates.candidatesReference(all); naive.append(Date().timeIntervalSince(t0))
        }
        print(String(format: "over %d pictures: candidate search %.3f s (multi-index, median of 5) vs every pair %.3f s: %.0fx; "
                     + "candidates and confirmation (NearDuplicates.pairs) %.3f s; %d pairs",
                     all.count, median(fast), median(naive), median(naive) / median(fast), median(confirm), found.count))
        print(String(format: "per photo: metadata inspection %.2f ms, fingerprint (reduced decode + 19 hashes + grid) %.2f ms (medians)",
                     1000 * median(inspectSeconds), 1000 * median(hashSeconds)))
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func percentile(_ v: [Int], _ q: Double) -> Int {
        let s = v.sorted()
        return s.isEmpty ? 0 : s[min(s.count - 1, Int(Double(s.count) * q))]
    }
}
