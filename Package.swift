// swift-tools-version:5.10
// Exposure: a local-only privacy audit of social-media data exports.
//
// Modules by concern, in folders by stage (Sources/0-Model ... 8-Tools, the order the data
// takes); dependencies point one way (ExposureModel at the bottom, the `exposure` command at the
// top, which imports ExposurePipeline alone). Every import is declared here (DeclaredImportsTests
// checks). Each outside library is used by exactly one module: GRDB by ExposureStore, Yams by
// ExposureRules, ArgumentParser by the CLI, libarchive by ArchiveInput, libjpeg/libpng/libexif by
// MediaMetadata, libxml2 (its HTML parser) by HTMLDocument, which ExportFormats' HTML readers use,
// FFmpeg's libraries (libavformat, libavcodec, libswscale, libavutil) by VideoFrames through its C shim.
import PackageDescription

// MARK: - Kernel code generation
// Swift turns SIMD `addProduct` into slow library calls unless the target CPU
// has FMA. The flags go on the neural-network targets only, and only when the
// build host is x86-64 (other CPUs build the same portable code without them).
// `-O` keeps kernels fast in debug builds too, so `swift test` exercises them
// at full speed.
#if arch(x86_64)
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-O", "-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mf16c"])]
#else
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-O"])]
#endif

// The default exposure rules (rules/*.yaml) are compiled into the binary, so `exposure`
// works from any folder. Adding a rule file: list it here and in rules/DefaultRules.swift
// (a test checks both against the folder).
let ruleFiles = ["01-faces.yaml", "02-location.yaml", "03-devices.yaml", "04-linkage.yaml", "05-video.yaml"]

let package = Package(
    name: "Exposure",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "exposure", targets: ["exposure"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "5.0.1"),
    ],
    targets: [
        // MARK: - C libraries (module maps only, or small shims that own setjmp)
        .systemLibrary(name: "CArchive", path: "Sources/1-Ingest/CArchive", pkgConfig: "libarchive",
                       providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CExif", path: "Sources/2-Media/CExif", pkgConfig: "libexif",
                       providers: [.apt(["libexif-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Sources/3-Faces/CMalloc"),
        .systemLibrary(name: "CCrypto", path: "Sources/1-Ingest/CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibXML2", path: "Sources/1-Ingest/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .target(name: "CImageCodecs", path: "Sources/2-Media/CImageCodecs",
                cSettings: [.unsafeFlags(["-O2"])],
                linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16"), .linkedLibrary("webp"), .linkedLibrary("heif")]),
        // FFmpeg (Debian's libavformat-dev, libavcodec-dev, libswscale-dev, libavutil-dev; scripts/setup):
        // demuxing from memory, decoding, scaling; the shim owns every call (include/video_codecs.h).
        .target(name: "CVideoCodecs", path: "Sources/2-Media/CVideoCodecs",
                cSettings: [.unsafeFlags(["-O2", "-I/usr/include/x86_64-linux-gnu", "-I/usr/include/aarch64-linux-gnu"])],
                linkerSettings: [.linkedLibrary("avformat"), .linkedLibrary("avcodec"), .linkedLibrary("swscale"), .linkedLibrary("avutil")]),

        // MARK: - Model types (bottom layer, no dependencies)
        .target(name: "ExposureModel", path: "Sources/0-Model/ExposureModel"),

        // MARK: - Input: archives, platform exports, media files
        .target(name: "ArchiveInput", dependencies: ["ExposureModel", "CArchive", "CCrypto"], path: "Sources/1-Ingest/ArchiveInput"),
        // HTML exports (Facebook, Instagram): libxml2's HTML parser behind a small DOM, no network, no stderr.
        .target(name: "HTMLDocument", dependencies: ["CLibXML2"], path: "Sources/1-Ingest/HTMLDocument"),
        .target(name: "ExportFormats", dependencies: ["ExposureModel", "HTMLDocument"], path: "Sources/1-Ingest/ExportFormats"),
        // -O even in debug builds: this is the scan's per-file hot path (segment walks, XMP, thumbnail compare).
        .target(name: "MediaMetadata", dependencies: ["ExposureModel", "CImageCodecs", "CExif"], path: "Sources/2-Media/MediaMetadata",
                swiftSettings: [.unsafeFlags(["-O"])]),
        // Decoded video frames from bytes in memory: the only user of CVideoCodecs (FFmpeg).
        .target(name: "VideoFrames", dependencies: ["ExposureModel", "CVideoCodecs"], path: "Sources/2-Media/VideoFrames", swiftSettings: [.unsafeFlags(["-O"])]),

        // MARK: - Faces: tensor kernels, dlib model files, the three networks
        .target(name: "NeuralNet", dependencies: ["CMalloc"], path: "Sources/3-Faces/NeuralNet", swiftSettings: kernelFlags),
        .target(name: "FaceAnalysis", dependencies: ["ExposureModel", "MediaMetadata", "NeuralNet"], path: "Sources/3-Faces/FaceAnalysis", swiftSettings: kernelFlags),

        // MARK: - Storage, analysis, rules, report
        .target(name: "ExposureStore", dependencies: ["ExposureModel", .product(name: "GRDB", package: "GRDB.swift")], path: "Sources/4-Store/ExposureStore"),
        .target(name: "ExposureAnalysis", dependencies: ["ExposureModel"], path: "Sources/5-Analysis/ExposureAnalysis", swiftSettings: kernelFlags),
        // Rules test the metrics of the analysis's MetricTable (its paths are the rule vocabulary).
        .target(name: "ExposureRules", dependencies: ["ExposureModel", "ExposureAnalysis", "Yams"], path: "Sources/5-Analysis/ExposureRules"),
        .target(name: "DefaultRules", path: "rules", exclude: ["README.md"], resources: ruleFiles.map { .embedInCode($0) }),
        // The report's page skeleton, CSS and JS (reports/assets) are compiled into the binary with
        // .embedInCode. A subfolder, so generated reports (reports/*.html, git-ignored) never become
        // unhandled files of the target: SwiftPM caches the manifest, so an exclude list of them goes stale.
        .target(name: "ReportAssets", path: "reports/assets",
                resources: [.embedInCode("page.html.template"), .embedInCode("report.css"), .embedInCode("report.js")]),
        .target(name: "ExposureReport", dependencies: ["ExposureModel", "ReportAssets"], path: "Sources/6-Report/ExposureReport"),

        // Process isolation: worker processes under resource limits, the pipe protocol between them
        // and the scan (frames, binary messages), replacing a worker that crashed or hung.
        .target(name: "ProcessIsolation", dependencies: ["ExposureModel"], path: "Sources/7-App/ProcessIsolation"),
        // The built-in demo export (`exposure demo`): a Facebook export made from face_recognition's
        // test images and generated pictures; tests and benchmarks use its images too.
        .target(name: "DemoArchive", dependencies: ["ExposureModel", "MediaMetadata", "VideoFrames"], path: "Sources/7-App/DemoArchive"),

        // What is read from a finished inventory: its summary (contents, stored analysis, rule
        // findings), the diff of two inventories and the deletion plan.
        .target(name: "SnapshotAnalysis", dependencies: ["ExposureModel", "ExposureStore", "ExposureRules"], path: "Sources/5-Analysis/SnapshotAnalysis"),

        // MARK: - Orchestration and the command line
        .target(name: "ExposurePipeline", dependencies: [
            "ExposureModel", "ArchiveInput", "ExportFormats", "MediaMetadata", "VideoFrames", "FaceAnalysis",
            "ExposureStore", "ExposureAnalysis", "ExposureRules", "DefaultRules", "ExposureReport", "DemoArchive", "ProcessIsolation",
            "SnapshotAnalysis",
        ], path: "Sources/7-App/ExposurePipeline",
        plugins: ["BuildInfoPlugin"]),  // BuildInfo.version (VERSION) and .commit (git), for --version, summaries and reports
        // Writes BuildInfo.swift before each build (git rev-parse; no network).
        .plugin(name: "BuildInfoPlugin", capability: .buildTool(), path: "Plugins/BuildInfoPlugin"),
        .executableTarget(name: "exposure", dependencies: [
            "ExposurePipeline", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Sources/7-App/exposure"),

        .executableTarget(name: "ExposureBench", dependencies: [
            "ExposurePipeline", "NeuralNet", "FaceAnalysis", "MediaMetadata", "ExposureAnalysis", "ExposureModel", "VideoFrames", "DemoArchive",
            "ExposureTestSupport",  // SyntheticScenes: the generated photos the linkage tests use too
        ], path: "Sources/8-Tools/ExposureBench", swiftSettings: kernelFlags),

        // MARK: - Fuzz targets (scripts/fuzz builds them with -sanitize=fuzzer,address -DFUZZING;
        // a normal build makes replay tools that run the harness over the files given)
        .target(name: "FuzzSupport", path: "Sources/8-Tools/FuzzSupport"),
        .executableTarget(name: "FuzzArchive", dependencies: ["ArchiveInput", "FuzzSupport"], path: "Sources/8-Tools/FuzzArchive"),
        .executableTarget(name: "FuzzExportFormats", dependencies: ["ExportFormats", "ExposureModel", "FuzzSupport"], path: "Sources/8-Tools/FuzzExportFormats"),
        .executableTarget(name: "FuzzHTMLExport", dependencies: ["ExportFormats", "ExposureModel", "HTMLDocument", "FuzzSupport"], path: "Sources/8-Tools/FuzzHTMLExport"),
        .executableTarget(name: "FuzzMedia", dependencies: ["MediaMetadata", "FuzzSupport"], path: "Sources/8-Tools/FuzzMedia"),
        .executableTarget(name: "FuzzDlibModel", dependencies: ["FaceAnalysis", "FuzzSupport"], path: "Sources/8-Tools/FuzzDlibModel"),
        .executableTarget(name: "FuzzONNXModel", dependencies: ["FaceAnalysis", "FuzzSupport"], path: "Sources/8-Tools/FuzzONNXModel"),
        .executableTarget(name: "FuzzVideo", dependencies: ["VideoFrames", "ExposureModel", "FuzzSupport"], path: "Sources/8-Tools/FuzzVideo"),

        // MARK: - Tests
        // -O: SyntheticScenes generates thousands of test photos (the linkage tests).
        .target(name: "ExposureTestSupport", dependencies: ["ExposureModel"], path: "Tests/ExposureTestSupport",
                swiftSettings: [.unsafeFlags(["-O"])]),
        .testTarget(name: "ArchiveInputTests", dependencies: ["ArchiveInput", "ExposureModel", "ExposureTestSupport"]),
        .testTarget(name: "ExportFormatsTests", dependencies: ["ExportFormats", "HTMLDocument", "ExposureModel", "ExposureTestSupport"]),
        .testTarget(name: "MediaMetadataTests", dependencies: ["MediaMetadata", "ExposureModel", "ExposureTestSupport"]),
        .testTarget(name: "VideoFramesTests", dependencies: ["VideoFrames", "ExposureModel", "ExposureTestSupport"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "ExposureModel", "ExposureTestSupport"], swiftSettings: kernelFlags),
        .testTarget(name: "FaceAnalysisTests", dependencies: ["FaceAnalysis", "MediaMetadata", "NeuralNet", "DemoArchive", "ExposureModel", "ExposureTestSupport"],
                    exclude: ["Fixtures"]),  // dlib- and mtcnn-goldens.json are read from the source tree by path
        .testTarget(name: "ExposureStoreTests", dependencies: ["ExposureStore", "ExposureModel", "ExposureTestSupport"]),
        .testTarget(name: "ExposureAnalysisTests", dependencies: ["ExposureAnalysis", "ExposureModel", "MediaMetadata", "ExposureTestSupport"]),
        .testTarget(name: "ExposureRulesTests", dependencies: ["ExposureRules", "ExposureAnalysis", "ExposureModel", "ExposureTestSupport"]),
        .testTarget(name: "ExposureReportTests", dependencies: ["ExposureReport", "ExposureModel", "ExposureTestSupport"]),
        .testTarget(name: "ExposurePipelineTests", dependencies: ["ExposurePipeline", "ExposureModel", "ExposureTestSupport", "ExposureAnalysis", "FaceAnalysis", "MediaMetadata", "VideoFrames", "DemoArchive",
                                                                 "ExposureStore", "ExposureReport", "DefaultRules", "ArchiveInput", "ExportFormats", "ProcessIsolation"]),
    ]
)
