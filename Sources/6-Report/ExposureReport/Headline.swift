import ExposureModel

/// Reference figures the report compares against, with their sources (also printed in the
/// report's methodology section).
public enum ReferenceFigures {
    /// MegaFace MF2 training set: 4,753,320 faces of 672,057 identities from Flickr, mean 7.07 per identity
    /// (Nech & Kemelmacher-Shlizerman, CVPR 2017; megapixels.cc/megaface).
    public static let megaFacePhotosPerIdentity = 7.07
    /// VGGFace2: 3.31 M images of 9,131 identities, mean 362.6 per identity (Cao et al. 2018, arXiv 1710.08092).
    public static let vggFace2PhotosPerIdentity = 362.6
}

extension ReportRenderer {
    /// The first sentence of the report, in plain words, computed from the summary. Example:
    /// "214 photos of you, 61 labelled with your name, across 11 years: more than 30 times the
    /// average identity in MegaFace".
    public static func headline(_ summary: Summary) -> String {
        let owner = summary.faces.owner
        let faces = owner.faces
        guard summary.scan.finished else {
            return "Unfinished scan: these numbers are partial; run the same scan command again to resume"
        }
        guard summary.facesKnown else {
            return "Faces were not searched in this scan (--no-faces): \(Text.plural(summary.items.photos, "photo", "photos")) read for their metadata only"
        }
        guard faces > 0 else {
            if summary.items.photos > 0 {
                return "No photos of your face found among \(Text.plural(summary.items.photos, "photo", "photos")) in this export"
            }
            return "No photos of your face found in this export"
        }
        var parts = ["\(Text.plural(faces, "photo", "photos")) of you"]
        if owner.labelled == 0 {
            parts.append("none labelled with your name")
        } else if owner.labelled == faces && faces > 1 {
            parts.append("all labelled with your name")
        } else {
            parts.append("\(Text.count(owner.labelled)) labelled with your name")
        }
        if owner.years >= 2 {
            parts.append("across \(owner.years) years")
        } else if owner.years == 1 {
            parts.append(owner.firstYear.map { "all from \($0)" } ?? "all from one year")
        }
        return parts.joined(separator: ", ") + ": " + comparison(faces: faces)
    }

    /// How a number of photos of one person compares with face-recognition datasets.
    static func comparison(faces: Int) -> String {
        let n = Double(faces)
        let vgg = ReferenceFigures.vggFace2PhotosPerIdentity, mega = ReferenceFigures.megaFacePhotosPerIdentity
        if n > vgg {
            return times(n / vgg, "the average identity in VGGFace2, a face-recognition training set")
        }
        if n > mega {
            return times(n / mega, "the average identity in MegaFace")
        }
        return "one clear, named photo is already enough for a face search to find you"
    }

    /// "more than 30 times X" (rounded down, so the claim is always true), "twice X", "more than X".
    private static func times(_ ratio: Double, _ what: String) -> String {
        let whole = Int(ratio.rounded(.down))
        let exact = ratio == Double(whole)
        switch whole {
        case ..<2: return "more than \(what)"
        case 2: return exact ? "twice \(what)" : "more than twice \(what)"
        default: return exact ? "\(whole) times \(what)" : "more than \(whole) times \(what)"
        }
    }
}
