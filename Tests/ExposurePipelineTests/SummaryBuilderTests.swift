import ExposureModel
import ExposurePipeline
import ExposureStore
import Foundation
import XCTest

final class SummaryBuilderTests: XCTestCase {
    func testInventoryNumbersFollowTheContract() throws {
        let s = SummaryBuilder.inventorySummary(try InventoryFixture.build().snapshot())
        XCTAssertEqual(s.owner.name, "Ann Example")
        XCTAssertEqual(s.sources, [.init(name: "fb.zip", platform: "facebook"), .init(name: "photos", platform: "folder")])
        XCTAssertEqual(s.items.total, 5)
        XCTAssertEqual(s.items.photos, 4)
        XCTAssertEqual(s.items.videos, 1)
        XCTAssertEqual(s.items.unreadable, 1)
        XCTAssertEqual(s.items.missing, 2)
        XCTAssertEqual(s.items.profilePictures, 1)
        XCTAssertEqual(s.time.itemsWithCaptureTime, 3, "post time alone (d) is never a capture time")
        XCTAssertEqual(s.time.first, "2012-07-01")
        XCTAssertEqual(s.time.last, "2019-01-05")
        XCTAssertEqual(s.location.itemsWithExifGPS, 1)
        XCTAssertEqual(s.location.itemsWithPlatformLocation, 1, "(0,0) is no location")
        XCTAssertEqual(s.location.itemsWithAnyLocation, 2)
        XCTAssertEqual(s.location.uploadIPs, 1)
        XCTAssertEqual(s.devices.cameraModels, 2, "Canon EOS 5D and Apple iPhone (EXIF and JSON agree, case-folded)")
        XCTAssertEqual(s.devices.serialNumbers, 1)
        XCTAssertEqual(s.devices.ownerNames, 2, "\"Ann\" and \"Ann Example\"")
        XCTAssertEqual(s.people.named, 3)
        XCTAssertEqual(s.people.tagInstances, 4)
        XCTAssertEqual(s.people.graphEdges, 2, "Ann-Bob on b, Bob-Cy on c")
    }

    func testSummaryJSONHasTheContractKeysAndExplicitNulls() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(Summary()), as: UTF8.self)
        for key in ["\"schema\":\"exposure.summary\\/5\"", "\"profile_pictures\":0", "\"items_with_capture_time\":0",
                    "\"first\":null", "\"matchable_from_profile\":null", "\"items_with_exif_gps\":0", "\"graph_edges\":0",
                    "\"findings\":[]", "\"others\":{\"faces\":0,\"identities\":0,\"labelled\":0}", "\"name\":null",
                    "\"small\":{\"detected\":0,\"others\":0,\"owner\":0}",
                    "\"linkage\":{\"camera_serials\":0,\"identities\":0,\"linked_accounts\":0,\"owner_names\":0,\"reposted_photos\":0}",
                    "\"audience\":{\"private_items\":0,\"public_items\":0,\"public_items_with_gps\":0,\"public_labelled_faces\":0,\"public_owner_photos\":0,\"shared_items\":0,\"unknown_items\":0}",

                    "\"videos\":{\"analysed\":0,\"others_seconds\":0,\"owner_seconds\":0,\"owner_views\":0,\"seconds_analysed\":0,\"tracks\":0,\"with_others\":0,\"with_owner\":0}"] {
            XCTAssertTrue(json.contains(key), "missing \(key) in \(json)")
        }
    }
}
