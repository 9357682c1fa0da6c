/// Keys of the stored analysis values (written by the pipeline's analysis step, read here).
public enum AnalysisKeys {
    public static let faces = "faces"
    public static let metrics = "metrics"
    public static let itemCounts = "item_counts"
    public static let ownerReason = "owner_reason"
    public static let distinctPlaces = "distinct_places"
    public static let staleThumbnails = "stale_thumbnails"
    public static let audience = "audience"
    public static let linkage = "linkage"
    public static let videos = "videos"
    public static let perVideo = "per_video"
}
