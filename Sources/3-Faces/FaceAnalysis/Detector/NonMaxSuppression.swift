/// The MMOD loss's greedy non-maximum suppression [dlib/dnn/loss.h:1371-1379, 1786;
/// dlib/image_processing/box_overlap_testing.h:86-102].
public enum NonMaxSuppression {
    /// dlib's `test_box_overlap`. Unusual: the "union" is the area of the *bounding box* of the
    /// two rectangles, not the area of their union, so this is stricter than IoU.
    /// Areas count pixels inclusively, as dlib's integer rectangles do.
    public static func overlaps(_ a: DlibRectangle, _ b: DlibRectangle, iou: Double, percentCovered: Double) -> Bool {
        let inner = Double(a.intersection(b).area)
        if inner == 0 { return false }
        let outer = Double(a.boundingUnion(b).area)
        return inner / outer > iou || inner / Double(a.area) > percentCovered || inner / Double(b.area) > percentCovered
    }

    /// Sorts by score, highest first, and keeps each candidate that overlaps no kept one.
    /// Equal scores keep their input order (dlib's `std::sort` leaves them unspecified).
    public static func suppress(_ candidates: [(rect: DlibRectangle, score: Float)],
                                iou: Double, percentCovered: Double) -> [(rect: DlibRectangle, score: Float)] {
        let order = candidates.indices.sorted { i, j in
            candidates[i].score != candidates[j].score ? candidates[i].score > candidates[j].score : i < j
        }
        var kept: [(rect: DlibRectangle, score: Float)] = []
        for i in order {
            let c = candidates[i]
            if kept.contains(where: { overlaps($0.rect, c.rect, iou: iou, percentCovered: percentCovered) }) { continue }
            kept.append(c)
        }
        return kept
    }
}
