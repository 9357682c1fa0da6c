import Foundation
import ExposureModel

/// X/Twitter archive (archive-formats.md §4):
///
///     data/tweets.js                 window.YTD.tweets.part0 = [ {"tweet": {…}} … ]   (older: tweet.js, flat objects;
///                                    large archives: tweets-part1.js, …)
///     data/tweets_media/<tweet id>-<media name>.<ext>   (older: data/tweet_media/)
///     data/account.js                window.YTD.account.part0 = [ {"account": {username, accountDisplayName, …}} ]
///     data/profile.js                {"profile": {avatarMediaUrl, headerMediaUrl, …}}
///     data/profile_media/…           current avatar and header images
///     data/protected-history.js      [ {"protectedHistory": {"protectedAt": ISO 8601, "action": "Protect"|"Unprotect"}} ]
///
/// Audience: tweets are public unless the account is protected (then followers only); the last
/// protectedHistory action decides, and an archive without the file says the account never was.
/// Avatars and headers are shown to anyone either way.
///
/// Tweet media files are linked to tweets by the tweet id before the first '-' of their name.
public enum TwitterExport: ExportFormat {
    public static let platform = Platform.twitter

    /// `tweets.js`, `tweet.js`, `tweets-part1.js`, …, and the same for deleted tweets.
    static func isTweetsFile(_ name: String) -> Bool {
        guard name.hasSuffix(".js") else { return false }
        for base in ["tweets", "tweet", "deleted-tweets", "deleted-tweet"] {
            if name == base + ".js" || name.hasPrefix(base + "-part") { return true }
        }
        return false
    }

    static let tweetMediaFolders: Set<String> = ["tweets_media", "tweet_media", "deleted_tweets_media", "community_tweet_media"]

    public static func recognizes(_ tree: ExportFileTree) -> Bool {
        var candidates: [String] = []
        for path in tree.paths {
            let segments = PathText.segments(path)
            guard segments.count >= 2, segments[segments.count - 2] == "data" else { continue }
            let name = segments.last!
            if name == "account.js" || name == "manifest.js" { candidates.insert(path, at: 0) }
            else if isTweetsFile(name) { candidates.append(path) }
        }
        // Peek: the file must be a YTD assignment. The small files go first; tweets.js can be hundreds of MB.
        for path in candidates {
            guard let data = try? tree.contents(of: path, maxBytes: 256 << 20) else { continue }
            if String(decoding: data.prefix(64), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                .hasPrefix("window.YTD.") { return true }
        }
        return false
    }

    /// The JSON behind `window.YTD.<name>.partN = `: everything after the first '=' (or from the first '[').
    static func jsonPayload(_ data: Data) -> Data {
        let equals = UInt8(ascii: "="), bracket = UInt8(ascii: "[")
        guard let start = data.firstIndex(where: { $0 == equals || $0 == bracket }) else { return data }
        return data[start] == bracket ? Data(data[start...]) : Data(data[data.index(after: start)...])
    }

    static func loadJS(_ path: String, tree: ExportFileTree, into collector: inout MediaCollector) -> JSONValue? {
        let data: Data
        do { data = try tree.contents(of: path) } catch {
            collector.warn("\(path): unreadable (\(error))")
            return nil
        }
        do { return try JSONValue.parse(jsonPayload(data)) } catch {
            collector.warn("\(path): not a valid window.YTD JSON assignment, skipped (\(JSONLoader.describe(error)))")
            return nil
        }
    }

    public static func read(_ tree: ExportFileTree) throws -> ParsedExport {
        let paths = tree.paths.sorted()
        var collector = MediaCollector()
        var ownerName: String?
        var ownerUsername: String?
        var headerName: String?
        var protection: (isProtected: Bool, evidence: String)?
        var hasProtectionHistory = false

        // Tweet media files by tweet id.
        var mediaByTweet: [String: [String]] = [:]
        for path in paths where MediaFiles.isMedia(path) {
            let segments = PathText.segments(path)
            guard segments.count >= 2, tweetMediaFolders.contains(segments[segments.count - 2]) else { continue }
            let name = segments.last!
            guard let dash = name.firstIndex(of: "-") else { continue }
            mediaByTweet[String(name[..<dash]), default: []].append(path)
        }

        for path in paths {
            let name = PathText.basename(path)
            guard PathText.basename(PathText.directory(path)) == "data" else { continue }
            if name == "account.js", let json = loadJS(path, tree: tree, into: &collector) {
                guard let first = json.elements.first else {
                    collector.warn("\(path): expected an account list, found \(json.kindName)")
                    continue
                }
                let account = first["account"] ?? first
                ownerName = account["accountDisplayName"]?.text ?? ownerName
                ownerUsername = account["username"]?.text ?? ownerUsername
            } else if name == "protected-history.js", let json = loadJS(path, tree: tree, into: &collector) {
                hasProtectionHistory = true
                let events = json.elements.compactMap { entry -> (at: String, action: String)? in
                    let event = entry["protectedHistory"] ?? entry
                    guard let action = event["action"]?.text else { return nil }
                    return (event["protectedAt"]?.text ?? "", action)
                }
                if let last = events.max(by: { $0.at < $1.at }) {
                    protection = (last.action.lowercased() == "protect", "\(path): last action \"\(last.action)\" at \(last.at)")
                }
            } else if name == "profile.js", let json = loadJS(path, tree: tree, into: &collector) {
                let profile = json.elements.first.flatMap { $0["profile"] ?? $0 }
                if let header = profile?["headerMediaUrl"]?.text { headerName = PathText.basename(header) }
            }
        }

        var link = TweetLinker(mediaByTweet: mediaByTweet)
        for path in paths where isTweetsFile(PathText.basename(path)) {
            guard let json = loadJS(path, tree: tree, into: &collector) else { continue }
            guard let tweets = json.array else {
                collector.warn("\(path): expected a list of tweets, found \(json.kindName); skipped")
                continue
            }
            for entry in tweets {
                guard let tweet = (entry["tweet"] ?? entry).object else { continue }
                link.add(tweet: tweet, sourceFile: path, into: &collector)
            }
        }
        if link.missingCount > 0 {
            collector.warn("tweets: \(link.missingCount) tweet media file(s) not in the export (e.g. \(link.missingExample ?? ""))")
        }

        // Profile media: the avatar is a profile picture; the header (banner) is not.
        for path in paths where MediaFiles.isMedia(path) && PathText.segments(path).contains("profile_media") {
            let isHeader = headerName.map { !$0.isEmpty && PathText.basename(path).contains($0) } ?? false
            collector.add(path: path, present: true,
                          appearance: Appearance(kind: isHeader ? .other : .profilePicture, album: isHeader ? "Header" : nil),
                          isProfilePicture: !isHeader)
        }
        collector.addUnreferencedMedia(of: paths)
        var media = collector.media
        let tweetAudience = protection.map { Audience($0.isProtected ? .shared : .public, evidence: $0.evidence) }
            ?? (hasProtectionHistory ? nil
                : Audience(.public, evidence: "data/: no protected-history.js, so the account was never protected; tweets are public"))
        Audiences.fill(&media) { appearance in
            switch appearance.kind {
            case .tweet: return tweetAudience
            case .profilePicture: return Audience(.public, evidence: "X shows avatars to anyone, protected accounts included")
            case .other where appearance.album == "Header":
                return Audience(.public, evidence: "X shows header images to anyone, protected accounts included")
            default: return nil
            }
        }
        return ParsedExport(platform: platform, ownerName: ownerName, media: media,
                            warnings: collector.warnings, ownerUsername: ownerUsername)
    }
}
