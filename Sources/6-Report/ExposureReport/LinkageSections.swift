import ExposureModel
import Foundation

extension ReportData {
    /// One row of "What ties your accounts together".
    public struct Link: Codable, Sendable, Equatable {
        /// "The same photo", "Camera serial number", "Camera owner name", "Your face", "A person's face".
        public var what: String
        /// The serial number or name; empty for a photo or an unnamed person.
        public var value: String
        public var accounts: [String]
        /// File names (no folders) of a few of the items behind it.
        public var examples: [String]
        public var items: Int
        public init(what: String, value: String, accounts: [String], examples: [String], items: Int) {
            self.what = what; self.value = value; self.accounts = accounts; self.examples = examples; self.items = items
        }
    }
}

extension ReportRenderer {
    /// "What was public": the summary's `audience`, with what the exports said and did not say.
    static func publicSection(_ data: ReportData) -> String {
        let a = data.summary.audience
        var h = "<section id=\"public\" aria-labelledby=\"public-h\">\n<h2 id=\"public-h\">What was public</h2>\n"
        h += "<p class=\"lead\">What anyone could see is what scrapers and dataset builders took: MegaFace was built from public Flickr photos, and platforms train their own AI on public posts. Read from each export’s own fields; where an export does not say, the item counts as unknown, never guessed.</p>\n"
        h += "<div class=\"cards\">\n"
        for (value, label) in [(a.publicItems, "public items"), (a.publicOwnerPhotos, "public photos of your face"),
                               (a.publicLabelledFaces, "labelled faces on public items"),
                               (a.publicItemsWithGPS, "public items with a location")] {
            h += "<div class=\"card\"><span class=\"num\">\(Text.count(value))</span><span class=\"label\">\(label)</span></div>\n"
        }
        h += "</div>\n"
        h += "<p>Also: \(Text.count(a.sharedItems)) shared with friends, followers or a shared album; \(Text.count(a.privateItems)) private; \(Text.count(a.unknownItems)) whose export does not say who could see them.</p>\n"
        h += "</section>\n"
        return h
    }

    /// "What ties your accounts together": links across accounts, with the items behind each.
    static func linksSection(_ data: ReportData) -> String {
        var h = "<section id=\"links\" aria-labelledby=\"links-h\">\n<h2 id=\"links-h\">What ties your accounts together</h2>\n"
        h += "<p class=\"lead\">A face search or a data broker joins exports: the same photo posted on two platforms, one camera’s serial number, one face. Each row is something found in more than one of the accounts scanned here.</p>\n"
        guard !data.links.isEmpty else {
            h += "<p class=\"muted\">Nothing found in more than one account\(data.summary.sources.count < 2 ? " (scan exports of several accounts together to see links)" : "").</p>\n</section>\n"
            return h
        }
        h += "<div class=\"table-box\"><table class=\"sortable\"><thead><tr><th>What</th><th>Value</th><th>Accounts</th><th class=\"n\">Items</th><th>For example</th></tr></thead><tbody>\n"
        for link in data.links.prefix(rowLimit) {
            h += "<tr><td>\(HTML.escapeText(link.what))</td><td class=\"mono\">\(HTML.escapeText(link.value))</td>"
            h += "<td>\(HTML.escapeText(link.accounts.joined(separator: ", ")))</td><td class=\"n\">\(Text.count(link.items))</td>"
            h += "<td class=\"mono\">\(HTML.escapeText(link.examples.joined(separator: ", ")))</td></tr>\n"
        }
        h += "</tbody></table></div>\n"
        if data.links.count > rowLimit { h += "<p class=\"muted\">And \(Text.count(data.links.count - rowLimit)) more.</p>\n" }
        h += "</section>\n"
        return h
    }
}
