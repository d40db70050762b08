import Foundation

/// `../shared` beside the package (or `$REASONIR_SHARED`).
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

    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: golden.appendingPathComponent(name))) as! [String: Any]
    }
}

extension TestPaths {
    /// Where fetched models live: `$REASONIR_MODELS`, else `<package root>/models`.
    static let models: URL = {
        if let path = ProcessInfo.processInfo.environment["REASONIR_MODELS"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return packageRoot.appendingPathComponent("models")
    }()
    static let miniLM = models.appendingPathComponent("all-MiniLM-L6-v2")
    static var hasMiniLM: Bool { FileManager.default.fileExists(atPath: miniLM.appendingPathComponent("model.safetensors").path) }

    /// The `reasonir` executable built beside the test bundle.
    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("reasonir")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/reasonir")
    }

    /// Runs `reasonir` with `arguments`; returns its exit status, stdout and stderr.
    static func runCLI(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}

func cosine(_ a: some Collection<Float>, _ b: some Collection<Double>) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) { dot += Double(x) * y; na += Double(x) * Double(x); nb += y * y }
    return dot / (na.squareRoot() * nb.squareRoot())
}
