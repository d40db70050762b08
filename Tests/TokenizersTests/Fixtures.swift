import Foundation
@testable import Tokenizers

/// Where the test data lives.
///  - shared fixtures: `$REASONIR_SHARED`, else `<package root>/../shared`;
///  - downloaded models: `$REASONIR_MODELS`, else `<package root>/models`.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let shared: URL = {
        if let env = ProcessInfo.processInfo.environment["REASONIR_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.appendingPathComponent("../shared").standardizedFileURL
    }()

    static let models: URL = {
        if let env = ProcessInfo.processInfo.environment["REASONIR_MODELS"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.appendingPathComponent("models")
    }()

    static var golden: URL { shared.appendingPathComponent("fixtures/golden") }
    static var tinyBert: URL { shared.appendingPathComponent("fixtures/models/tiny-bert") }
    static var miniLM: URL { models.appendingPathComponent("all-MiniLM-L6-v2") }
    static var scifact: URL { shared.appendingPathComponent("data/scifact") }

    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    static var hasShared: Bool { exists(golden.appendingPathComponent("wordpiece_minilm.json")) }
    static var hasTinyBert: Bool { exists(tinyBert.appendingPathComponent("tokenizer.json")) }
    static var hasMiniLM: Bool { exists(miniLM.appendingPathComponent("tokenizer.json")) && hasShared }

    static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    /// A scratch directory for files a test writes.
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizers-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
