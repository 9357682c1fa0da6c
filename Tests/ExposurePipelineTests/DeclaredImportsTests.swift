import Foundation
import XCTest

/// Every module imports only what Package.swift declares for it. Swift lets a module see the
/// modules its dependencies import, so an undeclared import compiles and the layering drifts
/// silently; this test reads the manifest and every source file and fails on the first such import.
final class DeclaredImportsTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The toolchain's own modules, available to every target.
    static let platformModules: Set<String> = ["Foundation", "Dispatch", "Glibc", "Darwin", "XCTest", "os"]

    struct Target { var name: String; var path: String; var dependencies: Set<String> }

    /// The targets of Package.swift: name, folder and declared dependencies (target names and
    /// products' module names).
    static func targets(manifest: String) -> [Target] {
        let kinds = ["target", "executableTarget", "testTarget", "systemLibrary"]
        let pattern = try! NSRegularExpression(pattern: #"\.(\#(kinds.joined(separator: "|")))\(name: "([A-Za-z0-9_]+)""#)
        let text = manifest as NSString
        let matches = pattern.matches(in: manifest, range: NSRange(location: 0, length: text.length))
        return matches.enumerated().map { index, match in
            let end = index + 1 < matches.count ? matches[index + 1].range.location : text.length
            let body = text.substring(with: NSRange(location: match.range.location, length: end - match.range.location))
            let kind = text.substring(with: match.range(at: 1)), name = text.substring(with: match.range(at: 2))
            var dependencies: Set<String> = []
            if let open = body.range(of: "dependencies: [") {
                let list = body[open.upperBound...].prefix { $0 != "]" }
                let product = try! NSRegularExpression(pattern: #"\.product\(name: "([A-Za-z0-9_]+)"[^)]*\)"#)
                let plain = try! NSRegularExpression(pattern: #""([A-Za-z0-9_]+)""#)
                var rest = String(list)
                for m in product.matches(in: rest, range: NSRange(rest.startIndex..., in: rest)).reversed() {
                    dependencies.insert(String(rest[Range(m.range(at: 1), in: rest)!]))
                    rest.replaceSubrange(Range(m.range, in: rest)!, with: "")
                }
                for m in plain.matches(in: rest, range: NSRange(rest.startIndex..., in: rest)) {
                    dependencies.insert(String(rest[Range(m.range(at: 1), in: rest)!]))
                }
            }
            let path = body.range(of: #"path: "([^"]+)""#, options: .regularExpression).map {
                String(body[$0].dropFirst("path: \"".count).dropLast())
            } ?? (kind == "testTarget" ? "Tests/\(name)" : "Sources/\(name)")
            return Target(name: name, path: path, dependencies: dependencies)
        }
    }

    /// The modules a Swift file imports (`import X`, `@testable import X`, `@_exported import X`,
    /// `import struct X.Y`): the import lines at the top of the file, before its first declaration
    /// (so that a Python script inside a string literal further down does not count).
    static func imports(of source: String) -> Set<String> {
        let pattern = try! NSRegularExpression(pattern: #"^(?:@\w+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|typealias)\s+)?([A-Za-z0-9_]+)"#)
        var modules: Set<String> = []
        for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("//") || line.hasPrefix("#if") || line.hasPrefix("#else") || line.hasPrefix("#endif") { continue }
            guard let m = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { break }
            modules.insert(String(line[Range(m.range(at: 1), in: line)!]))
        }
        return modules
    }

    func testEveryImportIsDeclaredInPackageSwift() throws {
        let manifest = try String(contentsOf: Self.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let targets = Self.targets(manifest: manifest)
        XCTAssertGreaterThan(targets.count, 30, "the manifest's targets were read")
        XCTAssertEqual(targets.first { $0.name == "ExposureStore" }?.dependencies, ["ExposureModel", "GRDB"])
        let names = Set(targets.map(\.name))
        var undeclared: [String] = []
        var filesRead = 0
        var importers: [String: Set<String>] = [:]
        for target in targets {
            let folder = Self.packageRoot.appendingPathComponent(target.path)
            guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in files where file.pathExtension == "swift" {
                filesRead += 1
                let source = try String(contentsOf: file, encoding: .utf8)
                for module in Self.imports(of: source) { importers[module, default: []].insert(target.name) }
                for module in Self.imports(of: source).subtracting(Self.platformModules).subtracting([target.name])
                where !target.dependencies.contains(module) {
                    let kind = names.contains(module) ? "a target" : "a product or an unknown module"
                    undeclared.append("\(target.name) imports \(module) (\(kind)) in \(file.path.dropFirst(Self.packageRoot.path.count + 1)) without declaring it")
                }
            }
        }
        XCTAssertGreaterThan(filesRead, 200)
        XCTAssertEqual(undeclared, [], undeclared.joined(separator: "\n"))
        // Each outside library is used by exactly one module (tests aside).
        let owners = ["GRDB": "ExposureStore", "Yams": "ExposureRules", "ArgumentParser": "exposure", "CArchive": "ArchiveInput",
                      "CCrypto": "ArchiveInput", "CExif": "MediaMetadata", "CImageCodecs": "MediaMetadata",
                      "CLibXML2": "HTMLDocument", "CVideoCodecs": "VideoFrames", "CMalloc": "NeuralNet"]
        for (library, owner) in owners {
            XCTAssertEqual(importers[library, default: []].filter { !$0.hasSuffix("Tests") }, [owner], library)
        }
    }

    /// The check itself: an import outside the declared list is caught; the declared ones are not.
    func testTheCheckFindsAnUndeclaredImport() {
        let manifest = #"""
            .target(name: "A", dependencies: ["B", .product(name: "GRDB", package: "GRDB.swift")], path: "Sources/Stage/A"),
            .testTarget(name: "ATests", dependencies: ["A"]),
        """#
        let targets = Self.targets(manifest: manifest)
        XCTAssertEqual(targets.map(\.name), ["A", "ATests"])
        XCTAssertEqual(targets[0].dependencies, ["B", "GRDB"])
        XCTAssertEqual(targets[0].path, "Sources/Stage/A")
        XCTAssertEqual(targets[1].path, "Tests/ATests")
        let source = "// A file\nimport Foundation\n@testable import B\n#if canImport(Glibc)\nimport struct C.Thing\n#endif\n  @_exported import D\n// import E\n\nlet script = \"\"\"\nimport sys\n\"\"\"\nimport F\n"
        XCTAssertEqual(Self.imports(of: source), ["Foundation", "B", "C", "D"])
        XCTAssertEqual(Self.imports(of: source).subtracting(Self.platformModules).subtracting(targets[0].dependencies), ["C", "D"])
    }
}
