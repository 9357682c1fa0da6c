// Building XMP packets with MWG face regions and IPTC PersonInImage, for tests and the demo
// archive generator (the layout Lightroom, digiKam and Picasa-era tools write).
import ExposureModel
import Foundation

public enum XMPWriter {
    /// - Parameters:
    ///   - regionsAsElements: write region fields as child elements (rdf:parseType="Resource")
    ///     instead of attributes; readers must accept both.
    ///   - imageSize: written as mwg-rs:AppliedToDimensions (pixels).
    public static func packet(faceRegions: [FaceRegion] = [], personInImage: [String] = [],
                              imageSize: (width: Int, height: Int)? = nil, regionsAsElements: Bool = false) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        func num(_ v: Double) -> String { String(format: "%.6f", v) }
        var body = ""
        if !faceRegions.isEmpty {
            body += "   <mwg-rs:Regions rdf:parseType=\"Resource\">\n"
            if let size = imageSize {
                body += "    <mwg-rs:AppliedToDimensions stDim:w=\"\(size.width)\" stDim:h=\"\(size.height)\" stDim:unit=\"pixel\"/>\n"
            }
            body += "    <mwg-rs:RegionList>\n     <rdf:Bag>\n"
            for r in faceRegions {
                if regionsAsElements {
                    body += """
                          <rdf:li rdf:parseType="Resource">
                           <mwg-rs:Name>\(esc(r.name))</mwg-rs:Name>
                           <mwg-rs:Type>Face</mwg-rs:Type>
                           <mwg-rs:Area rdf:parseType="Resource">
                            <stArea:x>\(num(r.centerX))</stArea:x>
                            <stArea:y>\(num(r.centerY))</stArea:y>
                            <stArea:w>\(num(r.width))</stArea:w>
                            <stArea:h>\(num(r.height))</stArea:h>
                            <stArea:unit>normalized</stArea:unit>
                           </mwg-rs:Area>
                          </rdf:li>

                    """
                } else {
                    body += """
                          <rdf:li>
                           <rdf:Description mwg-rs:Name="\(esc(r.name))" mwg-rs:Type="Face">
                            <mwg-rs:Area stArea:x="\(num(r.centerX))" stArea:y="\(num(r.centerY))" stArea:w="\(num(r.width))" stArea:h="\(num(r.height))" stArea:unit="normalized"/>
                           </rdf:Description>
                          </rdf:li>

                    """
                }
            }
            body += "     </rdf:Bag>\n    </mwg-rs:RegionList>\n   </mwg-rs:Regions>\n"
        }
        if !personInImage.isEmpty {
            body += "   <Iptc4xmpExt:PersonInImage>\n    <rdf:Bag>\n"
            for name in personInImage { body += "     <rdf:li>\(esc(name))</rdf:li>\n" }
            body += "    </rdf:Bag>\n   </Iptc4xmpExt:PersonInImage>\n"
        }
        return """
        <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
        <x:xmpmeta xmlns:x="adobe:ns:meta/">
         <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description rdf:about=""
            xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
            xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
            xmlns:stDim="http://ns.adobe.com/xap/1.0/sType/Dimensions#"
            xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">
        \(body)  </rdf:Description>
         </rdf:RDF>
        </x:xmpmeta>
        <?xpacket end="w"?>
        """
    }
}
