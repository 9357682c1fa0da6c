// XMP (ISO 16684-1) without an XML library: a small tolerant tree builder over the packet,
// then two lookups by local name (namespace prefixes are conventional, not checked):
//
//   MWG regions   mwg-rs:Regions/mwg-rs:RegionList/rdf:Bag/rdf:li, each with mwg-rs:Name,
//                 mwg-rs:Type ("Face") and mwg-rs:Area (stArea:x/y/w/h, centre-based,
//                 unit "normalized"; "pixel" is converted with mwg-rs:AppliedToDimensions).
//                 Fields may be attributes (of rdf:li or an inner rdf:Description) or elements.
//   IPTC Ext      Iptc4xmpExt:PersonInImage/rdf:Bag/rdf:li text.
//
// Limits: packets over 1 MiB are ignored, nesting deeper than 64 is flattened, at most
// 20,000 elements. Malformed markup ends the parse with whatever was built so far.
import ExposureModel
import Foundation

public struct XMPResult: Sendable, Equatable {
    /// Named MWG face regions (regions without a name are not kept: the name is the finding).
    public var faceRegions: [FaceRegion] = []
    public var personInImage: [String] = []
    public init() {}
}

public enum XMPReader {
    public static let maxPacketBytes = 1 << 20

    /// XMP of a JPEG (APP1) or PNG (iTXt), empty when absent.
    public static func read(_ data: Data) -> XMPResult {
        guard let packet = EmbeddedSegments.read(data, format: MediaSniffer.format(of: data)).xmp else { return XMPResult() }
        return read(packet: packet)
    }

    public static func read(packet: Data) -> XMPResult {
        guard packet.count <= maxPacketBytes else { return XMPResult() }
        let root = XMLTree.parse([UInt8](packet))
        var result = XMPResult()
        for list in root.descendants(named: "RegionList") {
            let dimensions = root.descendants(named: "AppliedToDimensions").first.map { properties(of: $0) }
            for item in list.descendants(named: "li") {
                if let region = faceRegion(from: item, dimensions: dimensions) { result.faceRegions.append(region) }
            }
        }
        var seen = Set<String>()
        for person in root.descendants(named: "PersonInImage") {
            for item in person.descendants(named: "li") {
                let name = item.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !name.isEmpty, seen.insert(name).inserted { result.personInImage.append(name) }
            }
        }
        return result
    }

    /// Attributes and simple child elements by local name; an rdf:Description child (or a
    /// parseType="Resource" element) contributes its own properties.
    static func properties(of node: XMLTree.Node) -> [String: String] {
        var props: [String: String] = [:]
        for (k, v) in node.attributes { props[XMLTree.localName(k)] = v }
        for child in node.children {
            let name = XMLTree.localName(child.name)
            if name == "Description" {
                for (k, v) in properties(of: child) where props[k] == nil { props[k] = v }
            } else if child.children.isEmpty {
                let text = child.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { props[name] = text }
            }
        }
        return props
    }

    static func faceRegion(from item: XMLTree.Node, dimensions: [String: String]?) -> FaceRegion? {
        let props = properties(of: item)
        if let type = props["Type"], type.lowercased() != "face" { return nil }
        guard let name = props["Name"]?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty else { return nil }
        // The Area: an element (possibly inside rdf:Description) with attributes or children.
        let areaNode = item.descendants(named: "Area").first
        let area = areaNode.map { properties(of: $0) } ?? [:]
        guard var x = area["x"].flatMap(Double.init), var y = area["y"].flatMap(Double.init),
              var w = area["w"].flatMap(Double.init), var h = area["h"].flatMap(Double.init) else { return nil }
        if area["unit"]?.lowercased() == "pixel" {
            guard let dw = dimensions?["w"].flatMap(Double.init), let dh = dimensions?["h"].flatMap(Double.init),
                  dw > 0, dh > 0 else { return nil }
            x /= dw; w /= dw; y /= dh; h /= dh
        }
        let values = [x, y, w, h]
        guard values.allSatisfy({ $0.isFinite && $0 >= -0.5 && $0 <= 1.5 }), w > 0, h > 0 else { return nil }
        return FaceRegion(name: name, centerX: x, centerY: y, width: w, height: h)
    }
}

/// A forgiving XML tree: elements, attributes, text. No DTDs, no external entities (so no
/// XXE or billion-laughs), only the five predefined entities and character references.
enum XMLTree {
    final class Node {
        let name: String
        var attributes: [(String, String)] = []
        var children: [Node] = []
        var text = ""
        init(name: String) { self.name = name }

        func descendants(named local: String) -> [Node] {
            var out: [Node] = [], stack: [Node] = children.reversed()
            while let n = stack.popLast() {
                if localName(n.name) == local { out.append(n) }
                stack.append(contentsOf: n.children.reversed())
            }
            return out
        }
    }

    static func localName(_ qualified: String) -> String {
        if let colon = qualified.lastIndex(of: ":") { return String(qualified[qualified.index(after: colon)...]) }
        return qualified
    }

    static let maxDepth = 64, maxElements = 20_000
    static let commentOpen = Array("<!--".utf8), commentClose = Array("-->".utf8)
    static let cdataOpen = Array("<![CDATA[".utf8), cdataClose = Array("]]>".utf8)

    static func parse(_ b: [UInt8]) -> Node {
        let root = Node(name: "#document")
        var stack = [root], count = 0, i = 0
        let n = b.count
        func find(_ pattern: [UInt8], from start: Int) -> Int? {
            guard pattern.count <= n else { return nil }
            var j = start
            while j + pattern.count <= n {
                if b[j] == pattern[0] && b[j..<j + pattern.count].elementsEqual(pattern) { return j }
                j += 1
            }
            return nil
        }
        while i < n {
            if b[i] != UInt8(ascii: "<") {
                let end = b[i...].firstIndex(of: UInt8(ascii: "<")) ?? n
                stack.last!.text += decodeEntities(String(decoding: b[i..<end], as: UTF8.self))
                i = end
                continue
            }
            if b[i...].starts(with: commentOpen) {
                i = (find(commentClose, from: i + 4) ?? n - 3) + 3; continue
            }
            if b[i...].starts(with: cdataOpen) {
                let end = find(cdataClose, from: i + 9) ?? n
                stack.last!.text += String(decoding: b[(i + 9)..<end], as: UTF8.self)
                i = min(n, end + 3); continue
            }
            if i + 1 < n && (b[i + 1] == UInt8(ascii: "?") || b[i + 1] == UInt8(ascii: "!")) {
                i = (b[i...].firstIndex(of: UInt8(ascii: ">")) ?? n - 1) + 1; continue
            }
            // A tag: find its end, honouring quotes.
            var j = i + 1, quote: UInt8 = 0
            while j < n {
                let c = b[j]
                if quote != 0 { if c == quote { quote = 0 } }
                else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c }
                else if c == UInt8(ascii: ">") { break }
                j += 1
            }
            guard j < n else { break }  // unterminated tag: stop
            let tag = String(decoding: b[(i + 1)..<j], as: UTF8.self)
            i = j + 1
            if tag.hasPrefix("/") {
                let name = tag.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)
                if let k = stack.lastIndex(where: { $0.name == name }), k > 0 { stack.removeSubrange(k...) }
                continue
            }
            let selfClosing = tag.hasSuffix("/")
            let (name, attributes) = parseTag(selfClosing ? String(tag.dropLast()) : tag)
            guard !name.isEmpty else { continue }
            count += 1
            if count > maxElements { break }
            let node = Node(name: name)
            node.attributes = attributes
            stack.last!.children.append(node)
            if !selfClosing && stack.count < maxDepth { stack.append(node) }
        }
        return root
    }

    static func parseTag(_ tag: String) -> (String, [(String, String)]) {
        let s = Array(tag.unicodeScalars)
        var i = 0
        func skipSpace() { while i < s.count && s[i].properties.isWhitespace { i += 1 } }
        func readName() -> String {
            let start = i
            while i < s.count && !s[i].properties.isWhitespace && s[i] != "=" && s[i] != "/" { i += 1 }
            return String(String.UnicodeScalarView(s[start..<i]))
        }
        skipSpace()
        let name = readName()
        var attributes: [(String, String)] = []
        while i < s.count {
            skipSpace()
            let key = readName()
            if key.isEmpty { i += 1; continue }
            skipSpace()
            guard i < s.count, s[i] == "=" else { continue }
            i += 1
            skipSpace()
            guard i < s.count, s[i] == "\"" || s[i] == "'" else { continue }
            let q = s[i]
            i += 1
            let start = i
            while i < s.count && s[i] != q { i += 1 }
            attributes.append((key, decodeEntities(String(String.UnicodeScalarView(s[start..<min(i, s.count)])))))
            i += 1
        }
        return (name, attributes)
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = "", rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].prefix(12).firstIndex(of: ";") else { out += "&"; rest = rest[rest.index(after: amp)...]; continue }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                var scalar: Unicode.Scalar?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
                else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init) }
                if let scalar { out.unicodeScalars.append(scalar) } else { out += "&" + entity + ";" }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
