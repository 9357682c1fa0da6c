import ExposureTestSupport
import Foundation

/// Short videos made at test time with Debian's `ffmpeg` (scripts/setup installs it): nothing
/// is committed. Each call encodes into a fresh temporary folder and returns the file's bytes.
enum VideoFixtures {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static var ffmpegAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg") }

    /// Runs ffmpeg with `arguments` (output file last, named `output` in a temp folder); returns its bytes.
    static func encode(_ arguments: [String], output: String) throws -> Data {
        let dir = try TestSupport.temporaryDirectory("exposure-video")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent(output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"] + arguments + [out.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "ffmpeg \(arguments.joined(separator: " ")): \(String(decoding: message, as: UTF8.self))")
        }
        return try Data(contentsOf: out)
    }

    /// `data` run through ffmpeg again with `arguments` (e.g. `-c copy` and a rotation tag).
    static func remux(_ data: Data, input: String, _ arguments: [String], output: String) throws -> Data {
        let dir = try TestSupport.temporaryDirectory("exposure-video-in")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent(input)
        try data.write(to: source)
        return try encode(["-i", source.path] + arguments, output: output)
    }

    /// A phone's rotation tag on an H.264 clip: the display matrix as the mov muxer writes it for
    /// `rotate=N` (FFmpeg 5.1 writes it with `-c copy` only, so the clip is encoded first).
    static func rotated(_ data: Data, tag: Int) throws -> Data {
        try remux(data, input: "in.mp4", ["-c", "copy", "-metadata:s:v:0", "rotate=\(tag)"], output: "rotated.mp4")
    }

    /// A test pattern (FFmpeg's testsrc2) of `seconds` at `size` and `rate`, with `codec` options.
    static func pattern(seconds: Double, size: String = "320x180", rate: Int = 25, codec: [String], output: String,
                        extra: [String] = []) throws -> Data {
        try encode(["-f", "lavfi", "-i", "testsrc2=size=\(size):rate=\(rate):duration=\(seconds)"] + codec + extra, output: output)
    }

    static let h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    static let hevc = ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-x265-params", "log-level=none", "-tag:v", "hvc1"]
    static let vp9 = ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k"]
    static let av1 = ["-c:v", "libaom-av1", "-cpu-used", "8", "-usage", "realtime", "-b:v", "200k"]
}
