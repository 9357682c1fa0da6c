import ExposurePipeline
import ExposureTestSupport
import DemoArchive
import Foundation
import XCTest

/// The offline promise, checked two ways on the real binary: every command works in a
/// network namespace with no interfaces (`unshare -rn`), and under
/// `strace -f -e trace=network` no socket other than AF_UNIX is ever opened.
/// (scripts/setup installs strace and util-linux; README "Privacy" says how to rerun.)
final class OfflineTests: XCTestCase {
    var binary: String { ScanCommandTests.binary.path }

    func run(_ argv: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        let pipe = Pipe()
        p.standardOutput = pipe; p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testEveryCommandRunsWithoutANetworkAndOpensNoInternetSocket() throws {
        let dir = try TestSupport.temporaryDirectory("exposure-offline")
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try DemoExport.write(into: dir, after: false).path
        let after = try DemoExport.write(into: dir, after: true).path
        let a = dir.appendingPathComponent("a.sqlite").path, b = dir.appendingPathComponent("b.sqlite").path
        let commands: [[String]] = [
            ["scan", "--db", a, before],
            ["scan", "--db", b, "--reuse", a, after],
            ["summary", "--json", a],
            ["report", a, "-o", dir.appendingPathComponent("r.html").path],
            ["diff", a, b, "--json", "-o", dir.appendingPathComponent("d.html").path],
            ["plan", a, "--json"],
        ]
        for command in commands {
            let (status, output) = try run(["unshare", "-rn", binary] + command)
            XCTAssertEqual(status, 0, "\(command.first!) without a network: \(output.suffix(600))")
        }
        // Same commands under strace (in a fresh inventory, reusing the faces found above so the
        // models load but detection is not repeated), every network syscall logged.
        let c = dir.appendingPathComponent("c.sqlite").path
        let trace = dir.appendingPathComponent("trace.txt").path
        for command in [["scan", "--db", c, "--reuse", a, before], ["summary", "--json", c], ["report", c, "-o", dir.appendingPathComponent("r2.html").path],
                        ["diff", a, c, "--json"], ["plan", c]] {
            let (status, output) = try run(["strace", "-f", "-qq", "-e", "trace=network", "-o", trace, binary] + command)
            XCTAssertEqual(status, 0, output.suffix(600).description)
            let log = try String(contentsOfFile: trace, encoding: .utf8)
            let sockets = log.split(separator: "\n").filter { $0.contains("socket(") }
            for line in sockets {
                XCTAssertTrue(line.contains("AF_UNIX") || line.contains("AF_LOCAL"), "\(command.first!) opened \(line)")
            }
            // Local sockets (e.g. the C library asking nscd for a user name) are fine; anything else is not.
            let connects = log.split(separator: "\n").filter { $0.contains("connect(") || $0.contains("sendto(") }
            for line in connects {
                XCTAssertTrue(line.contains("AF_UNIX") || line.contains("AF_LOCAL") || !line.contains("family="),
                              "\(command.first!) connected somewhere: \(line)")
            }
        }
    }
}
