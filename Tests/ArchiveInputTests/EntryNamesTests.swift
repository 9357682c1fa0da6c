@testable import ArchiveInput
import XCTest

final class EntryNamesTests: XCTestCase {
    func testSanitizeTable() {
        let cases: [(String, EntryNames.Verdict)] = [
            ("a/b.jpg", .accepted("a/b.jpg")),
            ("./a//b/./c.jpg", .accepted("a/b/c.jpg")),
            ("dir\\file.jpg", .accepted("dir/file.jpg")),
            ("..a/b..", .accepted("..a/b..")),
            ("dir/", .accepted("dir")),
            ("./", .empty),
            ("../x", .rejected("unsafe path: parent-directory segment '..'")),
            ("a/..", .rejected("unsafe path: parent-directory segment '..'")),
            ("a\\..\\..\\x", .rejected("unsafe path: parent-directory segment '..'")),
            ("/etc/passwd", .rejected("unsafe path: absolute path")),
            ("\\\\server\\share\\x", .rejected("unsafe path: absolute path")),
            ("C:\\x", .rejected("unsafe path: Windows drive letter")),
            ("z:x", .rejected("unsafe path: Windows drive letter")),
            ("a\u{0}b", .rejected("unsafe path: contains a NUL character")),
            ("日本/写真.jpg", .accepted("日本/写真.jpg")),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(EntryNames.sanitize(input, maxBytes: 4096), expected, input)
        }
        XCTAssertEqual(EntryNames.sanitize(String(repeating: "a", count: 11), maxBytes: 10),
                       .rejected("unsafe path: name is 11 bytes, longer than 10"))
    }

    func testLegacyDecoding() {
        XCTAssertEqual(EntryNames.decode(Array("caf".utf8) + [0x82], legacy: .cp437).name, "café")
        XCTAssertEqual(EntryNames.decode(Array("caf".utf8) + [0xe9], legacy: .latin1).name, "café")
        XCTAssertEqual(EntryNames.decode(Array("café".utf8), legacy: .cp437).name, "café")
        XCTAssertEqual(EntryNames.decode(Array("café".utf8), legacy: .cp437).wasLegacy, false)
        XCTAssertEqual(EntryNames.decode([0xe1, 0xfd], legacy: .cp437).name, "ß²")
    }
}
