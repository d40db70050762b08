import Foundation
import Testing
import TestSupport

/// `reasonir eval --rerank --rerank-format raw|chat` against the real llama.cpp server
/// (scripts/test.sh starts it and names it in REASONIR_LLM_URL): which endpoint each format
/// asks, read back from the response cache, whose entries name their request's path.
@Suite(.enabled(if: !(ProcessInfo.processInfo.environment["REASONIR_LLM_URL"] ?? "").isEmpty,
                "REASONIR_LLM_URL is not set: start the llama.cpp server with `scripts/llm-server.sh start` and export the URL it prints (scripts/test.sh does both)"))
struct RerankFormatCLITests {
    let url = ProcessInfo.processInfo.environment["REASONIR_LLM_URL"] ?? ""

    /// The request paths of the cache's entries (each file's header line says it).
    func cachedPaths(_ directory: URL) throws -> [String] {
        let files = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") } ?? []
        return try files.map { file in
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let header = try JSONSerialization.jsonObject(with: Data(text.prefix { $0 != "\n" }.utf8)) as? [String: Any]
            return header?["path"] as? String ?? ""
        }
    }

    @Test func rawIsTheDefaultAndAsksTheCompletionsEndpoint() throws {
        let scratch = try TestPaths.temporaryDirectory()
        let cache = scratch.appendingPathComponent("llm")
        func eval(_ extra: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            try TestPaths.runCLI(["eval", TestPaths.theoremQA.path, "--split", "dev", "--limit", "2", "--depth", "10",
                                  "--index-dir", scratch.appendingPathComponent("indexes").path, "--quiet",
                                  "--rerank", "--rerank-depth", "3", "--rerank-max-chars", "300",
                                  "--llm-url", url, "--llm-cache-dir", cache.path, "--llm-seed", "1"] + extra)
        }
        let raw = try eval([])
        #expect(raw.status == 0, "\(raw.stderr)")
        #expect(raw.stdout.contains("prompt theoremqa-theorems, format raw, 6 calls"), "\(raw.stdout)")
        #expect(try cachedPaths(cache) == Array(repeating: "/v1/completions", count: 6))

        let chat = try eval(["--rerank-format", "chat"])
        #expect(chat.status == 0, "\(chat.stderr)")
        #expect(chat.stdout.contains("format chat, 6 calls"), "\(chat.stdout)")
        #expect(try cachedPaths(cache).sorted() == Array(repeating: "/v1/chat/completions", count: 6) + Array(repeating: "/v1/completions", count: 6))

        let wrong = try eval(["--rerank-format", "xml"])
        #expect(wrong.status != 0 && wrong.stderr.contains("--rerank-format"), "\(wrong.stderr)")
    }
}
