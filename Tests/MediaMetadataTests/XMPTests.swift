import ExposureModel
import ExposureTestSupport
import Foundation
@testable import MediaMetadata
import XCTest

/// XMP: MWG face regions and IPTC PersonInImage, in JPEG APP1 and PNG iTXt.
final class XMPTests: XCTestCase {
    let regions = [FaceRegion(name: "Alice Example", centerX: 0.25, centerY: 0.4, width: 0.1, height: 0.15),
                   FaceRegion(name: "Bob & \"Bobby\" <B>", centerX: 0.7, centerY: 0.5, width: 0.12, height: 0.2)]

    func testRegionsAsAttributesAndAsElements() throws {
        for asElements in [false, true] {
            let packet = XMPWriter.packet(faceRegions: regions, personInImage: ["Alice Example", "Carol"],
                                          regionsAsElements: asElements)
            let jpeg = try ImageEncoder.jpeg(Fixtures.pattern(width: 16, height: 16), xmp: packet)
            let xmp = XMPReader.read(jpeg)
            XCTAssertEqual(xmp.faceRegions.count, 2, "elements: \(asElements)")
            for (got, want) in zip(xmp.faceRegions, regions) {
                XCTAssertEqual(got.name, want.name)
                XCTAssertEqual(got.centerX, want.centerX, accuracy: 1e-6)
                XCTAssertEqual(got.centerY, want.centerY, accuracy: 1e-6)
                XCTAssertEqual(got.width, want.width, accuracy: 1e-6)
                XCTAssertEqual(got.height, want.height, accuracy: 1e-6)
            }
            XCTAssertEqual(xmp.personInImage, ["Alice Example", "Carol"])
            // The same packet in a PNG iTXt chunk.
            let png = try ImageEncoder.png(Fixtures.pattern(width: 8, height: 8), xmp: packet)
            XCTAssertEqual(XMPReader.read(png), xmp)
        }
    }

    func testPixelUnitsNonFacesAndUnnamedRegions() {
        let packet = """
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" xmlns:stArea="a" xmlns:stDim="d">
        <mwg-rs:Regions rdf:parseType="Resource">
         <mwg-rs:AppliedToDimensions stDim:w="4000" stDim:h="3000" stDim:unit="pixel"/>
         <mwg-rs:RegionList><rdf:Bag>
          <rdf:li><rdf:Description mwg-rs:Name="Pixel Person" mwg-rs:Type="Face">
            <mwg-rs:Area stArea:x="2000" stArea:y="750" stArea:w="400" stArea:h="300" stArea:unit="pixel"/></rdf:Description></rdf:li>
          <rdf:li><rdf:Description mwg-rs:Name="Rex" mwg-rs:Type="Pet">
            <mwg-rs:Area stArea:x="0.5" stArea:y="0.5" stArea:w="0.1" stArea:h="0.1"/></rdf:Description></rdf:li>
          <rdf:li><rdf:Description mwg-rs:Type="Face">
            <mwg-rs:Area stArea:x="0.5" stArea:y="0.5" stArea:w="0.1" stArea:h="0.1"/></rdf:Description></rdf:li>
          <rdf:li><rdf:Description mwg-rs:Name="Broken" mwg-rs:Type="Face">
            <mwg-rs:Area stArea:x="nan" stArea:y="0.5" stArea:w="0.1" stArea:h="0.1"/></rdf:Description></rdf:li>
         </rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions></rdf:Description></rdf:RDF></x:xmpmeta>
        """
        let xmp = XMPReader.read(packet: Data(packet.utf8))
        XCTAssertEqual(xmp.faceRegions, [FaceRegion(name: "Pixel Person", centerX: 0.5, centerY: 0.25, width: 0.1, height: 0.1)])
    }

    func testMalformedPacketsGiveEmptyOrPartialResults() {
        XCTAssertEqual(XMPReader.read(packet: Data()), XMPResult())
        XCTAssertEqual(XMPReader.read(packet: Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 131) })).faceRegions, [])
        // Unclosed tags and a cut-off packet: the names before the cut are kept.
        let cut = "<Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Dana</rdf:li><rdf:li>Eve</rdf:li><rdf:li>Fr"
        XCTAssertEqual(XMPReader.read(packet: Data(cut.utf8)).personInImage, ["Dana", "Eve", "Fr"])
        // Deep nesting and entity games end quickly and do not expand anything.
        let deep = String(repeating: "<a>", count: 100_000) + "&lt;&#x41;&bogus;&#99999999;"
        let start = Date()
        _ = XMPReader.read(packet: Data(deep.utf8))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(XMLTree.decodeEntities("&lt;&#x41;&bogus;&amp;"), "<A&bogus;&")
        // Oversized packets are ignored.
        let huge = XMPWriter.packet(personInImage: ["X"]) + String(repeating: " ", count: XMPReader.maxPacketBytes)
        XCTAssertEqual(XMPReader.read(packet: Data(huge.utf8)).personInImage, [])
    }

    func testExiftoolReadsTheSameRegions() throws {
        let packet = XMPWriter.packet(faceRegions: regions, personInImage: ["Alice Example"])
        let jpeg = try ImageEncoder.jpeg(Fixtures.pattern(width: 16, height: 16), xmp: packet)
        let dir = try TestSupport.temporaryDirectory("xmp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("p.jpg")
        try jpeg.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["exiftool", "-json", "-n", "-RegionName", "-RegionAreaX", "-PersonInImage", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let tags = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [[String: Any]])?.first)
        XCTAssertEqual(tags["RegionName"] as? [String], regions.map(\.name))
        XCTAssertEqual(tags["RegionAreaX"] as? [Double], [0.25, 0.7])
        XCTAssertEqual("\(tags["PersonInImage"]!)", "Alice Example")
    }
}
