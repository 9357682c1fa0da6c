import Foundation
import ExposureModel

/// Mean Earth radius (IUGG), metres.
let earthRadius = 6_371_008.8

/// Great-circle distance in metres (haversine).
public func haversineMeters(_ a: GeoPoint, _ b: GeoPoint) -> Double {
    let rad = Double.pi / 180
    let dLat = (b.latitude - a.latitude) * rad, dLon = (b.longitude - a.longitude) * rad
    let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.latitude * rad) * cos(b.latitude * rad) * sin(dLon / 2) * sin(dLon / 2)
    return 2 * earthRadius * asin(min(1, sqrt(h)))
}


/// A distinct place: items whose coordinates chain together within the place radius.
public struct Place: Codable, Hashable, Sendable {
    /// 0 is the place with the most items (then: smallest item id).
    public var id: Int
    /// Centroid of the place's distinct coordinates.
    public var latitude: Double
    public var longitude: Double
    /// Items located here, ascending.
    public var items: [Int64]
    /// Distinct local dates with an item here.
    public var distinctDays: Int
    /// Items captured between 20:00 and 07:00 local time.
    public var nightItems: Int
    /// Distinct nights (an item before 07:00 belongs to the previous evening's night).
    public var nightDays: Int
    /// Offline reverse geocoding (nil without a geocoder).
    public var city: City?
}

/// Places found in the items, the inferred home and other regular places.
public struct PlacesResult: Codable, Hashable, Sendable {
    public var itemsWithLocation: Int
    public var itemsWithExifGPS: Int
    public var itemsWithPlatformLocation: Int
    public var places: [Place]
    /// Id of the inferred home: the place with the most night items among places with
    /// night items on at least `homeMinNights` distinct nights. Nil when none qualifies.
    public var home: Int?
    /// Ids of places other than home visited on at least `regularMinDays` distinct days.
    public var regularPlaces: [Int]
}

/// Clustering items' coordinates into places.
///
/// Method (documented for the report): each item's location is its EXIF GPS, else the
/// platform's coordinates. Distinct coordinates are linked when their haversine distance
/// is below `radius` (250 m) and places are the connected components (single linkage,
/// union-find). Candidate pairs come from a grid on Earth-centred 3D coordinates with
/// cells of `radius` metres: a chord is never longer than its arc, so linked points lie
/// in the same or an adjacent cell, with no special case at the poles or the date line.
/// The result does not depend on input order. A chain of points each < 250 m apart can
/// make a place wider than 250 m (a walk down a street): that is by design.
public enum PlaceClustering {
    public struct Options: Codable, Hashable, Sendable {
        public var radius: Double = 250
        public var homeMinNights: Int = 5
        public var regularMinDays: Int = 5
        public init(radius: Double = 250, homeMinNights: Int = 5, regularMinDays: Int = 5) {
            self.radius = radius; self.homeMinNights = homeMinNights; self.regularMinDays = regularMinDays
        }
    }

    public static func places(items: [ItemInput], options: Options = Options(), geocoder: Geocoder? = nil) -> PlacesResult {
        var located: [(item: ItemInput, point: GeoPoint)] = []
        var exifCount = 0, platformCount = 0
        for item in items {
            if let g = item.exifLocation, g.isMeaningful { exifCount += 1 }
            if let g = item.platformLocation, g.isMeaningful { platformCount += 1 }
            if let g = item.exifLocation, g.isMeaningful { located.append((item, g)) }
            else if let g = item.platformLocation, g.isMeaningful { located.append((item, g)) }
        }
        // Distinct coordinates, each with its items.
        var coordinateIndex: [String: Int] = [:]
        var coordinates: [GeoPoint] = []
        var itemsAt: [[Int]] = []
        for (k, entry) in located.enumerated() {
            let key = "\(entry.point.latitude),\(entry.point.longitude)"
            if let c = coordinateIndex[key] { itemsAt[c].append(k) } else {
                coordinateIndex[key] = coordinates.count
                coordinates.append(GeoPoint(latitude: entry.point.latitude, longitude: entry.point.longitude))
                itemsAt.append([k])
            }
        }
        let component = components(coordinates, radius: options.radius)
        var groups: [Int: [Int]] = [:]     // root -> coordinate indices
        for (c, root) in component.enumerated() { groups[root, default: []].append(c) }
        struct Draft { var coords: [Int]; var items: [Int] }
        var drafts = groups.values.map { coords in Draft(coords: coords, items: coords.flatMap { itemsAt[$0] }) }
        drafts.sort { a, b in
            if a.items.count != b.items.count { return a.items.count > b.items.count }
            return a.items.map { located[$0].item.id }.min()! < b.items.map { located[$0].item.id }.min()!
        }
        var places: [Place] = []
        for (id, draft) in drafts.enumerated() {
            let centre = centroid(draft.coords.map { coordinates[$0] })
            var days = Set<Int>(), nights = Set<Int>(), nightItems = 0
            for k in draft.items {
                guard let t = localTime(located[k].item, at: located[k].point) else { continue }
                let day = dayNumber(year: t.year, month: t.month, day: t.day)
                days.insert(day)
                if t.hour >= 20 { nights.insert(day); nightItems += 1 }
                else if t.hour < 7 { nights.insert(day - 1); nightItems += 1 }
            }
            places.append(Place(id: id, latitude: centre.latitude, longitude: centre.longitude,
                                items: draft.items.map { located[$0].item.id }.sorted(),
                                distinctDays: days.count, nightItems: nightItems, nightDays: nights.count,
                                city: geocoder?.nearest(centre)))
        }
        let home = places.filter { $0.nightDays >= options.homeMinNights }
            .max { a, b in
                if a.nightItems != b.nightItems { return a.nightItems < b.nightItems }
                if a.nightDays != b.nightDays { return a.nightDays < b.nightDays }
                return a.id > b.id
            }?.id
        let regular = places.filter { $0.id != home && $0.distinctDays >= options.regularMinDays }.map(\.id)
        return PlacesResult(itemsWithLocation: located.count, itemsWithExifGPS: exifCount,
                            itemsWithPlatformLocation: platformCount, places: places, home: home, regularPlaces: regular)
    }

    /// Local wall-clock time of an item: EXIF's local capture time when present; else the
    /// platform's UTC time shifted by the solar offset round(longitude / 15) hours (an
    /// approximation: time zones follow borders, not meridians).
    public static func localTime(_ item: ItemInput, at point: GeoPoint) -> LocalDateTime? {
        if let t = item.captureTime { return t }
        guard let taken = item.takenTime else { return nil }
        let offset = Int((point.longitude / 15).rounded()) * 3600
        let c = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                            from: taken.addingTimeInterval(TimeInterval(offset)))
        return LocalDateTime(year: c.year!, month: c.month!, day: c.day!, hour: c.hour!, minute: c.minute!, second: c.second!)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil).
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Connected components (root per point) of "haversine < radius".
    static func components(_ points: [GeoPoint], radius: Double) -> [Int] {
        var parent = Array(0..<points.count)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        struct Cell: Hashable { var x: Int, y: Int, z: Int }
        var grid: [Cell: [Int]] = [:]
        var cellOf: [Cell] = []
        for p in points {
            let v = unitVector(p)
            let cell = Cell(x: Int((v.x * earthRadius / radius).rounded(.down)),
                            y: Int((v.y * earthRadius / radius).rounded(.down)),
                            z: Int((v.z * earthRadius / radius).rounded(.down)))
            grid[cell, default: []].append(cellOf.count)
            cellOf.append(cell)
        }
        for (i, p) in points.enumerated() {
            let c = cellOf[i]
            for dx in -1...1 { for dy in -1...1 { for dz in -1...1 {
                guard let others = grid[Cell(x: c.x + dx, y: c.y + dy, z: c.z + dz)] else { continue }
                for j in others where j > i && haversineMeters(p, points[j]) < radius {
                    let ri = find(i), rj = find(j)
                    if ri != rj { parent[max(ri, rj)] = min(ri, rj) }
                }
            } } }
        }
        return (0..<points.count).map(find)
    }

    static func unitVector(_ p: GeoPoint) -> (x: Double, y: Double, z: Double) {
        let rad = Double.pi / 180
        let lat = p.latitude * rad, lon = p.longitude * rad
        return (cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat))
    }

    /// Centroid on the sphere: the normalized mean of unit vectors.
    static func centroid(_ points: [GeoPoint]) -> GeoPoint {
        var x = 0.0, y = 0.0, z = 0.0
        for p in points { let v = unitVector(p); x += v.x; y += v.y; z += v.z }
        let r = (x * x + y * y + z * z).squareRoot()
        guard r > 0 else { return points[0] }
        let deg = 180 / Double.pi
        return GeoPoint(latitude: asin(z / r) * deg, longitude: atan2(y, x) * deg)
    }
}

/// The location.* metrics from coordinates (`PlaceClustering.places` measures them; upload IPs are `deviceRows`).
extension MetricTable {
    static let locationRows: [Row] = [
        same("location.items_with_gps", "items with coordinates from EXIF or the platform") { $0.r.places.itemsWithLocation },
        same("location.items_with_exif_gps", "items with EXIF GPS coordinates") { $0.r.places.itemsWithExifGPS },
        same("location.items_with_platform_location", "items with platform-recorded coordinates") { $0.r.places.itemsWithPlatformLocation },
        Row("location.places", "distinct places (250 m single-linkage clusters)", items: "items with coordinates") { c in
            (Double(c.r.places.places.count), c.r.places.itemsWithLocation)
        },
        Row("location.home_inferred", "1 when a home was inferred (night items on >= 5 nights at one place), else 0",
            items: "items at home") { c in
            let p = c.r.places
            return (p.home == nil ? 0 : 1, p.home.map { p.places[$0].items.count } ?? 0)
        },
        Row("location.regular_places", "places other than home seen on >= 5 distinct days", items: "items there") { c in
            let p = c.r.places
            return (Double(p.regularPlaces.count), p.regularPlaces.reduce(0) { $0 + p.places[$1].items.count })
        },
    ]
}
