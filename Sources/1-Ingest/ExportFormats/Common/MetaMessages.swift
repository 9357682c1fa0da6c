import Foundation
import ExposureModel

/// Messenger threads, shared by Facebook and Instagram (archive-formats.md §1.4):
/// `messages/inbox/<thread>/message_N.json` = `{"title", "participants": [{name}], "messages":
/// [{"sender_name", "timestamp_ms", "content", "photos"|"videos"|"gifs": [{"uri", "creation_timestamp"}]}]}`.
/// Photos sent by anyone in the thread are in the export; each becomes an `.other` appearance
/// whose album is "Messages: <thread title>", seen by the thread's participants (audience shared).
enum MetaMessages {
    /// True for `…/messages/<folder>/<thread>/message_<n>.json`.
    static func isThreadFile(_ path: String) -> Bool {
        let segments = PathText.segments(path.lowercased())
        guard let name = segments.last, name.hasPrefix("message_"), name.hasSuffix(".json"),
              segments.dropLast().contains("messages") else { return false }
        return true
    }

    /// A conversation's media were seen by its participants.
    static func audience(_ album: String) -> Audience {
        Audience(.shared, evidence: "\(album): sent in a private conversation")
    }

    /// The media objects of one thread file and the appearance each gets.
    static func media(in json: JSONValue) -> [(media: JSONValue, appearance: Appearance)]? {
        guard let messages = json["messages"]?.array else { return nil }
        let album = "Messages: " + (json["title"]?.text ?? "untitled")
        var found: [(JSONValue, Appearance)] = []
        for message in messages {
            let sent = Timestamps.epoch(message["timestamp_ms"])
            for key in ["photos", "videos", "gifs"] {
                for media in message[key]?.array ?? [] {
                    let time = Timestamps.epoch(media["creation_timestamp"]) ?? sent
                    found.append((media, Appearance(kind: .other, album: album, postTime: time, audience: audience(album))))
                }
            }
        }
        return found
    }
}
