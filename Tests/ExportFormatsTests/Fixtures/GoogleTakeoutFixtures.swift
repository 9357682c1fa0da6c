import Foundation

/// Synthetic Google Takeout (Google Photos) exports covering the sidecar naming rules of
/// archive-formats.md §3.4, in the classic `<name>.json` era and the `.supplemental-metadata.json`
/// era (late 2024+), and split into two zip parts whose photo and sidecar live in different parts.
public enum GoogleTakeoutFixtures {
    public static let photos = "Takeout/Google Photos"

    /// A sidecar: `{title, description, creationTime, photoTakenTime, geoData, geoDataExif, people, url}`;
    /// numbers as strings as Google writes them.
    public static func sidecar(title: String, taken: String, created: String = "1600598769", description: String = "",
                               geo: (Double, Double, Double)? = nil, geoExif: (Double, Double, Double)? = nil,
                               people: [String] = [], url: String? = nil) -> Data {
        func geoJSON(_ g: (Double, Double, Double)?) -> String {
            let (lat, lon, alt) = g ?? (0, 0, 0)
            return #"{ "latitude": \#(lat), "longitude": \#(lon), "altitude": \#(alt), "latitudeSpan": 0.0, "longitudeSpan": 0.0 }"#
        }
        let peopleJSON = people.map { #"{ "name": "\#($0)" }"# }.joined(separator: ", ")
        return FixtureBytes.text(#"""
        { "title": "\#(title)", "description": "\#(description)", "imageViews": "9",
          "creationTime": { "timestamp": "\#(created)", "formatted": "Sep 20, 2020, 10:46:09 AM UTC" },
          "photoTakenTime": { "timestamp": "\#(taken)", "formatted": "20 sept. 2020, 10:12:07 UTC" },
          "geoData": \#(geoJSON(geo)), "geoDataExif": \#(geoJSON(geoExif)),
          "people": [ \#(peopleJSON) ],
          \#(url.map { #""url": "\#($0)","# } ?? "")
          "googlePhotosOrigin": { "mobileUpload": { "deviceFolder": { "localFolderName": "" }, "deviceType": "ANDROID_PHONE" } } }
        """#)
    }

    /// The classic era (`<name>.<ext>.json`), every quirk in "Photos from 2020" plus two albums and the profile.
    public static func classicFiles() -> [String: Data] {
        let year = "\(photos)/Photos from 2020"
        let long = "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINA"
        let emoji = String(repeating: "😀", count: 30)
        return [
            // plain pair, with an edited copy (no sidecar) and a live-photo video part (no sidecar)
            "\(year)/IMG_20200920_131207.jpg": FixtureBytes.jpeg("anna"),
            "\(year)/IMG_20200920_131207.jpg.json": sidecar(title: "IMG_20200920_131207.jpg", taken: "1600596727",
                description: "Lake day", geo: (55.2694, 37.6655, 214.4), geoExif: (55.2694, 37.6655, 214.4),
                people: ["Anna", "Boris"], url: "https://photos.google.com/photo/AF1Qip-example"),
            "\(year)/IMG_20200920_131207-edited.jpg": FixtureBytes.jpeg("anna-edited"),
            "\(year)/IMG_5000.HEIC": FixtureBytes.heic("live"),
            "\(year)/IMG_5000.HEIC.json": sidecar(title: "IMG_5000.HEIC", taken: "1600000000"),
            "\(year)/IMG_5000.MOV": FixtureBytes.mov("live"),
            // duplicate counter moved behind the extension
            "\(year)/IMG_3479.JPG": FixtureBytes.jpeg("3479"),
            "\(year)/IMG_3479.JPG.json": sidecar(title: "IMG_3479.JPG", taken: "1500000000"),
            "\(year)/IMG_3479(1).JPG": FixtureBytes.jpeg("3479-1"),
            "\(year)/IMG_3479.JPG(1).json": sidecar(title: "IMG_3479.JPG", taken: "1500000111"),
            // DSC_0104.JPG.json must not be given to DSC_0104(1).JPG; DSC_0104.JPG itself is missing
            "\(year)/DSC_0104(1).JPG": FixtureBytes.jpeg("0104-1"),
            "\(year)/DSC_0104.JPG.json": sidecar(title: "DSC_0104.JPG", taken: "1400000000"),
            // media name cut to 47 + extension, sidecar cut to 46
            "\(year)/\(long).jpg": FixtureBytes.jpeg("long"),
            "\(year)/PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGIN.json": sidecar(
                title: "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINAL.jpg", taken: "1691613289"),
            // astral characters: the cut counts UTF-16 code units (23 emoji = 46 units)
            "\(year)/\(emoji).jpg": FixtureBytes.jpeg("emoji"),
            "\(year)/\(String(repeating: "😀", count: 23)).json": sidecar(title: "\(emoji).jpg", taken: "1577836800"),
            // uploaded without extension
            "\(year)/20030616.jpg": FixtureBytes.jpeg("2003"),
            "\(year)/20030616.json": sidecar(title: "20030616", taken: "1055750400"),
            // geoData (0, 0) falls back to geoDataExif; both (0, 0) and taken "0" mean unknown
            "\(year)/IMG_6000.jpg": FixtureBytes.jpeg("6000"),
            "\(year)/IMG_6000.jpg.json": sidecar(title: "IMG_6000.jpg", taken: "1590000000", geoExif: (30.6578197, 104.06, 486.2)),
            "\(year)/IMG_7000.jpg": FixtureBytes.jpeg("7000"),
            "\(year)/IMG_7000.jpg.json": sidecar(title: "IMG_7000.jpg", taken: "0"),
            // macOS NFD file name, NFC in the sidecar name
            "\(year)/Cafe\u{301}.jpg": FixtureBytes.jpeg("cafe"),
            "\(year)/Caf\u{e9}.jpg.json": sidecar(title: "Caf\u{e9}.jpg", taken: "1599000000"),
            // no sidecar at all
            "\(year)/Screenshot_1.png": FixtureBytes.png("shot"),
            // an album: the same photo again, album title from metadata.json
            "\(photos)/Chair yoga/IMG_20200920_131207.jpg": FixtureBytes.jpeg("anna"),
            "\(photos)/Chair yoga/IMG_20200920_131207.jpg.json": sidecar(title: "IMG_20200920_131207.jpg", taken: "1600596727",
                description: "Lake day", geo: (55.2694, 37.6655, 214.4), people: ["Anna", "Boris"]),
            "\(photos)/Chair yoga/metadata.json": FixtureBytes.text(#"""
            { "title": "Chair yoga", "description": "", "access": "protected",
              "date": { "timestamp": "1672477816", "formatted": "Dec 31, 2022, 9:10:16 AM UTC" } }
            """#),
            // a localized album file name, and a title that differs from the folder name
            "\(photos)/Vacances/IMG_8000.jpg": FixtureBytes.jpeg("8000"),
            "\(photos)/Vacances/métadonnées.json": FixtureBytes.text(#"{ "title": "Vacances d'été", "description": "", "access": "", "date": { "timestamp": "0", "formatted": "" } }"#),
            "\(photos)/archive_browser.html": FixtureBytes.text("<html></html>"),
            "\(photos)/print-subscriptions.json": FixtureBytes.text("[]"),
            "\(photos)/user-generated-memory-titles.json": FixtureBytes.text(#"{ "title": [] }"#),
            // another Takeout product's media: listed, not an album
            "Takeout/Google Chat/Groups/DM abc/File-photo.jpg": FixtureBytes.jpeg("chat"),
            "Takeout/Google Chat/Groups/DM abc/messages.json": FixtureBytes.text(#"{ "messages": [] }"#),
            "Takeout/Profile/Profile.json": FixtureBytes.text(#"{ "name": { "givenName": "Anna", "familyName": "Schmidt", "formattedName": "Anna Schmidt" }, "displayName": "Anna Schmidt", "emails": [] }"#),
        ]
    }

    /// The supplemental-metadata era (late 2024+), with its cuts and counters.
    public static func supplementalFiles() -> [String: Data] {
        let year = "\(photos)/Photos from 2024"
        return [
            "\(year)/IMG_0001.jpg": FixtureBytes.jpeg("a"),
            "\(year)/IMG_0001.jpg.supplemental-metadata.json": sidecar(
                title: "IMG_0001.jpg", taken: "1704449410", geo: (48.1371, 11.5754, 520)),
            // cut into ".supplemental-metadata"
            "\(year)/PXL_20240105_101010123.LONG_EXPOSURE.jpg": FixtureBytes.jpeg("b"),
            "\(year)/PXL_20240105_101010123.LONG_EXPOSURE.jpg.suppl.json": sidecar(
                title: "PXL_20240105_101010123.LONG_EXPOSURE.jpg", taken: "1704449411"),
            // counter moved behind the cut suffix
            "\(year)/PXL_20240202_121314555.MOTION-01.CO(1).jpg": FixtureBytes.jpeg("c"),
            "\(year)/PXL_20240202_121314555.MOTION-01.CO.jpg.supple(1).json": sidecar(
                title: "PXL_20240202_121314555.MOTION-01.CO.jpg", taken: "1706875994"),
            // counter moved behind the full suffix
            "\(year)/skytree(1).jpg": FixtureBytes.jpeg("d"),
            "\(year)/skytree.jpg.supplemental-metadata(1).json": sidecar(title: "skytree.jpg", taken: "1710000001"),
            // counter kept in place
            "\(year)/skytree (2).jpg": FixtureBytes.jpeg("e"),
            "\(year)/skytree (2).jpg.supplemental-metadata.json": sidecar(title: "skytree.jpg", taken: "1710000002"),
            // a localized edit suffix
            "\(year)/IMG_0001-bearbeitet.jpg": FixtureBytes.jpeg("f"),
        ]
    }

    /// The classic export split into two zip parts: the year folder's photos in part 1, their sidecars in part 2.
    public static func splitParts() -> [[String: Data]] {
        var part1: [String: Data] = [:], part2: [String: Data] = [:]
        for (path, data) in classicFiles() {
            if path.hasSuffix(".json") { part2[path] = data } else { part1[path] = data }
        }
        return [part1, part2]
    }
}
