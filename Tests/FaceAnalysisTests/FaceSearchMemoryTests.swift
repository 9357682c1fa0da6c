import ExposureModel
@testable import FaceAnalysis
import Foundation
import MediaMetadata
import XCTest

/// dlib's full-image search within the process's memory: refused before allocating when it
/// cannot fit (a clear error instead of a Swift fatal error in the worker), run as before when it can.
final class FaceSearchMemoryTests: XCTestCase {
    /// Peak address space (VmPeak, MiB) of the worker of `exposure faces IMAGE --search dlib
    /// --upsample N`, polled from /proc/<worker>/status (SearchMemory.swift has the method and VmHWM).
    static let measured: [(width: Int, height: Int, upsample: Int, vmPeakMiB: Double)] = [
        (64, 48, 0, 340), (64, 48, 2, 479), (320, 240, 0, 559), (320, 240, 1, 585), (320, 240, 2, 681),
        (320, 240, 3, 1179), (640, 480, 0, 649), (640, 480, 1, 715), (640, 480, 2, 1112), (640, 480, 3, 3002),
        (910, 1137, 0, 690), (910, 1137, 1, 1078), (910, 1137, 2, 2603), (970, 2204, 1, 1587), (1434, 2333, 1, 2263),
    ]

    func testEstimateIsWithinOneAndAHalfOfTheMeasuredPeaks() {
        for m in Self.measured {
            let estimate = Double(FaceSearch.estimatedPeakBytes(width: m.width, height: m.height, upsample: m.upsample)) / Double(1 << 20)
            let ratio = estimate / m.vmPeakMiB
            XCTAssertTrue((1 / 1.5)...1.5 ~= ratio, "\(m.width)x\(m.height) at upsample \(m.upsample): estimate \(Int(estimate)) MiB, measured \(Int(m.vmPeakMiB)) MiB")
            // Where the search dominates, the estimate errs on the safe side, never by much.
            if m.vmPeakMiB > 1500 { XCTAssertTrue(1.0...1.2 ~= ratio, "\(m) ratio \(ratio)") }
        }
        XCTAssertEqual(FaceSearch.searchedPixels(width: 320, height: 240, upsample: 1), 642 * 481)
        XCTAssertEqual(FaceSearch.estimatedPeakBytes(width: 100, height: 100, upsample: 40), .max, "saturates")
    }

    /// The case of the issue: 320x240 at --upsample 6 in a 4 GiB worker asked for a 13.7 GB tensor.
    func testRefusalSaysWhatItNeedsAndWhatFits() {
        let worker: (bytes: UInt64, isAddressSpaceLimit: Bool) = (4 << 30, true)
        XCTAssertThrowsError(try FaceSearch.checkMemory(width: 320, height: 240, upsample: 6, wholeImage: true, limit: worker)) { error in
            XCTAssertEqual("\(error)", "320x240 at --upsample 6 needs about 44.9 GiB, more than the worker's 4.0 GiB memory limit: use a lower --upsample (4 fits)")
        }
        XCTAssertThrowsError(try FaceSearch.checkMemory(width: 4032, height: 3024, upsample: 2, wholeImage: true, limit: worker)) { error in
            XCTAssertEqual("\(error)", "4032x3024 at --upsample 2 needs about 27.7 GiB, more than the worker's 4.0 GiB memory limit: use a lower --upsample (0 fits)")
        }
        XCTAssertThrowsError(try FaceSearch.checkMemory(width: 12000, height: 9000, upsample: 1, wholeImage: true, limit: worker)) { error in
            XCTAssertTrue("\(error)".hasSuffix("even at --upsample 0; use --search fast"), "\(error)")
        }
        XCTAssertThrowsError(try FaceSearch.checkMemory(width: 320, height: 240, upsample: 9, wholeImage: true, limit: (16 << 30, false))) { error in
            XCTAssertTrue("\(error)".contains("more than this machine's 16.0 GiB of memory"), "\(error)")
        }
        XCTAssertNoThrow(try FaceSearch.checkMemory(width: 320, height: 240, upsample: 3, wholeImage: true, limit: worker))
        XCTAssertNoThrow(try FaceSearch.checkMemory(width: 4032, height: 3024, upsample: 0, wholeImage: true, limit: worker))
    }

    /// The search itself: a large upsampling of a small photo is refused at once, without the
    /// allocation (which would be hundreds of GB: it would trap, or take the machine's memory).
    func testLargeUpsampleIsRefusedQuicklyWithoutAllocating() throws {
        let engine = try FaceTestData.engine()
        let photo = RGBImage(width: 320, height: 240, pixels: [UInt8](repeating: 128, count: 320 * 240 * 3))
        let residentBefore = Self.peakResidentBytes()
        let start = Date()
        XCTAssertThrowsError(try FaceSearch(method: .dlib, upsample: 8, wholeImage: true).faces(in: photo, engine: engine)) { error in
            XCTAssertTrue(error is FaceSearch.MemoryLimitExceeded, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("320x240 at --upsample 8 needs about 71"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        if let before = residentBefore, let after = Self.peakResidentBytes() {
            XCTAssertLessThan(after - before, 64 << 20, "the refused search allocated")
        }
    }

    /// Upsample 0 and 1 on an ordinary photo fit and find its face, as before.
    func testUpsample0And1StillRun() throws {
        let engine = try FaceTestData.engine()
        let obama = try ImageDecoder.decode(try Data(contentsOf: FaceTestData.imageDirectory.appendingPathComponent("obama.jpg")))
        for upsample in [0, 1] {
            let faces = try FaceSearch(method: .dlib, upsample: upsample, wholeImage: true).faces(in: obama, engine: engine)
            XCTAssertEqual(faces.count, 1, "upsample \(upsample)")
            XCTAssertEqual(faces, engine.faces(in: obama, upsample: upsample), "the same search as dlib's own")
        }
    }

    /// Under an address-space limit (as in a worker), a search the limit would hold but what is
    /// left of it would not is refused too, saying how much is left: the reservation fails.
    func testWhatIsLeftOfTheLimitCounts() throws {
        guard let inUse = FaceSearch.addressSpaceInUse() else { throw XCTSkip("no /proc/self/statm") }
        var saved = rlimit()
        XCTAssertEqual(getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &saved), 0)
        guard saved.rlim_cur == rlim_t.max || saved.rlim_cur > rlim_t(inUse + (1 << 30)) else { throw XCTSkip("already under a tight RLIMIT_AS") }
        // 1 GiB of room beside what the test process maps now; the search wants about 2.2 GiB of its own.
        var tight = rlimit(rlim_cur: rlim_t(inUse + (1 << 30)), rlim_max: saved.rlim_max)
        let limit = (bytes: inUse + (8 << 30), isAddressSpaceLimit: true)
        XCTAssertEqual(setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &tight), 0)
        let result = Result { try FaceSearch.checkMemory(width: 1434, height: 2333, upsample: 1, wholeImage: true, limit: limit) }
        let small = Result { try FaceSearch.checkMemory(width: 640, height: 480, upsample: 1, wholeImage: true, limit: limit) }
        XCTAssertEqual(setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &saved), 0)
        XCTAssertThrowsError(try result.get()) { error in
            let refusal = error as? FaceSearch.MemoryLimitExceeded
            XCTAssertNotNil(refusal?.leftBytes, "\(error)")
            XCTAssertTrue("\(error)".contains("GiB left of the worker's"), "\(error)")
        }
        XCTAssertNoThrow(try small.get())
    }

    /// VmHWM of this process.
    static func peakResidentBytes() -> UInt64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kB = line.split(separator: " ").dropFirst().first.flatMap({ UInt64($0) }) else { return nil }
        return kB << 10
    }
}
