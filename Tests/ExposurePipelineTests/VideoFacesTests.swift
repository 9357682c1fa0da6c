import ExposureAnalysis
import ExposureModel
@testable import ExposurePipeline
import ExposureReport
import ExposureStore
import ExposureTestSupport
import FaceAnalysis
import Foundation
@testable import ProcessIsolation
import MediaMetadata
import VideoFrames
import XCTest

/// Faces in videos, from the bytes to the report: test clips are made here with ffmpeg from
/// face_recognition's photos moving across frames (Obama all along, Biden from 3 s on), then
/// searched the way the scan's worker searches them.
final class VideoFacesTests: XCTestCase {
    static let engine: FaceEngine? = try? FaceEngine(modelDirectory: ModelStore().directory, proposals: true)

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg"), "ffmpeg is installed by scripts/setup")
        XCTAssertNotNil(Self.engine, "models: exposure models fetch")
    }

    static var imageDirectory: String {
        FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/exposure/testdata/face_recognition-1.3.0").path
    }

    /// A 6 s clip, 640x360 at 25 fps: obama.jpg's face (about 110 px) drifting right all along,
    /// biden.jpg's face (about 100 px) at the right from 3 s. `codec` and `output` pick the
    /// encoding; `store` is a filter applied last (e.g. a transpose, for a rotated phone clip).
    static func clip(codec: [String] = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
                     output: String = "clip.mp4", store: String? = nil, seconds: Int = 6) throws -> Data {
        let dir = try TestSupport.temporaryDirectory("exposure-video-clip")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent(output)
        var graph = "[1]crop=440:440:260:40,scale=200:200[a];[2]crop=440:440:350:140,scale=150:150[b];"
            + "[0][a]overlay=x='10+25*t':y=60[v1];[v1][b]overlay=x=470:y=100:enable='gte(t,3)'"
        if let store { graph += ",\(store)" }
        graph += "[v]"
        try ffmpeg(["-f", "lavfi", "-i", "color=c=0x6a7a8a:size=640x360:rate=25:duration=\(seconds)",
                    "-loop", "1", "-i", "\(imageDirectory)/obama.jpg", "-loop", "1", "-i", "\(imageDirectory)/biden.jpg",
                    "-filter_complex", graph, "-map", "[v]", "-t", "\(seconds)"] + codec + [out.path])
        return try Data(contentsOf: out)
    }

    static func ffmpeg(_ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        p.arguments = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"] + arguments
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// The descriptor of the face in one of the test photos.
    static func photoDescriptor(_ name: String) throws -> [Float] {
        let image = try ImageDecoder.decode(try Data(contentsOf: URL(fileURLWithPath: "\(imageDirectory)/\(name)")))
        return try XCTUnwrap(try FaceSearch().faces(in: image, engine: try XCTUnwrap(engine)).first).descriptor
    }

    static func distance(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot() }

    static func analyse(_ data: Data, name: String = "clip.mp4") throws -> FileAnalysis {
        try FileAnalysis.of(data, filename: name, engine: try XCTUnwrap(engine), search: FaceSearch())
    }

    /// Two tracks, with the right people, times and frame counts; one face per track in `faces`.
    func assertObamaAndBiden(_ a: FileAnalysis, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertNil(a.unreadableReason, label, file: file, line: line)
        let video = try XCTUnwrap(a.video, label, file: file, line: line)
        let faces = try XCTUnwrap(a.faces, label, file: file, line: line)
        XCTAssertEqual(video.tracks.count, 2, "\(label): \(video.tracks)", file: file, line: line)
        XCTAssertEqual(faces.count, video.tracks.count, label, file: file, line: line)
        guard video.tracks.count == 2 else { return }
        let obama = try Self.photoDescriptor("obama.jpg"), biden = try Self.photoDescriptor("biden.jpg")
        let (first, second) = (video.tracks[0], video.tracks[1])
        XCTAssertEqual(first.startSeconds, 0, accuracy: 0.2, label, file: file, line: line)
        XCTAssertEqual(first.endSeconds, 5, accuracy: 0.5, label, file: file, line: line)
        XCTAssertEqual(second.startSeconds, 3, accuracy: 0.2, label, file: file, line: line)
        XCTAssertEqual(second.endSeconds, 5, accuracy: 0.5, label, file: file, line: line)
        XCTAssertGreaterThanOrEqual(first.framesSeen, 6, label, file: file, line: line)
        XCTAssertGreaterThanOrEqual(second.framesSeen, 3, label, file: file, line: line)
        XCTAssertGreaterThanOrEqual(first.distinctViews, 1, label, file: file, line: line)
        XCTAssertLessThanOrEqual(first.distinctViews, first.framesSeen, label, file: file, line: line)
        XCTAssertEqual(first.descriptors.count, 3, label, file: file, line: line)
        let obamaFace = faces[first.faceIndex].face, bidenFace = faces[second.faceIndex].face
        XCTAssertEqual(obamaFace.descriptor, first.descriptors[0], label, file: file, line: line)
        XCTAssertLessThan(Self.distance(obamaFace.descriptor, obama), 0.6, label, file: file, line: line)
        XCTAssertGreaterThan(Self.distance(obamaFace.descriptor, biden), 0.6, label, file: file, line: line)
        XCTAssertLessThan(Self.distance(bidenFace.descriptor, biden), 0.6, label, file: file, line: line)
        XCTAssertGreaterThan(Self.distance(bidenFace.descriptor, obama), 0.6, label, file: file, line: line)
        XCTAssertNotNil(faces[first.faceIndex].thumbnail, label, file: file, line: line)
        XCTAssertNotNil(video.poster, label, file: file, line: line)
        XCTAssertEqual(video.analysedSeconds, 6, accuracy: 0.01, label, file: file, line: line)
        XCTAssertEqual(video.width, 640, label, file: file, line: line)
    }

    func testTracksInH264() throws {
        let a = try Self.analyse(try Self.clip())
        try assertObamaAndBiden(a, "h264")
        XCTAssertEqual(a.video?.codec, "h264")
        XCTAssertGreaterThan(a.stageSeconds.videoDecode, 0)
        XCTAssertGreaterThan(a.stageSeconds.detection, 0)
    }

    /// Following tracks with the proposal network (the default: dlib confirms each track's first
    /// face only) gives the tracks dlib's search of every frame gives: the same people, times and
    /// frame counts, best faces of the same person.
    func testFollowingTracksGivesTheTracksOfTheFullSearch() throws {
        let clip = try Self.clip()
        let engine = try XCTUnwrap(Self.engine)
        var everyFrame = VideoSampling()
        everyFrame.followTracks = false
        let followed = try VideoFaceSearch.analyse(clip, engine: engine).video
        let searched = try VideoFaceSearch.analyse(clip, engine: engine, sampling: everyFrame).video
        XCTAssertEqual(followed.tracks.count, 2)
        XCTAssertEqual(searched.tracks.count, 2)
        for (a, b) in zip(followed.tracks, searched.tracks) {
            XCTAssertEqual(a.startSeconds, b.startSeconds)
            XCTAssertEqual(a.endSeconds, b.endSeconds)
            XCTAssertEqual(a.framesSeen, b.framesSeen)
            XCTAssertLessThan(Self.distance(a.descriptors[0], b.descriptors[0]), 0.3)
        }
        XCTAssertNotEqual(VideoSampling().settingValue, everyFrame.settingValue, "an inventory records which way it was made")
    }

    func testTracksInOtherCodecsAndContainers() throws {
        try assertObamaAndBiden(try Self.analyse(try Self.clip(codec: ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                                                                       "-b:v", "800k"], output: "clip.webm"), name: "clip.webm"), "vp9 webm")
        try assertObamaAndBiden(try Self.analyse(try Self.clip(codec: ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                                                                       "-x265-params", "log-level=none", "-tag:v", "hvc1"],
                                                               output: "clip.mov"), name: "clip.mov"), "hevc mov")
    }

    /// A phone clip stored sideways (transposed) with a rotation tag: the faces are only found
    /// when the frames are turned upright first.
    func testRotatedClip() throws {
        let sideways = try Self.clip(store: "transpose=1")   // stored turned 90 degrees clockwise
        let dir = try TestSupport.temporaryDirectory("exposure-video-rot")
        defer { try? FileManager.default.removeItem(at: dir) }
        try sideways.write(to: dir.appendingPathComponent("in.mp4"))
        // rotate=90: shown a quarter turn counter-clockwise (as FFmpeg's player shows it), i.e. upright.
        try Self.ffmpeg(["-i", dir.appendingPathComponent("in.mp4").path, "-c", "copy", "-metadata:s:v:0", "rotate=90",
                         dir.appendingPathComponent("out.mp4").path])
        let upright = try Self.analyse(try Data(contentsOf: dir.appendingPathComponent("out.mp4")))
        try assertObamaAndBiden(upright, "rotated")
        XCTAssertEqual(upright.video?.rotation, 270)
        // Without the tag the same frames are sideways and the detector, trained on upright faces, misses
        // (at least) one of the two people: turning the frames is what finds both.
        let unturned = try Self.analyse(sideways)
        XCTAssertEqual(unturned.video?.rotation, 0)
        XCTAssertLessThan(unturned.video?.tracks.count ?? 0, 2)
    }

    /// A corrupt or hostile video keeps its item (kind, metadata) with the decoder's reason.
    func testUndecodableVideoIsUnreadableWithAReason() throws {
        var bytes = try Self.clip(seconds: 2)
        bytes.replaceSubrange(200..<bytes.count, with: Data(repeating: 0x42, count: bytes.count - 200))
        let a = try Self.analyse(bytes)
        XCTAssertEqual(a.kind, .video)
        XCTAssertNil(a.video)
        XCTAssertNil(a.faces)
        XCTAssertTrue(a.unreadableReason?.hasPrefix("video: ") == true, "\(a.unreadableReason ?? "nil")")
    }

    /// A scan of a folder with a good clip, a corrupt one, an audio-only MP4 and a photo: the bad
    /// videos are listed as skipped with the decoder's reason (and kept as unreadable items with
    /// their metadata), everything else is scanned, and the good clip's tracks are stored.
    func testScanSkipsBadVideosWithAReasonAndScansTheRest() throws {
        let dir = try TestSupport.temporaryDirectory("exposure-video-scan")
        defer { try? FileManager.default.removeItem(at: dir) }
        let export = dir.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: export, withIntermediateDirectories: true)
        let good = try Self.clip(seconds: 4)
        try good.write(to: export.appendingPathComponent("good.mp4"))
        var broken = good
        broken.replaceSubrange(64..<broken.count, with: Data(repeating: 0x7f, count: broken.count - 64))
        try broken.write(to: export.appendingPathComponent("broken.mp4"))
        try Self.ffmpeg(["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", export.appendingPathComponent("voice.mp4").path])
        try Data(contentsOf: URL(fileURLWithPath: "\(Self.imageDirectory)/obama2.jpg")).write(to: export.appendingPathComponent("me.jpg"))
        let db = dir.appendingPathComponent("scan.sqlite").path
        let outcome = try Scanner(options: ScanOptions(inputs: [export], database: db), progress: SilentProgress()).run()
        let skipped = Dictionary(outcome.skipped.compactMap { s in s.entry.map { ($0, s.reason) } }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(Set(skipped.keys), ["broken.mp4", "voice.mp4"], "\(outcome.skipped)")
        XCTAssertTrue(skipped["broken.mp4"]?.hasPrefix("video frames not analysed: video: ") == true, "\(skipped)")
        XCTAssertTrue(skipped["voice.mp4"]?.contains("no video stream") == true, "\(skipped)")
        let summary = try Workflows.summary(database: db, extraRules: nil)
        XCTAssertEqual(summary.items.total, 4)
        XCTAssertEqual(summary.items.videos, 3)
        XCTAssertEqual(summary.items.unreadable, 2)
        XCTAssertEqual(summary.videos.analysed, 1)
        XCTAssertEqual(summary.videos.tracks, 2)
        XCTAssertEqual(summary.videos.withOwner, 1, "Obama: the most faces (photo and track)")
        XCTAssertEqual(summary.videos.withOthers, 1)

        // --reuse copies a video's tracks, poster and sampling with its faces, without decoding it again.
        let second = dir.appendingPathComponent("reuse.sqlite").path
        var options = ScanOptions(inputs: [export], database: second)
        options.reuse = db
        let again = try Scanner(options: options, progress: SilentProgress()).run()
        XCTAssertEqual(again.reused, 2, "the good clip and the photo; the unreadable videos are tried again, as unreadable photos are")
        XCTAssertEqual(try InventoryDatabase(path: second).snapshot().videos.values.first,
                       try InventoryDatabase(path: db).snapshot().videos.values.first)
        XCTAssertEqual(try Workflows.summary(database: second, extraRules: nil).videos, summary.videos)
    }

    /// Wire format: the worker's answer for a video round-trips.
    func testVideoAnalysisRoundTripsOverTheWire() throws {
        let a = try Self.analyse(try Self.clip(seconds: 4))
        XCTAssertEqual(try WorkResponse(wire: WorkResponse(analysis: a).wire()).analysis, a)
    }

    /// Stored, clustered with photo faces, measured, summarised, planned and reported.
    func testInventoryAnalysisSummaryPlanAndReport() throws {
        let analysis = try Self.analyse(try Self.clip())
        let db = try InventoryDatabase()
        let source = try db.source(name: "ig.zip", platform: .instagram, ownerName: "Barack")
        let faces = try XCTUnwrap(analysis.faces).map { FaceWrite(face: $0.face, thumbnail: $0.thumbnail) }
        try db.write(ItemWrite(sha256: "v1", kind: .video, byteSize: 1, sourceID: source, path: "media/reels/clip.mp4",
                               reference: MediaReference(path: "media/reels/clip.mp4", appearances: [Appearance(kind: .post, platformID: "r1")]),
                               embedded: EmbeddedMetadata(), unreadableReason: nil, faces: faces, video: analysis.video))
        // The owner's profile picture: obama.jpg, so the Obama track is the owner's.
        let photo = try Data(contentsOf: URL(fileURLWithPath: "\(Self.imageDirectory)/obama2.jpg"))
        let photoFaces = try FaceSearch().faces(in: try ImageDecoder.decode(photo), engine: try XCTUnwrap(Self.engine))
        func writeProfilePicture(to db: InventoryDatabase, source: Int64) throws {
            try db.write(ItemWrite(sha256: "p1", kind: .photo, byteSize: 1, sourceID: source, path: "media/profile/me.jpg",
                                   reference: MediaReference(path: "media/profile/me.jpg", isProfilePicture: true),
                                   embedded: EmbeddedMetadata(), unreadableReason: nil,
                                   faces: photoFaces.map { FaceWrite(face: $0, thumbnail: nil) }))
        }
        try writeProfilePicture(to: db, source: source)
        try AnalysisStep.run(database: db, me: nil)
        let snapshot = try db.snapshot()
        XCTAssertEqual(snapshot.videos.count, 1)
        XCTAssertEqual(snapshot.videos.values.first, analysis.video, "stored and read back whole")
        // Track identities: Obama's is the owner's identity (the profile picture's), Biden's another.
        let owner = try XCTUnwrap(snapshot.identities.first(where: \.isOwner)).id
        let tracks = try XCTUnwrap(snapshot.trackIdentities.values.first)
        XCTAssertEqual(tracks[0], owner)
        XCTAssertNotNil(tracks[1])
        XCTAssertNotEqual(tracks[1], owner)

        let summary = Workflows.summary(snapshot, rules: try RuleBook.load(extra: nil)).summary
        let v = summary.videos
        XCTAssertEqual(v.analysed, 1); XCTAssertEqual(v.tracks, 2)
        XCTAssertEqual(v.withOwner, 1); XCTAssertEqual(v.withOthers, 1)
        // Obama from 0 s to his last sighting (about 5 s) plus one sample: the whole 6 s clip.
        XCTAssertEqual(v.ownerSeconds, 6, accuracy: 0.5)
        XCTAssertEqual(v.othersSeconds, 3, accuracy: 0.5)
        XCTAssertGreaterThanOrEqual(v.ownerViews, 1)
        XCTAssertEqual(summary.schema, "exposure.summary/5")
        XCTAssertEqual(summary.metrics["videos.owner_seconds"] ?? nil, v.ownerSeconds)
        XCTAssertTrue(summary.findings.contains { $0.rule == "owner-face-on-video" && $0.severity == .low }, "\(summary.findings)")

        let plan = DeletionPlanner.plan(snapshot, goal: .all, limit: 10)
        let last = try XCTUnwrap(plan.milestones.last)
        XCTAssertEqual(last.removed["videos.with_owner"], 1)
        XCTAssertEqual(last.removed["videos.owner_seconds"], Int(v.ownerSeconds.rounded()))

        let data = ReportBuilder.data(snapshot, summary: summary, fired: [], generatedAt: "now")
        XCTAssertEqual(data.videos.count, 1)
        XCTAssertEqual(data.videos.first?.name, "clip.mp4")
        XCTAssertEqual(data.videos.first?.people, 2)
        let page = ReportRenderer.render(data, includeThumbnails: true)
        XCTAssertTrue(page.contains("id=\"videos\""))
        XCTAssertTrue(page.contains("<img class=\"face poster\""), "poster frame, blurred by the page's switch (class face)")
        let shared = ReportRenderer.render(data, includeThumbnails: false)
        XCTAssertFalse(shared.contains("class=\"face poster\""))
        XCTAssertTrue(shared.contains("1 video of the 1 searched show your face"))

        // The diff counts the video going away.
        let after = try InventoryDatabase()
        let afterSource = try after.source(name: "ig.zip", platform: .instagram, ownerName: "Barack")
        try writeProfilePicture(to: after, source: afterSource)
        try AnalysisStep.run(database: after, me: nil)
        let a = try after.snapshot()
        let rules = try RuleBook.load(extra: nil)
        let d = DiffBuilder.diff(before: snapshot, beforeSummary: summary, after: a, afterSummary: Workflows.summary(a, rules: rules).summary)
        XCTAssertEqual(d.metrics["videos.with_owner"], .init(before: 1, after: 0))
        XCTAssertEqual(d.metrics["videos.owner_seconds"]?.after, 0)
        XCTAssertTrue(d.findings.resolved.contains("owner-face-on-video"))
    }
}
