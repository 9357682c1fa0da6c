import Foundation
/// Shared helpers for every test target: temporary folders and the test-data cache.
public enum TestSupport {
    /// A fresh empty directory under the system temp folder, removed by the caller when done.
    public static func temporaryDirectory(_ label: String = "exposure-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
