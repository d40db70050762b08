import Foundation
import Hummingbird
import ReasonIR

/// How rerank routes score a document for a query: the LLM with ReasonIR's prompt when one is
/// loaded, else the cosine of the embedding model's vectors.
struct RelevanceScorer {
    let resources: ServerResources

    /// Per document, the score on 0–1 and the raw one (the LLM's 0–5 answer, or the cosine),
    /// with the name of what scored them (`llm:NAME` or `embedding:NAME`).
    func score(query: String, documents: [String]) async throws -> (model: String, scores: [Double], raw: [Double]) {
        if let llm = resources.llm {
            let reranker = LLMReranker(model: .raw(llm), prompt: .general)
            let scores = try await resources.generations.run {
                var scores: [Double] = []
                for document in documents {
                    try Task.checkCancellation()
                    scores.append(try await reranker.score(query: query, document: document))
                }
                return scores
            }
            return ("llm:\(llm.name)", scores, scores.map { $0 * 5 })
        }
        let service = try resources.embeddingModel(requested: nil)
        let sequences = try [service.tokenize(query, truncate: true, field: "query")]
            + documents.enumerated().map { try service.tokenize($1, truncate: true, field: "documents[\($0)]") }
        let vectors = try await service.embed(sequences)
        let q = vectors[0]
        let cosines = (1..<vectors.count).map { row in Double(zip(q, vectors[row]).reduce(Float(0)) { $0 + $1.0 * $1.1 }) }
        return ("embedding:\(service.name)", cosines.map { ($0 + 1) / 2 }, cosines)
    }
}

/// `POST /rerank` (text-embeddings-inference) and `POST /v1/rerank` (Cohere and Jina).
struct RerankRoutes {
    let resources: ServerResources

    func add(to router: Router<some RequestContext>) {
        router.post("/rerank") { request, _ in try await tei(request) }
        router.post("/v1/rerank") { request, _ in try await cohere(request) }
    }

    private func checkCount(_ count: Int, field: String) throws {
        let limit = resources.options.maxInputsPerRequest
        if count > limit {
            throw APIError(.tooLarge, "`\(field)` has \(count) items, more than the limit of \(limit) per request", parameter: field)
        }
        if count == 0 { throw APIError(.unprocessable, "`\(field)` is an empty list", parameter: field) }
    }

    /// TEI: `query`, `texts`, `raw_scores`, `return_text` → `[{index, score, text?}]`, best first.
    func tei(_ request: Request) async throws -> Response {
        let body = try await RequestJSON.read(request, limit: resources.options.maxBodyBytes)
        let query = try body.required("query").asString()
        let texts = try body.required("texts").asStrings()
        try checkCount(texts.count, field: "texts")
        let raw = try body.bool("raw_scores") ?? false
        let returnText = try body.bool("return_text") ?? false
        _ = try body.bool("truncate")
        let scored = try await RelevanceScorer(resources: resources).score(query: query, documents: texts)
        let values = raw ? scored.raw : scored.scores
        let order = values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
        return .json(.array(order.map { index in
            var members: [(String, JSONOut)] = [("index", .int(index)), ("score", .double(values[index]))]
            if returnText { members.append(("text", .string(texts[index]))) }
            return .object(members)
        }))
    }

    /// Cohere/Jina: `query`, `documents` (strings or `{text}`), `top_n`, `return_documents` →
    /// `{id, results: [{index, relevance_score, document?}], model, meta}`.
    func cohere(_ request: Request) async throws -> Response {
        let body = try await RequestJSON.read(request, limit: resources.options.maxBodyBytes)
        let query = try body.required("query").asString()
        let documents = try body.required("documents").asArray().map { item -> String in
            if let text = item.string { return text }
            guard case .object = item.value else { throw item.wrongType("a string or an object with `text`") }
            return try item.required("text").asString()
        }
        try checkCount(documents.count, field: "documents")
        let topN = try body.int("top_n", min: 1) ?? documents.count
        let returnDocuments = try body.bool("return_documents") ?? false
        if let model = try body.string("model"), !model.isEmpty {
            let served = [resources.llm.map { $0.name }, resources.embedding.map { $0.name }].compactMap { $0 }
            if !served.contains(where: { model == $0 || model.hasSuffix(":" + $0) }) {
                throw APIError(.notFound, "model `\(model)` is not served here (models: \(served.joined(separator: ", ")))",
                               parameter: "model")
            }
        }
        let scored = try await RelevanceScorer(resources: resources).score(query: query, documents: documents)
        let order = scored.scores.indices.sorted {
            scored.scores[$0] != scored.scores[$1] ? scored.scores[$0] > scored.scores[$1] : $0 < $1
        }
        let results: [JSONOut] = order.prefix(topN).map { index in
            var members: [(String, JSONOut)] = [("index", .int(index)), ("relevance_score", .double(scored.scores[index]))]
            if returnDocuments { members.append(("document", .object([("text", .string(documents[index]))]))) }
            return .object(members)
        }
        return .json(.object([
            ("id", .string(UUID().uuidString.lowercased())), ("results", .array(results)), ("model", .string(scored.model)),
            ("meta", .object([("api_version", .object([("version", .string("1"))])),
                              ("billed_units", .object([("search_units", .int(1))]))])),
        ]))
    }
}
