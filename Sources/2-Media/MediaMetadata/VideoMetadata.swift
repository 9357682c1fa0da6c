// What MP4/MOV (ISO BMFF / QuickTime) videos say about themselves: location and capture
// time, read from the box structure without decoding anything.
//
// Boxes: `size(4, BE) type(4) payload`; size 1 = a 64-bit size follows the type, size 0 =
// to the end of the enclosing box. We walk top level -> moov and read:
//   moov/mvhd            creation_time (seconds since 1904-01-01 UTC; v0 32-bit, v1 64-bit)
//   moov/udta/©xyz       ISO 6709 location, "+37.3349-122.0090+050.000/" (Android, older iOS)
//   moov/meta/keys+ilst  QuickTime metadata: com.apple.quicktime.location.ISO6709,
//                        com.apple.quicktime.creationdate ("2023-07-14T18:05:09-0400"),
//                        com.apple.quicktime.make / .model
// Phones write these at moov level (not per track). Box counts are bounded; a malformed size ends the walk with what was found.
import ExposureModel
import Foundation

public struct VideoMetadata: Sendable, Equatable {
    public var location: GeoPoint?
    /// Local capture time when the file records one with its offset (QuickTime creationdate),
    /// else the container's UTC creation time (offset 0). Nil for the 1904/1970 zero dates.
    public var captureTime: LocalDateTime?
    public var make: String?
    public var model: String?
    public init() {}
}

public enum VideoMetadataReader {
    public static func read(_ data: Data) -> VideoMetadata {
        var result = VideoMetadata()
        let b = [UInt8](data)
        guard let moov = children(b, 0, b.count).first(where: { $0.type == "moov" }) else { return result }
        let boxes = children(b, moov.start, moov.end)
        var utcCreation: LocalDateTime?
        if let mvhd = boxes.first(where: { $0.type == "mvhd" }), mvhd.end - mvhd.start >= 12 {
            let version = b[mvhd.start]
            let seconds = version == 1 ? be(b, mvhd.start + 4, 8) : be(b, mvhd.start + 4, 4)
            utcCreation = fromMacEpoch(seconds)
        }
        if let udta = boxes.first(where: { $0.type == "udta" }) {
            for box in children(b, udta.start, udta.end) where box.type == "\u{A9}xyz" && box.end - box.start > 4 {
                let length = be(b, box.start, 2)
                let text = String(decoding: b[(box.start + 4)..<min(box.end, box.start + 4 + length)], as: UTF8.self)
                result.location = parseISO6709(text)
            }
        }
        if let meta = boxes.first(where: { $0.type == "meta" }) {
            // QuickTime 'meta' has no version/flags; the ISO one does. Try both.
            var items = children(b, meta.start, meta.end)
            if !items.contains(where: { $0.type == "keys" }) { items = children(b, meta.start + 4, meta.end) }
            var keys: [String] = []
            if let keysBox = items.first(where: { $0.type == "keys" }), keysBox.end - keysBox.start >= 8 {
                var p = keysBox.start + 8
                let count = min(be(b, keysBox.start + 4, 4), 1000)
                for _ in 0..<count {
                    guard p + 8 <= keysBox.end else { break }
                    let size = be(b, p, 4)
                    guard size >= 8, p + size <= keysBox.end else { break }
                    keys.append(String(decoding: b[(p + 8)..<(p + size)], as: UTF8.self))
                    p += size
                }
            }
            if let ilst = items.first(where: { $0.type == "ilst" }) {
                for item in children(b, ilst.start, ilst.end) {
                    let index = be(b, item.start - 4, 4)  // the item's type field is its 1-based key index
                    guard index >= 1, index <= keys.count else { continue }
                    guard let value = children(b, item.start, item.end).first(where: { $0.type == "data" }),
                          value.end - value.start >= 8 else { continue }
                    let text = String(decoding: b[(value.start + 8)..<value.end], as: UTF8.self)
                    switch keys[index - 1] {
                    case "com.apple.quicktime.location.ISO6709": result.location = parseISO6709(text) ?? result.location
                    case "com.apple.quicktime.creationdate": result.captureTime = parseISODate(text)
                    case "com.apple.quicktime.make": result.make = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    case "com.apple.quicktime.model": result.model = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    default: break
                    }
                }
            }
        }
        if result.captureTime == nil { result.captureTime = utcCreation }
        if let location = result.location, !location.isMeaningful { result.location = nil }
        return result
    }

    struct Box { let type: String; let start: Int; let end: Int }  // payload range

    /// The boxes directly inside [start, end), at most 10,000.
    static func children(_ b: [UInt8], _ start: Int, _ end: Int) -> [Box] {
        var boxes: [Box] = [], p = start
        while p + 8 <= end, boxes.count < 10_000 {
            var size = be(b, p, 4), header = 8
            let type = String(String.UnicodeScalarView(b[(p + 4)..<(p + 8)].map { Unicode.Scalar($0) }))  // Latin-1: "©xyz" is A9 78 79 7A
            if size == 1 {
                guard p + 16 <= end else { break }
                size = be(b, p + 8, 8); header = 16
            } else if size == 0 {
                size = end - p
            }
            guard size >= header, size <= end - p else { break }
            boxes.append(Box(type: type, start: p + header, end: p + size))
            p += size
        }
        return boxes
    }

    static func be(_ b: [UInt8], _ offset: Int, _ count: Int) -> Int {
        guard offset >= 0, offset + count <= b.count else { return 0 }
        var v = 0
        for i in 0..<count { v = v << 8 | Int(b[offset + i]) }
        return v < 0 ? 0 : v
    }

    /// "+DD.DDDD+DDD.DDDD[+AAA.AAA]/" (ISO 6709 decimal degrees), as phones write it.
    static func parseISO6709(_ text: String) -> GeoPoint? {
        var numbers: [Double] = [], current = ""
        for ch in text {
            if ch == "+" || ch == "-" || ch == "/" {
                if let v = Double(current) { numbers.append(v) }
                current = ch == "/" ? "" : String(ch)
                if ch == "/" { break }
            } else if ch.isNumber || ch == "." {
                current.append(ch)
            }
        }
        if let v = Double(current) { numbers.append(v) }
        guard numbers.count >= 2 else { return nil }
        let point = GeoPoint(latitude: numbers[0], longitude: numbers[1], altitude: numbers.count > 2 ? numbers[2] : nil)
        return point.isMeaningful ? point : nil
    }

    /// "2023-07-14T18:05:09-0400" / "...+02:00" / "...Z".
    static func parseISODate(_ text: String) -> LocalDateTime? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.count >= 19 else { return nil }
        let head = String(t.prefix(19)), tail = t.dropFirst(19).drop { $0 == "." || $0.isNumber }
        guard var time = ExifReader.parseDateTime(head, offset: nil) else { return nil }
        if tail.hasPrefix("Z") { time.utcOffsetSeconds = 0 }
        else if let sign = tail.first, sign == "+" || sign == "-" {
            let digits = tail.dropFirst().filter(\.isNumber)
            if digits.count == 4, let h = Int(digits.prefix(2)), let m = Int(digits.suffix(2)) {
                time.utcOffsetSeconds = (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)
            }
        }
        return time
    }

    /// Seconds since 1904-01-01 UTC; 0 and pre-1971 values (unset clocks) give nil.
    static func fromMacEpoch(_ seconds: Int) -> LocalDateTime? {
        let unix = seconds - 2_082_844_800
        guard seconds > 0, unix > 31_536_000, unix < 7_258_118_400 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(unix)))
        return LocalDateTime(year: c.year!, month: c.month!, day: c.day!, hour: c.hour!, minute: c.minute!, second: c.second!,
                             utcOffsetSeconds: 0)
    }
}
