import Foundation
import XCTest
@testable import ExportFormats

final class JSONParserTests: XCTestCase {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Data(text.utf8)) }

    func testValuesAndEscapes() throws {
        let value = try parse(#" { "a": [1, -2, 3.5, 1e3, true, false, null], "s": "x\"\\\/\n\t\u00e9\ud83d\ude02", "big": 1580000000000000001 } "#)
        XCTAssertEqual(value["a"], .array([.int(1), .int(-2), .double(3.5), .double(1000), .bool(true), .bool(false), .null]))
        XCTAssertEqual(value["s"]?.string, "x\"\\/\n\té😂")
        XCTAssertEqual(value["big"]?.string, "1580000000000000001", "64-bit ids keep every digit")
        XCTAssertEqual(try parse(#""\ud800x""#).string, "\u{FFFD}x", "lone surrogate")
        XCTAssertEqual(try parse(#"{}"#), .object([:]))
        XCTAssertEqual(try parse(#"[]"#), .array([]))
    }

    func testAgreesWithJSONSerializationOnAFixture() throws {
        let data = FacebookFixtures.files(.posts2021)["posts/your_posts_1.json"]!
        let ours = try JSONParser.parse(data)
        let theirs = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        XCTAssertEqual(ours.array?.count, theirs.count)
        XCTAssertEqual(ours.array?.first?["title"]?.string, theirs.first?["title"] as? String)
        XCTAssertEqual(ours.array?.first?["timestamp"]?.double, (theirs.first?["timestamp"] as? NSNumber)?.doubleValue)
    }

    func testRejectsMalformedInput() {
        for bad in [#"{"a": 1"#, #"{"a" 1}"#, #"[1,]"#, #"[1 2]"#, #""abc"#, #"tru"#, #"{"a": 01x}"#, #"[1] x"#,
                    #""\q""#, #""\u12""#, "\"a\u{1}b\"", "", "-", #"{"a":1,}"#] {
            XCTAssertThrowsError(try parse(bad), bad)
        }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        XCTAssertThrowsError(try parse(deep), "nesting is capped")
    }
}
