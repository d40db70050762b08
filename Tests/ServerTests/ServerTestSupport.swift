import Foundation
import Hummingbird
import HummingbirdTesting
import ReasonIR
import Server
import TestSupport

/// What the server tests share: MiniLM, loaded once, and a small SciFact index (BM25 and MiniLM
/// vectors) built once into a scratch directory.
enum ServerFixtures {
    static let smolLM = TestPaths.models.appendingPathComponent("SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
    static var hasSmolLM: Bool { FileManager.default.fileExists(atPath: smolLM.path) }
    static var hasData: Bool {
        TestPaths.hasMiniLM && FileManager.default.fileExists(atPath: TestPaths.scifact.appendingPathComponent("corpus.jsonl").path)
    }

    static let model: EmbeddingModel = { try! EmbeddingModel.load(TestPaths.miniLM.path, threads: 2) }()

    /// SciFact's first `count` documents as BEIR JSONL in a new scratch directory.
    static func corpus(_ count: Int) throws -> URL {
        let text = try String(contentsOf: TestPaths.scifact.appendingPathComponent("corpus.jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).prefix(count)
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("corpus.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// A new index of SciFact's first `count` documents with BM25 and MiniLM vectors.
    static func buildIndex(_ count: Int) throws -> URL {
        let corpus = try corpus(count)
        let directory = corpus.deletingLastPathComponent().appendingPathComponent("scifact.idx")
        try IndexDirectory.build(corpus: try CorpusFile.open(corpus), to: directory,
                                 options: .init(bm25: true, denseModel: TestPaths.miniLM.path, threads: 2))
        return directory
    }

    static let index: URL = { try! buildIndex(30) }()

    /// Resources over MiniLM and the shared index (no LLM), with `options`.
    static func resources(_ options: ServerOptions = ServerOptions(threads: 2), index url: URL? = nil) throws -> ServerResources {
        let served = try ServedIndex(name: "scifact", url: url ?? index, model: model, threads: 2)
        return ServerResources(options: options, embedding: model, indexes: ["scifact": served], indexOrder: ["scifact"], llm: nil)
    }

    /// Runs `test` with a HummingbirdTesting client on the router (no socket).
    static func withClient<T>(_ resources: ServerResources, _ test: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await Application(router: ReasonIRServer.router(resources)).test(.router, test)
    }
}

extension TestClientProtocol {
    /// Posts `json` (text) to `uri`; the response status and its body parsed as JSON (nil when not JSON).
    func post(_ uri: String, _ json: String, headers: HTTPFields = [:], method: HTTPRequest.Method = .post) async throws
        -> (status: Int, json: Any?, headers: HTTPFields, text: String)
    {
        try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: json)) { response in
            let text = String(buffer: response.body)
            return (Int(response.status.code), try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
                    response.headers, text)
        }
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> (status: Int, json: Any?, headers: HTTPFields, text: String) {
        try await execute(uri: uri, method: .get, headers: headers) { response in
            let text = String(buffer: response.body)
            return (Int(response.status.code), try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
                    response.headers, text)
        }
    }
}

/// The JSON error message of an OpenAI-style error body, or nil.
func openAIMessage(_ json: Any?) -> String? {
    ((json as? [String: Any])?["error"] as? [String: Any])?["message"] as? String
}

/// A JSON string literal of `text`.
func literal(_ text: String) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes]), as: UTF8.self).dropFirst().dropLast()
        .description
}
