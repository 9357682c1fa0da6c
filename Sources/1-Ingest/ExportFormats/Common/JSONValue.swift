import Foundation

/// A parsed JSON document, loosely typed: platforms change field types between eras
/// (numbers written as strings, an object where an array was expected), so readers ask for
/// what they want and get nil when the shape differs, instead of failing the whole file.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var object: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }

    /// Text, or a number's decimal text (X/Twitter ids may be either).
    var string: String? {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        default: return nil
        }
    }

    /// A non-empty string after trimming whitespace.
    var text: String? {
        guard let s = string.map(PathText.trimmed), !s.isEmpty else { return nil }
        return s
    }

    /// A number, also when written as a string ("1600596727", Google Takeout and X do this).
    var double: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(PathText.trimmed(s))
        default: return nil
        }
    }

    var bool: Bool? {
        switch self {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .string(let s): return s == "true" ? true : (s == "false" ? false : nil)
        default: return nil
        }
    }

    /// A list where the platform sometimes writes a single element bare (Instagram's one-post
    /// `posts_1.json` is an object, not an array).
    var elements: [JSONValue] {
        switch self {
        case .array(let a): return a
        case .object: return [self]
        default: return []
        }
    }

    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Walks `self` depth first, calling `visit` on every object.
    func forEachObject(_ visit: ([String: JSONValue]) -> Void) {
        switch self {
        case .object(let o):
            visit(o)
            for value in o.values { value.forEachObject(visit) }
        case .array(let a):
            for value in a { value.forEachObject(visit) }
        default: break
        }
    }
}

extension JSONValue {
    /// Parses JSON text. With `repairingMojibake`, every key and string value is passed through
    /// `Mojibake.repair` (Meta's exports write each UTF-8 byte as its own `\u00XX` escape).
    static func parse(_ data: Data, repairingMojibake: Bool = false) throws -> JSONValue {
        let value = try JSONParser.parse(data)
        return repairingMojibake ? value.repairingMojibake() : value
    }

    func repairingMojibake() -> JSONValue {
        switch self {
        case .string(let s): return .string(Mojibake.repair(s))
        case .array(let a): return .array(a.map { $0.repairingMojibake() })
        case .object(let o):
            var repaired: [String: JSONValue] = [:]
            repaired.reserveCapacity(o.count)
            for (key, value) in o { repaired[Mojibake.repair(key)] = value.repairingMojibake() }
            return .object(repaired)
        default: return self
        }
    }
}
