import Foundation
import Hummingbird
import HummingbirdTesting
import ReasonIR
import Server
import Testing
import TestSupport

/// The routes through HummingbirdTesting's router client (no socket): shapes, vectors, errors, limits, key.
@Suite(.enabled(if: ServerFixtures.hasData, "needs all-MiniLM-L6-v2 and shared/data/scifact"))
struct RouteTests {
    @Test func embeddingsAreTheEmbedderVectorsAsFloatAndBase64() async throws {
        let texts = ["A text", "Vitamin D deficiency and multiple sclerosis"]
        let expected = try ServerFixtures.model.embedder.embed(texts, kind: .document)
        try await ServerFixtures.withClient(try ServerFixtures.resources()) { client in
            let body = #"{"model": "all-MiniLM-L6-v2", "input": [\#(literal(texts[0])), \#(literal(texts[1]))]}"#
            let plain = try await client.post("/v1/embeddings", body)
            #expect(plain.status == 200)
            let object = try #require(plain.json as? [String: Any])
            let data = try #require(object["data"] as? [[String: Any]])
            #expect(data.count == 2)
            for (row, item) in data.enumerated() {
                let vector = try #require(item["embedding"] as? [Double]).map { Float($0) }
                #expect(vector == Array(expected[row]))
            }
            let usage = try #require(object["usage"] as? [String: Any])
            #expect((usage["prompt_tokens"] as? Int ?? 0) > 4)
            let encoded = try await client.post("/v1/embeddings",
                                                #"{"input": \#(literal(texts[1])), "encoding_format": "base64"}"#)
            let item = try #require(((encoded.json as? [String: Any])?["data"] as? [[String: Any]])?.first)
            let text = try #require(item["embedding"] as? String)
            let bytes = try #require(Data(base64Encoded: text))
            let floats = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            #expect(floats == Array(expected[1]))
            let tei = try await client.post("/embed", #"{"inputs": \#(literal(texts[0]))}"#)
            let rows = try #require(tei.json as? [[Double]])
            #expect(rows.first?.map { Float($0) } == Array(expected[0]))
        }
    }

    @Test func badRequestsGetErrorsInTheirAPIsShape() async throws {
        var options = ServerOptions(threads: 2)
        options.maxBodyBytes = 4096
        options.maxInputsPerRequest = 3
        try await ServerFixtures.withClient(try ServerFixtures.resources(options)) { client in
            let malformed = try await client.post("/v1/embeddings", #"{"input": [1, 2"#)
            #expect(malformed.status == 400)
            #expect(openAIMessage(malformed.json)?.contains("not valid JSON") == true)
            let wrongType = try await client.post("/v1/embeddings", #"{"input": 5}"#)
            #expect(wrongType.status == 422)
            let dimensions = try await client.post("/v1/embeddings", #"{"input": "x", "dimensions": 256}"#)
            #expect(dimensions.status == 422 && openAIMessage(dimensions.json)?.contains("dimensions") == true)
            let model = try await client.post("/v1/embeddings", #"{"input": "x", "model": "text-embedding-3-small"}"#)
            #expect(model.status == 404)
            let many = try await client.post("/v1/embeddings", #"{"input": ["a", "b", "c", "d"]}"#)
            #expect(many.status == 413)
            let big = try await client.post("/v1/embeddings", #"{"input": "\#(String(repeating: "word ", count: 2000))"}"#)
            #expect(big.status == 413)
            let invalidUTF8 = try await client.execute(uri: "/v1/embeddings", method: .post,
                                                       body: ByteBuffer(bytes: Array(#"{"input": ""#.utf8) + [0xFF, 0x22, 0x7D])) { $0 }
            #expect(invalidUTF8.status == .badRequest)
            let tei = try await client.post("/embed", #"{"inputs": 3}"#)
            #expect(tei.status == 422)
            #expect((tei.json as? [String: Any])?["error_type"] as? String == "Validation")
            let long = try await client.post("/embed", #"{"inputs": "\#(String(repeating: "w ", count: 600))"}"#)
            #expect(long.status == 413)
            let cut = try await client.post("/embed", #"{"inputs": "\#(String(repeating: "w ", count: 600))", "truncate": true}"#)
            #expect(cut.status == 200)
            let cohere = try await client.post("/v1/rerank", #"{"query": "q"}"#)
            #expect(cohere.status == 422 && (cohere.json as? [String: Any])?["message"] is String)
            let route = try await client.get("/nope")
            #expect(route.status == 404 && openAIMessage(route.json) != nil)
            let index = try await client.post("/v1/search", #"{"index": "other", "query": "q"}"#)
            #expect(index.status == 404)
        }
    }

    @Test func apiKeyGuardsEveryRouteButHealth() async throws {
        try await ServerFixtures.withClient(try ServerFixtures.resources(ServerOptions(apiKey: "secret", threads: 2))) { client in
            let health = try await client.get("/health").status
            let none = try await client.get("/v1/models").status
            let wrong = try await client.get("/v1/models", headers: [.authorization: "Bearer wrong"]).status
            let right = try await client.get("/v1/models", headers: [.authorization: "Bearer secret"]).status
            let post = try await client.post("/v1/embeddings", #"{"input": "x"}"#).status
            let allRight: Bool = [health, none, wrong, right, post] == [200, 401, 401, 200, 401]
            #expect(allRight)
        }
    }

    @Test func searchGivesTheIndexDirectorysHitsAndRerankOrdersByCosine() async throws {
        let query = "Vitamin D deficiency and multiple sclerosis"
        let direct = try IndexDirectory.open(ServerFixtures.index).search(query, k: 5, retriever: .bm25)
        try await ServerFixtures.withClient(try ServerFixtures.resources()) { client in
            for retriever in ["bm25", "dense", "hybrid"] {
                let answer = try await client.post("/v1/search", #"{"query": \#(literal(query)), "k": 5, "retriever": "\#(retriever)"}"#)
                #expect(answer.status == 200)
                let results = try #require((answer.json as? [String: Any])?["results"] as? [[String: Any]])
                #expect(results.count == 5)
                if retriever == "bm25" { #expect(results.map { $0["id"] as? String } == direct.map(\.id)) }
                #expect(results.allSatisfy { $0["text"] is String })
            }
            let splade = try await client.post("/v1/search", #"{"query": "q", "retriever": "splade"}"#).status
            let rerankWithoutLLM = try await client.post("/v1/search", #"{"query": "q", "rerank": true}"#).status
            #expect(splade == 422 && rerankWithoutLLM == 422)
            let rerank = try await client.post("/v1/rerank", #"{"query": "cats", "documents": ["stock prices fell", {"text": "a cat purrs"}], "top_n": 1, "return_documents": true}"#)
            let object = try #require(rerank.json as? [String: Any])
            #expect(object["model"] as? String == "embedding:all-MiniLM-L6-v2")
            let results = try #require(object["results"] as? [[String: Any]])
            #expect(results.count == 1 && results[0]["index"] as? Int == 1)
            let tei = try await client.post("/rerank", #"{"query": "cats", "texts": ["stock prices fell", "a cat purrs"], "return_text": true}"#)
            let list = try #require(tei.json as? [[String: Any]])
            #expect(list.map { $0["index"] as? Int } == [1, 0] && list[0]["text"] as? String == "a cat purrs")
        }
    }

    @Test func documentsAreUpsertedAndDeletedThroughTheWriterLock() async throws {
        let url = try ServerFixtures.buildIndex(8)
        try await ServerFixtures.withClient(try ServerFixtures.resources(index: url)) { client in
            let added = try await client.post("/v1/indexes/scifact/documents",
                                              #"{"documents": [{"id": "new-1", "text": "zygomorphic orchids of Madagascar"}]}"#)
            #expect(added.status == 200 && (added.json as? [String: Any])?["documents"] as? Int == 9)
            let found = try await client.post("/v1/search", #"{"query": "zygomorphic orchids", "k": 1}"#)
            #expect(((found.json as? [String: Any])?["results"] as? [[String: Any]])?.first?["id"] as? String == "new-1")
            let again = try await client.post("/v1/indexes/scifact/documents",
                                              #"{"mode": "add", "documents": [{"id": "new-1", "text": "x"}]}"#)
            #expect(again.status == 409)
            let unknown = try await client.post("/v1/indexes/scifact/documents", #"{"ids": ["nope"]}"#, method: .delete)
            #expect(unknown.status == 404)
            let deleted = try await client.post("/v1/indexes/scifact/documents", #"{"ids": ["new-1"]}"#, method: .delete)
            #expect(deleted.status == 200 && (deleted.json as? [String: Any])?["documents"] as? Int == 8)
        }
        let reopened = try IndexDirectory.open(url)
        #expect(reopened.manifest.documentCount == 8)
    }

    @Test func concurrentRequestsShareBatchesAndAFullQueueAnswers429ThenRecovers() async throws {
        var options = ServerOptions(threads: 2)
        options.maxQueuedInputs = 8
        let resources = try ServerFixtures.resources(options)
        let expected = try ServerFixtures.model.embedder.embed(["passage number 7"], kind: .document)
        try await ServerFixtures.withClient(resources) { client in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<24 {
                    group.addTask {
                        let texts = (0..<4).map { #""passage number \#(i + $0)""# }.joined(separator: ", ")
                        return try await client.post("/v1/embeddings", #"{"input": [\#(texts)]}"#).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 429 })
            #expect(statuses.contains(200))
            let after = try await client.post("/v1/embeddings", #"{"input": "passage number 7"}"#)
            #expect(after.status == 200)
            let vector = (((after.json as? [String: Any])?["data"] as? [[String: Any]])?.first?["embedding"] as? [Double])?.map { Float($0) }
            #expect(vector == Array(expected[0]))
            let metrics = try await client.get("/metrics")
            #expect(metrics.text.contains("reasonir_http_requests_total"))
            #expect(metrics.text.contains("reasonir_embedding_batches_total"))
        }
    }

    @Test func openAPIDocumentListsExactlyTheRoutes() async throws {
        try await ServerFixtures.withClient(try ServerFixtures.resources()) { client in
            let fetched = try await client.get("/openapi.json")
            let document = try #require(fetched.json as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let listed = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
            #expect(listed == Set(ReasonIRServer.routes.map { "\($0.method) \($0.path)" }))
            // Every listed route is served: none answers "no route".
            for route in ReasonIRServer.routes {
                let uri = route.path.replacingOccurrences(of: "{name}", with: "scifact")
                let answer = try await client.post(uri, "{}", method: HTTPRequest.Method(route.method)!)
                #expect(!(openAIMessage(answer.json)?.hasPrefix("no route") ?? false), "\(route)")
            }
        }
    }
}
