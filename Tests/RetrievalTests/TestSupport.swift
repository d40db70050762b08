import Foundation
@testable import Retrieval

/// Paths shared by the tests: `../shared` beside the package (or `$REASONIR_SHARED`).
enum TestPaths {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared: URL = {
        if let path = ProcessInfo.processInfo.environment["REASONIR_SHARED"] { return URL(fileURLWithPath: path) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()
    static let golden = shared.appendingPathComponent("fixtures/golden")
    static let scifact = shared.appendingPathComponent("data/scifact")
    static let theoremQA = shared.appendingPathComponent("data/theoremqa-theorems")

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reasonir-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Splits on spaces: lets formula tests control the tokens exactly.
struct WhitespaceAnalyzer: Analyzer {
    func analyze(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }
}
