import Foundation
import ExposureModel

/// Links tweets to their media files (archive-formats.md §4.2 – §4.4).
struct TweetLinker {
    let mediaByTweet: [String: [String]]
    var missingCount = 0
    var missingExample: String?

    init(mediaByTweet: [String: [String]]) { self.mediaByTweet = mediaByTweet }

    /// `created_at`: "Wed Oct 10 20:19:24 +0000 2018".
    static func parseCreatedAt(_ text: String?) -> Date? {
        guard let text else { return nil }
        let parts = text.split(separator: " ").map(String.init)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, let month = months.firstIndex(of: parts[1]), let day = Int(parts[2]),
              let year = Int(parts[5]), parts[4].count == 5, let zone = Int(parts[4].dropFirst()) else {
            return Timestamps.parseDateTime(text)
        }
        let sign = parts[4].hasPrefix("-") ? "-" : "+"
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let iso = "\(year)-\(two(month + 1))-\(two(day))T\(parts[3])\(sign)\(two(zone / 100)):\(two(zone % 100))"
        return Timestamps.parseDateTime(iso)
    }

    /// Tweet location where present: `coordinates.coordinates` = [long, lat] (GeoJSON), else
    /// `geo.coordinates` = [lat, long], else the centre of `place.bounding_box` (a [[long, lat], …]
    /// polygon, city-sized); `place.full_name` as the place name. Numbers may be strings.
    static func location(_ tweet: [String: JSONValue]) -> (GeoPoint?, String?) {
        var point: GeoPoint?
        if let pair = tweet["coordinates"]?["coordinates"]?.array, pair.count == 2 {
            point = Geo.point(latitude: pair[1], longitude: pair[0])
        }
        if point == nil, let pair = tweet["geo"]?["coordinates"]?.array, pair.count == 2 {
            point = Geo.point(latitude: pair[0], longitude: pair[1])
        }
        if point == nil, let ring = tweet["place"]?["bounding_box"]?["coordinates"]?.array?.first?.array, !ring.isEmpty {
            let corners = ring.compactMap { corner -> (Double, Double)? in
                guard let pair = corner.array, pair.count == 2, let lon = pair[0].double, let lat = pair[1].double else { return nil }
                return (lat, lon)
            }
            if corners.count == ring.count {
                let lats = corners.map(\.0), lons = corners.map(\.1)
                point = Geo.point(latitude: .double((lats.min()! + lats.max()!) / 2),
                                  longitude: .double((lons.min()! + lons.max()!) / 2))
            }
        }
        let place = tweet["place"]?["full_name"]?.text ?? tweet["place"]?["name"]?.text
        return (point, place)
    }

    mutating func add(tweet: [String: JSONValue], sourceFile: String, into collector: inout MediaCollector) {
        guard let id = tweet["id_str"]?.string ?? tweet["id"]?.string else { return }
        let entities = tweet["extended_entities"]?["media"]?.array ?? tweet["entities"]?["media"]?.array ?? []
        let files = mediaByTweet[id] ?? []
        guard !entities.isEmpty || !files.isEmpty else { return }

        // The link uses the host the archive itself uses for this tweet's media pages.
        let usesX = entities.contains { ($0["expanded_url"]?.text ?? "").contains("://x.com/") }
        let link = "https://\(usesX ? "x.com" : "twitter.com")/i/web/status/\(id)"
        let appearance = Appearance(kind: .tweet, caption: tweet["full_text"]?.text ?? tweet["text"]?.text,
                                    postTime: Self.parseCreatedAt(tweet["created_at"]?.text), platformID: id, link: link)
        let (point, place) = Self.location(tweet)
        let metadata = PlatformMetadata(location: point, placeName: place, sourceFile: sourceFile)

        // Photos are `<id>-<basename of media_url>`; videos and GIFs are named otherwise, so any
        // remaining file of the tweet stands for them.
        var unclaimed = files
        var unmatchedEntities: [String] = []
        for entity in entities {
            let url = entity["media_url_https"]?.text ?? entity["media_url"]?.text ?? ""
            let expected = "\(id)-\(PathText.basename(url))"
            if let i = unclaimed.firstIndex(where: { PathText.basename($0) == expected }) {
                collector.add(path: unclaimed.remove(at: i), present: true, appearance: appearance, metadata: metadata)
            } else {
                var expectedName = expected
                if entity["type"]?.text != "photo",
                   let variant = entity["video_info"]?["variants"]?.array?.compactMap({ $0["url"]?.text }).last {
                    expectedName = "\(id)-\(PathText.basename(variant).split(separator: "?").first.map(String.init) ?? "")"
                }
                unmatchedEntities.append(expectedName)
            }
        }
        for expected in unmatchedEntities {
            if !unclaimed.isEmpty {
                collector.add(path: unclaimed.removeFirst(), present: true, appearance: appearance, metadata: metadata)
            } else {
                let folder = files.first.map(PathText.directory)
                    ?? PathText.join(PathText.directory(sourceFile), "tweets_media")
                let missingPath = PathText.join(folder, expected)
                missingCount += 1
                missingExample = missingExample ?? missingPath
                collector.add(path: missingPath, present: false, appearance: appearance, metadata: metadata)
            }
        }
        for path in unclaimed { collector.add(path: path, present: true, appearance: appearance, metadata: metadata) }
    }
}
