import Foundation
import ExposureModel

/// The media object Facebook and Instagram share (archive-formats.md §1.5, §2.2, §2.4):
/// `{uri, creation_timestamp, title, description, backup_uri, media_metadata: {photo_metadata |
/// video_metadata: {exif_data: [{…}]}}}`. Up to ~2019 the exif keys sat directly in
/// `photo_metadata`, and some exports put them at the root of the media object; all are read.
struct MetaMedia {
    let object: [String: JSONValue]

    /// Where exif-like keys may sit, most specific first.
    private let exifDictionaries: [[String: JSONValue]]

    init?(_ value: JSONValue?) {
        guard let object = value?.object else { return nil }
        self.object = object
        var found: [[String: JSONValue]] = []
        let metadata = object["media_metadata"]
        for kind in ["photo_metadata", "video_metadata"] {
            guard let block = metadata?[kind] else { continue }
            for element in block["exif_data"]?.array ?? [] { if let o = element.object { found.append(o) } }
            if let flat = block.object { found.append(flat) }
        }
        found.append(object)
        exifDictionaries = found
    }

    /// The file's path; only a JSON string counts (a number here is a corrupt entry, not a file name).
    var uri: String? {
        guard case .string(let uri)? = object["uri"] else { return nil }
        let trimmed = PathText.trimmed(uri)
        return trimmed.isEmpty ? nil : trimmed
    }
    /// Upload time on the platform (never capture time).
    var creationTime: Date? { Timestamps.epoch(object["creation_timestamp"]) }
    var title: String? { object["title"]?.text }
    var description: String? { object["description"]?.text }
    /// A web link to the item when the export gives one (`backup_uri`, newer exports).
    var link: String? {
        guard let backup = object["backup_uri"]?.text, backup.lowercased().hasPrefix("http") else { return nil }
        return backup
    }

    private func first(_ keys: String...) -> JSONValue? {
        for dictionary in exifDictionaries {
            for key in keys { if let value = dictionary[key], value != .null { return value } }
        }
        return nil
    }

    /// The platform's metadata for this item. `taken_timestamp` (Facebook, epoch) or
    /// `date_time_original` (Instagram, "YYYY:MM:DD HH:MM:SS" local time, kept as UTC wall clock).
    func metadata(sourceFile: String) -> PlatformMetadata {
        var m = PlatformMetadata(sourceFile: sourceFile)
        m.takenTime = Timestamps.epoch(first("taken_timestamp"))
            ?? Timestamps.parseDateTime(first("date_time_original")?.text)
        m.location = Geo.point(latitude: first("latitude"), longitude: first("longitude"))
        m.cameraMake = first("camera_make")?.text ?? first("lens_make")?.text
        m.cameraModel = first("camera_model")?.text ?? first("lens_model")?.text
        if let ip = first("upload_ip")?.text, ip != "-" { m.uploadIP = ip }
        m.deviceID = first("device_id")?.text
        return m
    }
}

/// Resolving Meta `uri`s and recording the unresolved ones, one warning per JSON file.
struct MetaReferences {
    let index: PathIndex
    var missingByFile: [String: (count: Int, example: String)] = [:]
    var fileOrder: [String] = []
    var malformedByFile: [String: Int] = [:]
    var malformedOrder: [String] = []

    /// Counts an entry where a media object was expected but something else (or one without a
    /// string `uri`) was found.
    mutating func malformed(in jsonFile: String) {
        if malformedByFile[jsonFile] == nil { malformedOrder.append(jsonFile) }
        malformedByFile[jsonFile, default: 0] += 1
    }

    init(index: PathIndex) { self.index = index }

    /// The path to record for `uri`, and whether the file is in the export. Nil for remote URLs.
    mutating func resolve(_ uri: String, from jsonFile: String) -> (path: String, present: Bool)? {
        guard !PathText.isRemote(uri) else { return nil }
        if let path = index.resolve(uri) { return (path, true) }
        let written = PathText.normalized(uri)
        if missingByFile[jsonFile] == nil { fileOrder.append(jsonFile); missingByFile[jsonFile] = (0, written) }
        missingByFile[jsonFile]!.count += 1
        return (written, false)
    }

    func warnings() -> [String] {
        malformedOrder.map { "\($0): \(malformedByFile[$0]!) entr(ies) skipped: not a media object with a uri string" }
            + fileOrder.map { file in
                let missing = missingByFile[file]!
                return "\(file): \(missing.count) referenced media file(s) not in the export (e.g. \(missing.example))"
            }
    }
}
