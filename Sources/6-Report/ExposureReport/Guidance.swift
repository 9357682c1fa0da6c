import ExposureModel

/// Fixed texts: the platforms' own deletion and objection routes, legal hooks, and the methodology.
/// Nothing here comes from an archive; names of menus are given in words (they change often).
extension ReportRenderer {
    struct Route {
        let platform: String
        let title: String
        let steps: [String]
        let link: String
    }

    static let routes: [Route] = [
        Route(platform: "facebook", title: "Facebook", steps: [
            "Delete a photo: open it, choose the three dots (⋯), then “Delete photo”. Many at once: Settings & privacy → “Activity log” → “Your activity across Facebook” → “Posts” or “Photos and videos”, select them, then “Trash”.",
            "Remove a tag of you: open the photo, ⋯ → “Remove tag”. For the future: Settings → “Profile and tagging” → turn on “Review tags people add to your posts”.",
            "Limit old posts: Settings → “Privacy” → “Limit who can see past posts”.",
            "Object to Meta using your public posts to train its AI (EU, EEA, UK): Meta’s Privacy Centre → the page on generative AI → the “right to object” form.",
            "Delete the whole account: Settings → “Accounts Centre” → “Personal details” → “Account ownership and control” → “Deactivation or deletion”.",
        ], link: "https://www.facebook.com/help/"),
        Route(platform: "instagram", title: "Instagram", steps: [
            "Delete a post: open it, ⋯ → “Delete”. Many at once: Profile → menu → “Your activity” → “Photos and videos” → “Posts” → “Select”.",
            "Remove tags of you: “Your activity” → “Tags” → “Select” → “Remove tags”. For the future: Settings → “Tags and mentions” → “Manually approve tags”.",
            "Make the account private: Settings → “Account privacy” → “Private account”.",
            "Object to AI training (EU, EEA, UK): the same Meta Privacy Centre form as for Facebook.",
            "Delete the whole account: “Accounts Centre” → “Personal details” → “Account ownership and control” → “Deactivation or deletion”.",
        ], link: "https://help.instagram.com/"),
        Route(platform: "google-takeout", title: "Google Photos", steps: [
            "Delete photos: select them → the bin icon. They stay in “Trash” for 60 days unless you empty it.",
            "Stop sharing: “Sharing” → open each shared album → Options → turn off “Link sharing”, or delete the album.",
            "Face groups: Photos settings → “Privacy” → “Face Groups”; turning it off deletes the face groups and face models Google built.",
            "Delete the whole service: Google Account → “Data & privacy” → “Delete a Google service”.",
        ], link: "https://myaccount.google.com/"),
        Route(platform: "twitter", title: "X (Twitter)", steps: [
            "Delete a post: ⋯ on the post → “Delete”.",
            "Stop photo tagging: “Settings and privacy” → “Privacy and safety” → “Audience, media and tagging” → “Photo tagging” off.",
            "Hide your posts from strangers: the same page → “Protect your posts”.",
            "Delete the whole account: “Settings and privacy” → “Your account” → “Deactivate your account” (it is deleted after 30 days).",
        ], link: "https://help.x.com/"),
        Route(platform: "snapchat", title: "Snapchat", steps: [
            "Delete saved Snaps: open “Memories”, press and hold a Snap → “Delete”.",
            "Public content: Profile → “Public Profile” → delete Spotlight and public Story posts one by one.",
            "Location: Snap Map → settings → “Ghost Mode” on.",
            "Delete the whole account: accounts.snapchat.com → “Delete my account” (30 days to change your mind).",
        ], link: "https://accounts.snapchat.com/"),
    ]

    static func actSection(_ data: ReportData) -> String {
        var h = "<section id=\"act\" aria-labelledby=\"act-h\">\n<h2 id=\"act-h\">What you can do: the platforms’ own routes</h2>\n"
        h += "<p class=\"lead\">Menu names change often; if one is missing, search the platform’s help pages for the words in quotes. Deleting a post removes the platform’s copy, not copies others have already downloaded. Run Exposure again on a new export afterwards to see what remains.</p>\n"
        let present = Set(data.summary.sources.map(\.platform))
        let mine = routes.filter { present.contains($0.platform) }
        let shown = mine.isEmpty ? routes : mine
        h += "<div class=\"routes\">\n"
        for route in shown { h += routeBox(route) }
        h += "</div>\n"
        let rest = routes.filter { r in !shown.contains(where: { $0.platform == r.platform }) }
        if !rest.isEmpty {
            h += "<details><summary>Other platforms</summary><div class=\"routes\">\n"
            for route in rest { h += routeBox(route) }
            h += "</div></details>\n"
        }
        h += "<h3>Your rights</h3>\n<ul class=\"plain\">\n"
        h += "<li>In the EU, EEA and UK (GDPR): you can ask a platform to erase data about you (Article 17), including photos of you that others posted, and object to uses based on its “legitimate interest”, such as AI training (Article 21). Face templates computed from photos to identify people are biometric data, a special category (Articles 4(14) and 9).</li>\n"
        h += "<li>In Illinois (BIPA): a company needs your written release before it collects a scan of your face geometry.</li>\n"
        h += "<li>Facebook deleted its face-recognition templates in 2021, but the photos and name tags they were computed from remain unless you delete them: that is what this report counts.</li>\n"
        h += "</ul>\n</section>\n"
        return h
    }

    /// Source names are meant to arrive without directories; if a path slips through, only its last
    /// component is shown, so a report never carries the user's folder layout.
    static func displayName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? name
        return last.isEmpty ? name : last
    }

    static func routeBox(_ route: Route) -> String {
        var h = "<div class=\"route\"><h3>\(route.title)</h3><ol>"
        for step in route.steps { h += "<li>\(HTML.escapeText(step))</li>" }
        h += "</ol><p class=\"muted\">Help: <a href=\"\(route.link)\" rel=\"noopener noreferrer\">\(route.link)</a></p></div>\n"
        return h
    }

    static func methodSection(_ data: ReportData) -> String {
        let m = data.method
        var h = "<section id=\"method\" aria-labelledby=\"method-h\">\n<h2 id=\"method-h\">How this was measured</h2>\n"
        h += "<p class=\"note\"><strong>Nothing left this computer.</strong> Exposure read your export files, kept its notes in a local database, and wrote this page. It made no network connection. This page loads nothing either: its images are embedded in it, and its security policy forbids fetching anything.</p>\n"
        h += "<h3>Faces</h3>\n<ul class=\"plain\">\n"
        h += "<li>Faces were found with dlib’s MMOD CNN face detector, aligned with dlib’s 5-point landmark model, and turned into 128 numbers each by dlib’s ResNet face-recognition model (99.38% on the LFW benchmark). The three models are by Davis King and released under CC0 (public domain); Exposure runs them with its own code on this computer.</li>\n"
        if let search = m.faceSearch {
            if search.hasPrefix("fast") {
                h += "<li>Search settings: \(HTML.escapeText(search)). A small proposal network (MTCNN, MIT licence) first points at likely faces; dlib’s detector then decides there, exactly as its search of the whole photo would. Faces under dlib’s 40-pixel range that the proposal network is sure of are kept but counted apart: their 128 numbers are less reliable.</li>\n"
            } else {
                h += "<li>Search settings: \(HTML.escapeText(search)). Smaller faces are not counted here, although face search systems may still find some of them.</li>\n"
            }
        }
        h += "<li>Two faces count as the same person when their 128 numbers are closer than \(Text.metric(m.faceMatchDistance)) (Euclidean distance), dlib’s own threshold.</li>\n"
        h += "<li>“Labelled” means the item names the person: a platform tag, a face region with a name in the photo’s metadata, or the name in a caption.</li>\n"
        h += "</ul>\n"
        if !data.models.isEmpty {
            h += "<div class=\"table-box\"><table><thead><tr><th>Model</th><th>File</th><th>Licence</th><th>SHA-256</th></tr></thead><tbody>\n"
            for model in data.models {
                h += "<tr><td>\(HTML.escapeText(model.role))</td><td class=\"mono\">\(HTML.escapeText(model.file))</td><td>\(HTML.escapeText(model.licence))</td><td class=\"mono\">\(HTML.escapeText(model.sha256 ?? "not recorded"))</td></tr>\n"
            }
            h += "</tbody></table></div>\n"
        }
        if let program = data.summary.exposure {
            var packages: [String] = []
            for model in program.models where !packages.contains("\(model.package) \(model.packageVersion)") {
                packages.append("\(model.package) \(model.packageVersion)")
            }
            h += "<p class=\"muted\">Made by Exposure \(HTML.escapeText(program.short)) with the model files of \(HTML.escapeText(packages.joined(separator: " and "))) (PyPI; <code>exposure --version</code> names them too).</p>\n"
        }
        h += "<h3>Places</h3>\n<ul class=\"plain\">\n"
        h += "<li>Locations come from the camera’s GPS tags and from locations the platform recorded. Locations closer than \(Text.metric(m.placeRadiusMeters)) m are one place.</li>\n"
        h += "<li>\(HTML.escapeText(m.homeRule))</li>\n"
        h += "<li>\(HTML.escapeText(data.geocoderAttribution))</li>\n</ul>\n"
        h += "<h3>Where the comparison figures come from</h3>\n<ul class=\"plain\">\n"
        h += "<li>MegaFace (training set MF2): 4,753,320 faces of 672,057 people from Flickr, 7.07 per person on average (Nech &amp; Kemelmacher-Shlizerman, CVPR 2017; megapixels.cc/megaface).</li>\n"
        h += "<li>VGGFace2: 3.31 million images of 9,131 people, 362.6 per person on average (Cao et al. 2018, arXiv 1710.08092).</li>\n"
        h += "<li>One photo is enough to be found: face search systems enrol one photo per person; in NIST’s 2018 test only 0.2% of searches in a large mugshot database failed (nist.gov, November 2018).</li>\n"
        h += "<li>Every other number on this page is counted from your export; the same numbers are in <code>exposure summary --json</code>.</li>\n</ul>\n"
        h += "<h3>Sources read</h3>\n"
        if data.summary.sources.isEmpty {
            h += "<p class=\"muted\">None recorded.</p>\n"
        } else {
            h += "<div class=\"table-box\"><table><thead><tr><th>Export</th><th>Platform</th></tr></thead><tbody>\n"
            for source in data.summary.sources {
                h += "<tr><td class=\"mono\">\(HTML.escapeText(displayName(source.name)))</td><td>\(HTML.escapeText(platformName(source.platform)))</td></tr>\n"
            }
            h += "</tbody></table></div>\n"
        }
        let items = data.summary.items
        h += "<p class=\"muted\">\(Text.plural(items.total, "item", "items")) in all: \(Text.count(items.photos)) photos, \(Text.count(items.videos)) videos, \(Text.count(items.unreadable)) unreadable, \(Text.count(items.missing)) listed by the platform but missing from the export. Generated \(HTML.escapeText(data.generatedAt)).</p>\n"
        h += "</section>\n"
        return h
    }
}
