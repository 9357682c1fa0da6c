import CLibXML2
import Foundation

// HTMLDocument: an HTML page parsed by libxml2's HTML parser (the Debian libxml2 library; the only
// module that uses it) into a small, flat, read-only DOM for the platform readers.
//
// SAFETY: the input is hostile (an export may be anything). The parser runs with
// HTML_PARSE_RECOVER (broken markup is repaired, as browsers do), NOERROR | NOWARNING and a
// structured error handler that only counts (nothing is printed to stderr, nothing aborts),
// NONET (no network; HTML has no external entities to fetch, and none are loaded), and without
// HTML_PARSE_HUGE, so libxml2's own caps on names and text stay on. The libxml2 tree is copied
// into Swift iteratively (no recursion: a page of 100,000 nested <div>s cannot exhaust the
// stack), down to `Limits.maxDepth`, at most `maxNodes` nodes, every text and attribute value cut
// at `maxTextBytes`; `truncated` says when any cap was hit. Bytes that are not valid in the
// page's encoding come out as U+FFFD. Pages larger than `maxInputBytes` or without any element
// are refused with an `HTMLDocumentError`, which readers turn into a warning naming the file.

public struct HTMLDocumentError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

public final class HTMLDocument: @unchecked Sendable {
    public struct Limits: Sendable {
        public var maxInputBytes = 64 << 20
        public var maxDepth = 256
        public var maxNodes = 2_000_000
        public var maxTextBytes = 1 << 20
        public init() {}
        public static let `default` = Limits()
    }

    /// One element or text node. Elements have a lowercased `name`; text nodes have name "#text".
    public struct Node: Sendable {
        public var name: String
        public var attributes: [(name: String, value: String)]
        public var text: String
        public var parent: Int?
        public var children: [Int]
        public var depth: Int
        public var isText: Bool { name == "#text" }
    }

    /// Every node in document order; index 0 is the root element when there is one.
    public let nodes: [Node]
    /// True when a cap (depth, node count, text length) cut something off.
    public let truncated: Bool
    /// How many problems libxml2 reported and recovered from (malformed markup, encoding errors).
    public let recoveredErrors: Int

    init(nodes: [Node], truncated: Bool, recoveredErrors: Int) {
        self.nodes = nodes; self.truncated = truncated; self.recoveredErrors = recoveredErrors
    }

    /// Parses `data` (any encoding the page declares; UTF-8 when it declares none).
    public static func parse(_ data: Data, limits: Limits = .default) throws -> HTMLDocument {
        guard !data.isEmpty else { throw HTMLDocumentError("empty file") }
        guard data.count <= limits.maxInputBytes else {
            throw HTMLDocumentError("\(data.count) bytes, more than the \(limits.maxInputBytes)-byte limit for one page")
        }
        guard data.count <= Int(Int32.max) else { throw HTMLDocumentError("too large") }
        return try Parser.shared.parse(data, limits: limits)
    }

    // MARK: Queries

    public func attribute(_ name: String, of index: Int) -> String? {
        nodes[index].attributes.first { $0.name == name }?.value
    }

    /// The class names of an element.
    public func classes(of index: Int) -> [Substring] {
        (attribute("class", of: index) ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
    }

    public func hasClass(_ name: String, _ index: Int) -> Bool { classes(of: index).contains { $0 == name } }

    /// Every node below `index` (not itself), in document order.
    public func descendants(of index: Int) -> [Int] {
        var result: [Int] = []
        var stack = nodes[index].children.reversed() as [Int]
        while let next = stack.popLast() {
            result.append(next)
            stack.append(contentsOf: nodes[next].children.reversed())
        }
        return result
    }

    /// Elements named `name` (lowercase), below `index` or in the whole document.
    public func elements(_ name: String, in index: Int? = nil) -> [Int] {
        let scope = index.map(descendants(of:)) ?? Array(nodes.indices)
        return scope.filter { nodes[$0].name == name }
    }

    /// The text below a node, whitespace collapsed, trimmed.
    public func text(of index: Int) -> String {
        var parts: [String] = []
        if nodes[index].isText { parts.append(nodes[index].text) }
        for node in descendants(of: index) where nodes[node].isText { parts.append(nodes[node].text) }
        return parts.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// True when `ancestor` is above `index`.
    public func isInside(_ index: Int, _ ancestor: Int) -> Bool {
        var current = nodes[index].parent
        while let c = current {
            if c == ancestor { return true }
            current = nodes[c].parent
        }
        return false
    }

    /// The page's `<title>`, else its first `<h1>`.
    public var title: String? {
        for name in ["title", "h1"] {
            if let first = elements(name).first {
                let t = text(of: first)
                if !t.isEmpty { return t }
            }
        }
        return nil
    }
}

// MARK: - libxml2

/// libxml2's global error handlers are per thread; parses are serialized here so that a
/// handler set for one parse never meets another's.
private final class Parser: @unchecked Sendable {
    static let shared = Parser()
    private let lock = NSLock()

    private init() { xmlInitParser() }

    func parse(_ data: Data, limits: HTMLDocument.Limits) throws -> HTMLDocument {
        lock.lock()
        defer { lock.unlock() }
        final class Counter { var errors = 0; var fatal = false }
        let counter = Counter()
        let context = Unmanaged.passUnretained(counter).toOpaque()
        // Structured handler: count, never print. (The generic one is silenced as well.)
        xmlSetStructuredErrorFunc(context) { ctx, error in
            guard let ctx else { return }
            let counter = Unmanaged<Counter>.fromOpaque(ctx).takeUnretainedValue()
            counter.errors += 1
            // libxml2 stops at its own depth limit (256) with a fatal error: the rest is lost.
            if let error, error.pointee.level == XML_ERR_FATAL { counter.fatal = true }
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        guard let ctxt = htmlNewParserCtxt() else { throw HTMLDocumentError("the HTML parser could not start") }
        defer { htmlFreeParserCtxt(ctxt) }
        let document: htmlDocPtr? = data.withUnsafeBytes { raw in
            raw.baseAddress.flatMap { base in
                htmlCtxtReadMemory(ctxt, base.assumingMemoryBound(to: CChar.self), Int32(raw.count), "page.html", nil, options)
            }
        }
        guard let document else { throw HTMLDocumentError("not readable as HTML") }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { throw HTMLDocumentError("no HTML element in the file") }
        return copy(root, limits: limits, errors: counter.errors, stoppedEarly: counter.fatal)
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?, max: Int, truncated: inout Bool) -> String {
        guard let pointer else { return "" }
        let length = xmlStrlen(pointer)
        let count = Int(length)
        let kept = min(count, max)
        if kept < count { truncated = true }
        let buffer = UnsafeBufferPointer(start: pointer, count: kept)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Copies the libxml2 tree below `root` into flat Swift nodes, iteratively.
    private func copy(_ root: xmlNodePtr, limits: HTMLDocument.Limits, errors: Int, stoppedEarly: Bool) -> HTMLDocument {
        var nodes: [HTMLDocument.Node] = []
        var truncated = stoppedEarly
        // (libxml node, parent index, depth)
        var stack: [(xmlNodePtr, Int?, Int)] = [(root, nil, 0)]
        while let (node, parent, depth) = stack.popLast() {
            if nodes.count >= limits.maxNodes { truncated = true; break }
            let type = node.pointee.type
            var record: HTMLDocument.Node
            if type == XML_ELEMENT_NODE {
                let name = Self.string(node.pointee.name, max: 256, truncated: &truncated).lowercased()
                var attributes: [(String, String)] = []
                var attribute = node.pointee.properties
                while let a = attribute {
                    let attributeName = Self.string(a.pointee.name, max: 256, truncated: &truncated).lowercased()
                    var value = ""
                    if let content = xmlNodeListGetString(node.pointee.doc, a.pointee.children, 1) {
                        value = Self.string(UnsafePointer(content), max: limits.maxTextBytes, truncated: &truncated)
                        xmlFree(content)
                    }
                    attributes.append((attributeName, value))
                    attribute = a.pointee.next
                }
                record = HTMLDocument.Node(name: name, attributes: attributes, text: "", parent: parent, children: [], depth: depth)
            } else if type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE {
                let text = Self.string(node.pointee.content, max: limits.maxTextBytes, truncated: &truncated)
                record = HTMLDocument.Node(name: "#text", attributes: [], text: text, parent: parent, children: [], depth: depth)
            } else {
                continue  // comments, processing instructions, DTD nodes
            }
            let index = nodes.count
            nodes.append(record)
            if let parent { nodes[parent].children.append(index) }
            guard type == XML_ELEMENT_NODE else { continue }
            // Skip the contents of script and style: never page data.
            if record.name == "script" || record.name == "style" { continue }
            var children: [xmlNodePtr] = []
            var child = node.pointee.children
            while let c = child { children.append(c); child = c.pointee.next }
            if !children.isEmpty && depth + 1 > limits.maxDepth { truncated = true; continue }
            for c in children.reversed() { stack.append((c, index, depth + 1)) }
        }
        return HTMLDocument(nodes: nodes, truncated: truncated, recoveredErrors: errors)
    }
}
