import ExposureModel
import Foundation
import MediaMetadata
import VideoFrames

/// The built-in demo: a Facebook export (2024 layout, as a folder) of a public figure,
/// made from face_recognition's test images (fetched by scripts/setup from PyPI, SHA-256
/// checked) and generated pictures, with EXIF, tags and places across the years.
///
/// The "after" variant is the same account after deleting four posts, one album photo and the
/// video, for the before/after comparison.
public enum DemoExport {
    public static let ownerName = "Barack Obama"
    /// Home in the story: a Chicago street, photographed at night on seven evenings.
    static let home = GeoPoint(latitude: 41.8093, longitude: -87.5951)
    static let washington = GeoPoint(latitude: 38.8977, longitude: -77.0365)
    static let paris = GeoPoint(latitude: 48.8584, longitude: 2.2945)

    /// One photo of the demo: which test image, how it is changed, and what it carries.
    struct Photo {
        var file: String
        var make: (RGBImage, [String: RGBImage]) -> RGBImage
        var taken: LocalDateTime
        var gps: GeoPoint?
        var place: String
        var caption: String
        var tags: [String]
        var inPost: Bool          // a post (deletable as one) vs a photo in the "Mobile uploads" album
        var deletedAfter: Bool
        var exifSerial: Bool = true
        var ownerInExif: Bool = false
        var xmpRegions: [FaceRegion] = []
        var staleThumbnailFrom: String? = nil
    }

    /// The test images the demo needs, in the folder scripts/setup fills.
    public static let testImages = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "obama_partial_face.jpg"]

    public static var testImageDirectory: URL {
        let env = ProcessInfo.processInfo.environment
        let cache = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return cache.appendingPathComponent("exposure/testdata/face_recognition-1.3.0")
    }

    static func photos() -> [Photo] {
        func t(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int = 0) -> LocalDateTime {
            LocalDateTime(year: y, month: m, day: d, hour: h, minute: min, second: 0, utcOffsetSeconds: -6 * 3600)
        }
        let img = { (name: String) in { (_: RGBImage, all: [String: RGBImage]) in all[name]! } }
        return [
            Photo(file: "obama2.jpg", make: img("obama2.jpg"), taken: t(2012, 8, 10, 21, 30), gps: home, place: "home",
                  caption: "Back home after the convention", tags: [ownerName], inPost: true, deletedAfter: true, ownerInExif: true),
            Photo(file: "obama3.jpg", make: img("obama3.jpg"), taken: t(2013, 11, 3, 22, 10), gps: home, place: "home",
                  caption: "", tags: [], inPost: false, deletedAfter: false),
            Photo(file: "obama2-mirrored.jpg", make: { _, all in DemoImages.mirrored(all["obama2.jpg"]!) }, taken: t(2014, 12, 24, 23, 0),
                  gps: home, place: "home", caption: "Christmas Eve", tags: [ownerName], inPost: true, deletedAfter: true),
            Photo(file: "obama3-small.jpg", make: { _, all in DemoImages.scaled(all["obama3.jpg"]!, 3, 4) }, taken: t(2015, 7, 4, 20, 30),
                  gps: home, place: "home", caption: "Fourth of July", tags: [ownerName], inPost: true, deletedAfter: false),
            Photo(file: "obama-partial.jpg", make: img("obama_partial_face.jpg"), taken: t(2016, 2, 14, 21, 45), gps: home,
                  place: "home", caption: "", tags: [], inPost: false, deletedAfter: true),
            Photo(file: "obama-mirrored.jpg", make: { _, all in DemoImages.scaled(DemoImages.mirrored(all["obama.jpg"]!), 2, 3) },
                  taken: t(2017, 5, 2, 11, 0), gps: washington, place: "Washington", caption: "Office hours", tags: [ownerName],
                  inPost: true, deletedAfter: false),
            Photo(file: "biden.jpg", make: img("biden.jpg"), taken: t(2018, 9, 20, 15, 0), gps: washington, place: "Washington",
                  caption: "With Joe", tags: ["Joe Biden"], inPost: true, deletedAfter: false),
            Photo(file: "together.jpg", make: { _, all in DemoImages.sideBySide(all["obama2.jpg"]!, all["biden.jpg"]!) },
                  taken: t(2019, 1, 20, 12, 0), gps: washington, place: "Washington", caption: "Old friends",
                  tags: [ownerName, "Joe Biden"], inPost: true, deletedAfter: true,
                  xmpRegions: [FaceRegion(name: ownerName, centerX: 0.25, centerY: 0.35, width: 0.25, height: 0.3),
                               FaceRegion(name: "Joe Biden", centerX: 0.75, centerY: 0.35, width: 0.25, height: 0.3)]),
            Photo(file: "obama3-mirrored.jpg", make: { _, all in DemoImages.mirrored(all["obama3.jpg"]!) }, taken: t(2020, 10, 8, 22, 30),
                  gps: home, place: "home", caption: "", tags: [], inPost: false, deletedAfter: false,
                  staleThumbnailFrom: "biden.jpg"),
            Photo(file: "biden-mirrored.jpg", make: { _, all in DemoImages.mirrored(all["biden.jpg"]!) }, taken: t(2021, 3, 3, 10, 0),
                  gps: washington, place: "Washington", caption: "", tags: ["Joe Biden"], inPost: false, deletedAfter: false,
                  exifSerial: false),
            Photo(file: "obama2-small.jpg", make: { _, all in DemoImages.scaled(all["obama2.jpg"]!, 3, 5) }, taken: t(2022, 6, 18, 23, 15),
                  gps: home, place: "home", caption: "Late night", tags: [ownerName], inPost: true, deletedAfter: false),
            Photo(file: "eiffel.jpg", make: { _, _ in DemoImages.landscape(width: 800, height: 600) }, taken: t(2023, 4, 1, 14, 0),
                  gps: paris, place: "Paris", caption: "No faces here, but the GPS says where I was", tags: [], inPost: true,
                  deletedAfter: false, exifSerial: false),
        ]
    }

    /// Writes the demo export into `folder` (created; must not exist yet).
    /// Returns the folder of the export.
    public static func write(into folder: URL, after: Bool) throws -> URL {
        let fm = FileManager.default
        var sources: [String: RGBImage] = [:]
        for name in testImages {
            let url = testImageDirectory.appendingPathComponent(name)
            guard let data = fm.contents(atPath: url.path) else {
                throw DemoError.missingTestImage(url.lastPathComponent)
            }
            sources[name] = try ImageDecoder.decode(data)
        }
        let root = folder.appendingPathComponent(after ? "facebook-demo-after" : "facebook-demo-before")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        let posts = "your_facebook_activity/posts"
        func put(_ path: String, _ data: Data) throws {
            let url = root.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }

        // Owner's name, as the 2024 layout keeps it.
        try put("personal_information/profile_information/profile_information.json", Data(#"""
            { "profile_v2": { "name": { "full_name": "\#(ownerName)", "first_name": "Barack", "last_name": "Obama" } } }
            """#.utf8))

        // The profile picture: the original obama.jpg, as uploaded (platforms strip EXIF).
        let profileURI = "\(posts)/media/ProfilePictures_1001/obama.jpg"
        try put(profileURI, try ImageEncoder.jpeg(sources["obama.jpg"]!, quality: 92))
        try put("\(posts)/album/0.json", Data(#"""
            { "name": "Profile pictures", "photos": [ { "uri": "\#(profileURI)", "creation_timestamp": 1336000000,
              "title": "Profile pictures", "media_metadata": { "photo_metadata": { "exif_data": [ { "upload_ip": "198.51.100.7" } ] } } } ] }
            """#.utf8))

        var albumEntries: [String] = []
        var postEntries: [String] = []
        for (index, photo) in photos().enumerated() where !(after && photo.deletedAfter) {
            let image = photo.make(sources["obama.jpg"]!, sources)
            var spec = ExifWriter.Spec(EmbeddedMetadata(captureTime: photo.taken, gps: photo.gps, make: "Canon", model: "Canon EOS 5D Mark III",
                                                        bodySerialNumber: photo.exifSerial ? "032021001234" : nil,
                                                        cameraOwnerName: photo.ownerInExif ? ownerName : nil, software: "Demo"))
            if !photo.exifSerial { spec.make = "Apple"; spec.model = "iPhone 12"; spec.bodySerialNumber = nil }
            if let other = photo.staleThumbnailFrom {
                spec.thumbnailJPEG = try ImageEncoder.jpeg(DemoImages.scaled(sources[other]!, 1, 8), quality: 70)
            }
            let xmp = photo.xmpRegions.isEmpty ? nil : DemoImages.xmpRegions(photo.xmpRegions, width: image.width, height: image.height)
            let jpeg = try ImageEncoder.jpeg(image, quality: 90, exif: try ExifWriter.app1Payload(spec), xmp: xmp)
            let folderName = photo.inPost ? "your_posts" : "Mobileuploads_2002"
            let uri = "\(posts)/media/\(folderName)/\(String(format: "%02d", index + 1))-\(photo.file)"
            try put(uri, jpeg)
            let stamp = Int(DemoImages.utc(photo.taken).timeIntervalSince1970)
            let meta = #"{ "photo_metadata": { "exif_data": [ { "upload_ip": "203.0.113.\#(10 + index % 3)", "taken_timestamp": \#(stamp) } ] } }"#
            let media = #"{ "uri": "\#(uri)", "creation_timestamp": \#(stamp + 3600), "title": "", "media_metadata": \#(meta) }"#
            if photo.inPost {
                let tags = photo.tags.map { #"{ "name": "\#($0)" }"# }.joined(separator: ", ")
                postEntries.append(#"""
                    { "timestamp": \#(stamp + 3600), "data": [ { "post": "\#(photo.caption)" } ], "tags": [ \#(tags) ],
                      "attachments": [ { "data": [ { "media": \#(media) } ] } ] }
                    """#)
            } else {
                albumEntries.append(media)
            }
        }
        try put("\(posts)/album/1.json", Data(#"{ "name": "Mobile uploads", "photos": [ \#(albumEntries.joined(separator: ", ")) ] }"#.utf8))
        try put("\(posts)/your_posts__check_ins__photos_and_videos_1.json", Data("[\n\(postEntries.joined(separator: ",\n"))\n]".utf8))

        // A short video of the owner (deleted in the "after" export): the report's video section.
        if !after {
            let reelURI = "\(posts)/media/videos/reel-2021.mp4"
            try put(reelURI, try reel(owner: sources["obama.jpg"]!))
            try put("\(posts)/your_videos.json", Data(#"""
                { "videos_v2": [ { "uri": "\#(reelURI)", "creation_timestamp": 1625000000, "title": "", "description": "At the lake" } ] }
                """#.utf8))
        }
        return root
    }

    /// The demo reel: the profile photo's face (about 110 px) drifting across a landscape for 6 s
    /// (long enough for the video rule's first threshold, 5 s),
    /// 640x360 at 25 fps, H.264 encoded in memory (VideoFrames.VideoEncoder, FFmpeg's libx264).
    static func reel(owner: RGBImage) throws -> Data {
        // obama.jpg's face is at about (354...599, 135...379): a 400 px square around it, at 2/5.
        let face = DemoImages.scaled(DemoImages.cropped(owner, x: 277, y: 57, width: 400, height: 400), 2, 5)
        let background = DemoImages.landscape(width: 640, height: 360)
        let encoder = try VideoEncoder(width: 640, height: 360, framesPerSecond: 25)
        for i in 0..<150 {
            try encoder.add(DemoImages.pasted(face, onto: background, x: 40 + 2 * i, y: 90))
        }
        return try encoder.finish()
    }
}

public enum DemoError: Error, CustomStringConvertible {
    case missingTestImage(String)
    public var description: String {
        switch self {
        case .missingTestImage(let name):
            return "demo image \(name) is not in the cache; run scripts/setup (it fetches face_recognition's test images from PyPI)"
        }
    }
}

/// Deterministic picture edits for the demo (and tests): mirror, integer-ratio scale, paste.
public enum DemoImages {
    public static func mirrored(_ image: RGBImage) -> RGBImage {
        var out = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                let s = 3 * (y * image.width + x), d = 3 * (y * image.width + (image.width - 1 - x))
                out.pixels[d] = image.pixels[s]; out.pixels[d + 1] = image.pixels[s + 1]; out.pixels[d + 2] = image.pixels[s + 2]
            }
        }
        return out
    }

    /// Nearest-neighbour scale by num/den.
    public static func scaled(_ image: RGBImage, _ num: Int, _ den: Int) -> RGBImage {
        let w = max(1, image.width * num / den), h = max(1, image.height * num / den)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let sy = min(image.height - 1, y * den / num)
            for x in 0..<w {
                let sx = min(image.width - 1, x * den / num)
                let s = 3 * (sy * image.width + sx), d = 3 * (y * w + x)
                pixels[d] = image.pixels[s]; pixels[d + 1] = image.pixels[s + 1]; pixels[d + 2] = image.pixels[s + 2]
            }
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }

    /// The `width` x `height` rectangle at (x, y), clamped to the picture.
    public static func cropped(_ image: RGBImage, x: Int, y: Int, width: Int, height: Int) -> RGBImage {
        let x0 = max(0, min(x, image.width - 1)), y0 = max(0, min(y, image.height - 1))
        let w = min(width, image.width - x0), h = min(height, image.height - y0)
        var pixels: [UInt8] = []
        pixels.reserveCapacity(w * h * 3)
        for row in y0..<(y0 + h) {
            let s = 3 * (row * image.width + x0)
            pixels += image.pixels[s..<(s + 3 * w)]
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }

    /// `picture` drawn over `canvas` with its top-left corner at (x, y), clipped to the canvas.
    public static func pasted(_ picture: RGBImage, onto canvas: RGBImage, x: Int, y: Int) -> RGBImage {
        var out = canvas
        for row in 0..<picture.height where y + row >= 0 && y + row < canvas.height {
            for col in 0..<picture.width where x + col >= 0 && x + col < canvas.width {
                let s = 3 * (row * picture.width + col), d = 3 * ((y + row) * canvas.width + x + col)
                out.pixels[d] = picture.pixels[s]; out.pixels[d + 1] = picture.pixels[s + 1]; out.pixels[d + 2] = picture.pixels[s + 2]
            }
        }
        return out
    }

    /// Two pictures side by side on a grey canvas, top-aligned.
    public static func sideBySide(_ a: RGBImage, _ b: RGBImage) -> RGBImage {
        let w = a.width + b.width, h = max(a.height, b.height)
        var out = RGBImage(width: w, height: h, fill: 128)
        for (image, offset) in [(a, 0), (b, a.width)] {
            for y in 0..<image.height {
                let s = 3 * y * image.width, d = 3 * (y * w + offset)
                out.pixels.replaceSubrange(d..<(d + 3 * image.width), with: image.pixels[s..<(s + 3 * image.width)])
            }
        }
        return out
    }

    /// A smooth sky-and-ground picture without faces.
    public static func landscape(width: Int, height: Int) -> RGBImage {
        var out = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let i = 3 * (y * width + x)
                let sky = y < height * 3 / 5
                out.pixels[i] = UInt8(sky ? 90 + 100 * y / height : 60 + x * 40 / width)
                out.pixels[i + 1] = UInt8(sky ? 150 + 80 * y / height : 110)
                out.pixels[i + 2] = UInt8(sky ? 230 : 50)
            }
        }
        return out
    }

    /// An XMP packet with MWG face regions.
    public static func xmpRegions(_ regions: [FaceRegion], width: Int, height: Int) -> String {
        let items = regions.map { r in
            #"<rdf:li rdf:parseType="Resource"><mwg-rs:Name>\#(r.name)</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type><mwg-rs:Area stArea:x="\#(r.centerX)" stArea:y="\#(r.centerY)" stArea:w="\#(r.width)" stArea:h="\#(r.height)" stArea:unit="normalized"/></rdf:li>"#
        }.joined()
        return #"""
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" xmlns:stDim="http://ns.adobe.com/xap/1.0/sType/Dimensions#" xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"><mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:AppliedToDimensions stDim:w="\#(width)" stDim:h="\#(height)" stDim:unit="pixel"/><mwg-rs:RegionList><rdf:Bag>\#(items)</rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions></rdf:Description></rdf:RDF></x:xmpmeta>
            """#
    }

    /// The UTC instant of a local capture time with a known offset.
    static func utc(_ t: LocalDateTime) -> Date {
        var c = DateComponents()
        c.year = t.year; c.month = t.month; c.day = t.day; c.hour = t.hour; c.minute = t.minute; c.second = t.second
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: t.utcOffsetSeconds ?? 0)!
        return calendar.date(from: c)!
    }
}
