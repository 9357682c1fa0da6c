/// The metrics a rule can test: exactly what ExposureAnalysis computes
/// (`ExposureAnalysis.MetricTable.paths`; a test keeps the two lists equal).
/// rules/README.md documents the same table for rule authors.
public enum MetricVocabulary {
    /// Path -> meaning. The finding's `items` is given in brackets.
    public static let metrics: [(path: String, meaning: String)] = [
        ("faces.detected", "faces detected in all items, in dlib's detector's range (40 px and up) [items with faces]"),
        ("faces.items_with_faces", "items with at least one face [same]"),
        ("faces.identities", "distinct people (Chinese whispers clusters at L2 < 0.6) with a face in dlib's range [items with faces]"),
        ("faces.owner.faces", "faces of the owner [items with owner faces]"),
        ("faces.owner.labelled", "owner faces on items that carry the owner identity's name [those items]"),
        ("faces.owner.years", "distinct capture years of items with the owner's face [dated items with owner faces]"),
        ("faces.owner.first_year", "earliest such year; null without dated owner faces [dated items with owner faces]"),
        ("faces.owner.last_year", "latest such year; null without dated owner faces [dated items with owner faces]"),
        ("faces.owner.matchable_from_profile",
         "non-profile items with a face within 0.6 of an owner face in a profile picture; null when no profile picture shows the owner [same]"),
        ("faces.others.identities", "people other than the owner [items with their faces]"),
        ("faces.others.faces", "faces of people other than the owner [items with their faces]"),
        ("faces.others.labelled", "faces of others on items carrying their identity's name [those items]"),
        ("faces.small.detected",
         "faces below dlib's 40 px range, found by the proposal network alone (less reliable descriptors); in no other faces.* count [items with them]"),
        ("faces.small.owner", "of those, faces of the owner [items with them]"),
        ("faces.small.others", "of those, faces of people other than the owner [items with them]"),
        ("location.items_with_gps", "items with coordinates from EXIF or the platform [same]"),
        ("location.items_with_exif_gps", "items with EXIF GPS coordinates [same]"),
        ("location.items_with_platform_location", "items with platform-recorded coordinates [same]"),
        ("location.places", "distinct places (250 m single-linkage clusters) [items with coordinates]"),
        ("location.home_inferred", "1 when a home was inferred (night items on >= 5 nights at one place), else 0 [items at home]"),
        ("location.regular_places", "places other than home seen on >= 5 distinct days [items there]"),
        ("location.upload_ips", "distinct upload IP addresses recorded by the platform [items with one]"),
        ("devices.camera_models", "distinct camera (make, model) pairs [items with one]"),
        ("devices.serial_numbers", "distinct body/lens serial numbers in EXIF [items with one]"),
        ("devices.owner_names", "distinct CameraOwnerName/Artist values in EXIF [items with one]"),
        ("devices.instagram_device_ids", "distinct Instagram device ids [items with one]"),
        ("items.stale_thumbnails", "items whose embedded EXIF thumbnail differs from the picture [same]"),
        ("people.xmp_region_names", "distinct names in XMP (MWG) face regions [items with named regions]"),
        ("people.tagged_names", "distinct person names from any tag source [items with names]"),
        ("videos.analysed", "videos whose sampled frames were searched for faces (about one frame per second plus keyframes) [same]"),
        ("videos.with_owner", "videos with a face track of the owner [same]"),
        ("videos.owner_seconds",
         "seconds of video with the owner's face on screen: each track from its first sighting to one sample after its last, tracks of a video merged [videos with the owner]"),
        ("videos.owner_views",
         "distinct views of the owner's face in videos: frames at a head pose or with a descriptor (L2 >= 0.25) not seen before in the track [videos with the owner]"),
        ("videos.with_others", "videos with a face track of someone other than the owner [same]"),
        ("videos.others_seconds", "seconds of video with someone else's face on screen [those videos]"),
    ]

    public static let paths: Set<String> = Set(metrics.map(\.path))
}
