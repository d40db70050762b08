import Foundation
import Testing

/// The read-only `shared/` folder beside the package (or `$REASONIR_SHARED`).
enum SharedData {
    static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["REASONIR_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        // Tests/EvaluationTests/SharedData.swift → package root → ../shared
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent("../shared").standardized
    }()

    static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// A golden JSON file as a dictionary; fails the test when it is missing.
    static func json(_ relativePath: String) throws -> [String: Any] {
        let url = url(relativePath)
        let data = try #require(FileManager.default.contents(atPath: url.path), "missing \(url.path)")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// A JSON number as a Double.
func number(_ value: Any?) -> Double? {
    (value as? NSNumber)?.doubleValue
}

/// A fresh temporary directory for a test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("evaluation-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func write(_ text: String, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}
