import Foundation

/// Where the tests find their data, for every test target:
///  - shared fixtures and datasets: `$REASONIR_SHARED`, else `shared/` beside the package root;
///  - downloaded models: `$REASONIR_MODELS`, else `<package root>/models`;
///  - scratch files: a fresh directory under the system's temporary directory.
public enum TestPaths {
    /// The package root: this file is `<root>/Sources/TestSupport/TestPaths.swift`.
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The read-only shared folder (fixtures, golden files, datasets).
    public static let shared: URL = directory(environment: "REASONIR_SHARED")
        ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// Reference outputs made by the Python and Java tools (`shared/fixtures/README.md`).
    public static let golden = shared.appendingPathComponent("fixtures/golden")
    /// Small models checked in with the fixtures (random weights), e.g. `tiny-bert`.
    public static let fixtureModels = shared.appendingPathComponent("fixtures/models")
    public static let scifact = shared.appendingPathComponent("data/scifact")
    public static let theoremQA = shared.appendingPathComponent("data/theoremqa-theorems")
    public static let bright = shared.appendingPathComponent("data/bright")

    /// Downloaded models (`scripts/fetch-models.sh`); absent in a fresh checkout.
    public static let models: URL = directory(environment: "REASONIR_MODELS")
        ?? packageRoot.appendingPathComponent("models")

    /// The random-weight BERT of the fixtures, and the fetched all-MiniLM-L6-v2.
    public static let tinyBert = fixtureModels.appendingPathComponent("tiny-bert")
    public static let miniLM = models.appendingPathComponent("all-MiniLM-L6-v2")
    public static var hasTinyBert: Bool { FileManager.default.fileExists(atPath: tinyBert.appendingPathComponent("model.safetensors").path) }
    public static var hasMiniLM: Bool { hasModel("all-MiniLM-L6-v2", file: "model.safetensors") }

    /// Whether `models/<name>` holds `file`: tests that need real weights skip themselves without it.
    public static func hasModel(_ name: String, file: String = "config.json") -> Bool {
        FileManager.default.fileExists(atPath: models.appendingPathComponent(name).appendingPathComponent(file).path)
    }

    /// A new, empty directory for files a test writes.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reasonir-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The golden file `name` (a JSON object) as Foundation reads it.
    public static func json(_ name: String) throws -> [String: Any] {
        let url = golden.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw TestDataError.missing(url.path) }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestDataError.notAnObject(url.path)
        }
        return object
    }

    /// The golden file `name` decoded as `type`.
    public static func decode<T: Decodable>(_ type: T.Type, golden name: String) throws -> T {
        let url = golden.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw TestDataError.missing(url.path) }
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// A directory named by an environment variable, when it is set and not empty.
    private static func directory(environment name: String) -> URL? {
        guard let path = ProcessInfo.processInfo.environment[name], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path)
    }
}

/// Test data that is not where `TestPaths` says: the message names the file, so a failing test
/// says what to fetch.
public enum TestDataError: Error, CustomStringConvertible {
    case missing(String)
    case notAnObject(String)

    public var description: String {
        switch self {
        case .missing(let path): return "missing test data: \(path)"
        case .notAnObject(let path): return "\(path): expected a JSON object"
        }
    }
}
