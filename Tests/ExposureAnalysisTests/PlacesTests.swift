import XCTest
import ExposureModel
@testable import ExposureAnalysis

final class PlacesTests: XCTestCase {
    static let paris = GeoPoint(latitude: 48.8566, longitude: 2.3522)
    /// A point `north` and `east` metres away from `p` (small-distance approximation).
    static func offset(_ p: GeoPoint, north: Double = 0, east: Double = 0) -> GeoPoint {
        let metresPerDegree = 6_371_008.8 * Double.pi / 180
        return GeoPoint(latitude: p.latitude + north / metresPerDegree,
                        longitude: p.longitude + east / (metresPerDegree * cos(p.latitude * Double.pi / 180)))
    }
    static func at(_ day: Int, _ hour: Int) -> LocalDateTime { LocalDateTime(year: 2021, month: 3, day: day, hour: hour) }

    func testHaversine() {
        XCTAssertEqual(haversineMeters(Self.paris, Self.offset(Self.paris, north: 100)), 100, accuracy: 0.01)
        // Paris - New York: 5837 km great circle.
        XCTAssertEqual(haversineMeters(Self.paris, GeoPoint(latitude: 40.7128, longitude: -74.0060)) / 1000, 5837, accuracy: 2)
    }

    func testPointsCloseMergeFarApartDoNot() {
        let items = [
            ItemInput(id: 1, exifLocation: Self.paris),
            ItemInput(id: 2, exifLocation: Self.offset(Self.paris, north: 100)),
            ItemInput(id: 3, platformLocation: Self.offset(Self.paris, east: 1000)),
            ItemInput(id: 4, exifLocation: GeoPoint(latitude: 0, longitude: 0)),       // null island: ignored
            ItemInput(id: 5, platformLocation: Self.offset(Self.paris, north: 100)),
        ]
        let r = PlaceClustering.places(items: items)
        XCTAssertEqual(r.places.map(\.items), [[1, 2, 5], [3]])
        XCTAssertEqual(r.itemsWithLocation, 4); XCTAssertEqual(r.itemsWithExifGPS, 2); XCTAssertEqual(r.itemsWithPlatformLocation, 2)
        XCTAssertEqual(r.places[0].latitude, Self.paris.latitude + 0.00045, accuracy: 0.0001)
        // Order does not matter.
        XCTAssertEqual(PlaceClustering.places(items: items.reversed()), r)
        // Across the date line: 179.9995 and -179.9995 at the equator are ~111 m apart.
        let wrap = PlaceClustering.places(items: [ItemInput(id: 1, exifLocation: GeoPoint(latitude: 0.1, longitude: 179.9995)),
                                                 ItemInput(id: 2, exifLocation: GeoPoint(latitude: 0.1, longitude: -179.9995))])
        XCTAssertEqual(wrap.places.count, 1)
    }

    func testHomeNeedsFiveNights() {
        let home = Self.offset(Self.paris, north: 3000), work = Self.paris
        var items: [ItemInput] = []
        // Nights at home: 22:00 on days 1...5, plus 01:00 on day 2 (the same night as day 1's evening).
        for day in 1...5 { items.append(ItemInput(id: Int64(day), captureTime: Self.at(day, 22), exifLocation: home)) }
        items.append(ItemInput(id: 6, captureTime: Self.at(2, 1), exifLocation: Self.offset(home, east: 50)))
        // Work: midday on 6 days (more items than home, but not at night).
        for day in 1...6 { items.append(ItemInput(id: Int64(10 + day), captureTime: Self.at(day, 12), exifLocation: work)) }
        var r = PlaceClustering.places(items: items)
        XCTAssertEqual(r.places.count, 2)
        XCTAssertEqual(r.places[0].items.count, 6)
        let homePlace = try? XCTUnwrap(r.places.first { $0.items.contains(1) })
        XCTAssertEqual(homePlace?.nightItems, 6); XCTAssertEqual(homePlace?.nightDays, 5)
        XCTAssertEqual(r.home, homePlace?.id)
        XCTAssertEqual(r.regularPlaces, r.places.filter { $0.items.contains(11) }.map(\.id))   // work, 6 days

        // Four nights (the 01:00 photo still belongs to night 1): no home.
        items.removeAll { $0.id == 5 }
        r = PlaceClustering.places(items: items)
        XCTAssertNil(r.home)
        XCTAssertEqual(r.places.first { $0.items.contains(1) }?.nightDays, 4)
    }

    /// Without EXIF local time, the platform's UTC time is shifted by round(longitude / 15) hours.
    func testPlatformTimeUsesSolarOffset() {
        // 2021-03-01 14:00 UTC at longitude 139.7 (Tokyo, +9 h) -> 23:00 local.
        let taken = Date(timeIntervalSince1970: 1_614_607_200)
        let t = PlaceClustering.localTime(ItemInput(id: 1, takenTime: taken), at: GeoPoint(latitude: 35.7, longitude: 139.7))
        XCTAssertEqual(t?.hour, 23); XCTAssertEqual(t?.day, 1)
        XCTAssertEqual(PlaceClustering.dayNumber(year: 1970, month: 1, day: 1), 0)
        XCTAssertEqual(PlaceClustering.dayNumber(year: 2000, month: 3, day: 1), 11_017)
    }
}

final class GeocoderTests: XCTestCase {
    /// The real table cached by scripts/setup; the test fails (not skips) when it is missing.
    static let shared: Geocoder? = try? Geocoder(csvURL: Geocoder.defaultTableURL)

    func geocoder() throws -> Geocoder {
        // A missing table is a failure, not a skip: CI runs scripts/setup first.
        guard let g = Self.shared else {
            throw GeocoderError.unreadable("missing at \(Geocoder.defaultTableURL.path): run scripts/setup")
        }
        return g
    }

    func testKnownCities() throws {
        let g = try geocoder()
        XCTAssertGreaterThan(g.count, 140_000)
        let cases: [(Double, Double, String, String)] = [
            (48.8566, 2.3522, "Paris", "FR"), (40.7128, -74.0060, "New York City", "US"),
            (-33.8688, 151.2093, "Sydney", "AU"), (71.2906, -156.7887, "Barrow", "US"),
            (-54.8019, -68.3030, "Ushuaia", "AR"),
        ]
        for (lat, lon, name, cc) in cases {
            let city = g.nearest(GeoPoint(latitude: lat, longitude: lon))
            XCTAssertEqual(city?.name, name); XCTAssertEqual(city?.countryCode, cc)
        }
        XCTAssertEqual(g.nearest(GeoPoint(latitude: 48.8566, longitude: 2.3522))?.distanceMeters ?? 0, 433, accuracy: 2)
    }

    /// The grid search equals the naive full scan on random points, poles and date line included.
    func testGridEqualsFullScan() throws {
        let g = try geocoder()
        var rng = SplitMix64(seed: 11)
        var points = [GeoPoint(latitude: 89.9, longitude: 10), GeoPoint(latitude: -89.9, longitude: -170),
                      GeoPoint(latitude: -17.0, longitude: 179.99), GeoPoint(latitude: 64.0, longitude: -179.99)]
        // Anywhere (mostly ocean: long searches) ...
        for _ in 0..<8 {
            points.append(GeoPoint(latitude: Double(rng.next() % 180_000) / 1000 - 90,
                                   longitude: Double(rng.next() % 360_000) / 1000 - 180))
        }
        // ... and where photos are taken: within half a degree of a city.
        let known = [(48.85, 2.35), (40.71, -74.0), (35.68, 139.69), (-33.87, 151.21), (55.75, 37.62), (-23.55, -46.63)]
        for k in 0..<30 {
            let (lat, lon) = known[k % known.count]
            points.append(GeoPoint(latitude: lat + Double(rng.next() % 1000) / 1000 - 0.5,
                                   longitude: lon + Double(rng.next() % 1000) / 1000 - 0.5))
        }
        for p in points { XCTAssertEqual(g.nearest(p), g.nearestByScan(p), "\(p)") }
    }

    func testParsesQuotesAndRejectsBadRows() throws {
        let good = "lat,lon,name,admin1,admin2,cc\n47.25368,8.85654,\"Rueti / Dorfzentrum, Suedl. Teil\",Zurich,Bezirk Hinwil,CH\n1.5,-2.5,\"Say \"\"Hi\"\"\",A,,XX\n"
        let g = try Geocoder(csv: Data(good.utf8))
        XCTAssertEqual(g.count, 2)
        XCTAssertEqual(g.nearest(GeoPoint(latitude: 47.25, longitude: 8.85))?.name, "Rueti / Dorfzentrum, Suedl. Teil")
        XCTAssertEqual(g.nearest(GeoPoint(latitude: 1.5, longitude: -2.5))?.name, "Say \"Hi\"")
        XCTAssertThrowsError(try Geocoder(csv: Data("lat,lon,name\n".utf8)))
        XCTAssertThrowsError(try Geocoder(csv: Data("lat,lon,name,admin1,admin2,cc\n91,0,X,A,,XX\n".utf8))) { error in
            XCTAssertEqual("\(error)", "geonames table line 2: latitude/longitude missing or out of range")
        }
        XCTAssertThrowsError(try Geocoder(csv: Data("lat,lon,name,admin1,admin2,cc\n1,2,X\n".utf8)))
    }
}

final class DeviceTests: XCTestCase {
    func testDistinctIdentifiers() {
        let items = [
            ItemInput(id: 1, cameraMake: "Canon", cameraModel: "Canon EOS 5D", bodySerialNumber: "123456", cameraOwnerName: "Jane Doe"),
            ItemInput(id: 2, platformCameraMake: " canon ", platformCameraModel: "canon  eos 5d", artist: "jane doe", thumbnailDiffers: true),
            ItemInput(id: 3, cameraMake: "Apple", cameraModel: "iPhone 12", lensSerialNumber: "L-9", uploadIP: "203.0.113.7",
                      deviceID: "android-abc", thumbnailDiffers: false),
            ItemInput(id: 4, cameraMake: "  ", uploadIP: "203.0.113.7 ", thumbnailDiffers: true),
        ]
        let d = DeviceIdentifiers.collect(items)
        XCTAssertEqual(d.cameraModels.values, ["Apple iPhone 12", "Canon EOS 5D"]); XCTAssertEqual(d.cameraModels.items, 3)
        XCTAssertEqual(d.serialNumbers.values, ["123456", "L-9"]); XCTAssertEqual(d.serialNumbers.items, 2)
        XCTAssertEqual(d.ownerNames.values, ["Jane Doe"]); XCTAssertEqual(d.ownerNames.items, 2)
        XCTAssertEqual(d.uploadIPs.values, ["203.0.113.7"]); XCTAssertEqual(d.uploadIPs.items, 2)
        XCTAssertEqual(d.deviceIDs.values, ["android-abc"])
        XCTAssertEqual(d.staleThumbnails, [2, 4])
        let r = Analysis.run(AnalysisInput(faces: [], items: items))
        XCTAssertEqual(r.metrics["devices.serial_numbers"], 2)
        XCTAssertEqual(r.metrics["items.stale_thumbnails"], 2)
        XCTAssertEqual(r.itemCounts["location.upload_ips"], 2)
        XCTAssertNil(r.owner); XCTAssertNil(r.ownerReason)
    }

    /// The convenience initializer takes each field from the right source.
    func testItemFromModelTypes() {
        let embedded = EmbeddedMetadata(width: 640, height: 480, captureTime: LocalDateTime(year: 2019, month: 2, day: 3),
                                        gps: GeoPoint(latitude: 1, longitude: 2), make: "Canon", model: "EOS",
                                        bodySerialNumber: "S1", lensSerialNumber: "L1", cameraOwnerName: "O", artist: "A",
                                        thumbnailDiffers: true,
                                        faceRegions: [FaceRegion(name: "R", centerX: 0.5, centerY: 0.5, width: 0.1, height: 0.1)],
                                        personInImage: ["P"])
        let platform = PlatformMetadata(takenTime: Date(timeIntervalSince1970: 0), location: GeoPoint(latitude: 3, longitude: 4),
                                        cameraMake: "Apple", cameraModel: "iPhone", uploadIP: "192.0.2.1", deviceID: "D",
                                        people: ["T"])
        let item = ItemInput(id: 9, embedded: embedded, platform: platform, isProfilePicture: true)
        XCTAssertEqual(item.allPersonNames, ["T", "P", "R"])
        XCTAssertEqual(item.captureYear, 2019)
        XCTAssertEqual(item.exifLocation?.latitude, 1); XCTAssertEqual(item.platformLocation?.latitude, 3)
        XCTAssertEqual([item.cameraMake, item.cameraModel, item.platformCameraMake, item.platformCameraModel],
                       ["Canon", "EOS", "Apple", "iPhone"])
        XCTAssertEqual([item.bodySerialNumber, item.lensSerialNumber, item.cameraOwnerName, item.artist, item.uploadIP, item.deviceID],
                       ["S1", "L1", "O", "A", "192.0.2.1", "D"])
        XCTAssertEqual(item.width, 640); XCTAssertEqual(item.thumbnailDiffers, true); XCTAssertTrue(item.isProfilePicture)
        XCTAssertEqual(ItemInput(id: 1, embedded: nil, platform: platform, isProfilePicture: false).captureYear, 1970)
    }
}
