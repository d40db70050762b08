import Foundation
import Hummingbird
import ReasonIR

/// `POST /v1/search` over a served index, and adding, replacing and deleting its documents.
struct SearchRoutes {
    let resources: ServerResources

    func add<Context: RequestContext>(to router: Router<Context>) {
        router.post("/v1/search") { request, _ in try await search(request) }
        router.post("/v1/indexes/:name/documents") { request, context in
            try await addDocuments(request, name: context.parameters.get("name") ?? "")
        }
        router.delete("/v1/indexes/:name/documents") { request, context in
            try await deleteDocuments(request, name: context.parameters.get("name") ?? "")
        }
    }

    /// `index` (default: the first), `query`, `k`, `retriever` (bm25, dense, hybrid), `rewrite`
    /// (the LLM rewrites the query first, as BRIGHT's reasoning queries), `rerank` (the LLM
    /// reranks the hits with ReasonIR's prompt) → `{index, query, retriever, results: [{rank, id, score, text}]}`.
    func search(_ request: Request) async throws -> Response {
        let body = try await RequestJSON.read(request, limit: resources.options.maxBodyBytes)
        let index = try resources.index(named: try body.string("index"))
        let query = try body.required("query").asString()
        let k = try body.int("k", min: 1, max: 1000) ?? 10
        let retrieverName = try body.string("retriever") ?? "bm25"
        guard let kind = IndexDirectory.RetrieverKind(rawValue: retrieverName) else {
            throw APIError(.unprocessable, "`retriever` must be bm25, dense or hybrid, not `\(retrieverName)`", parameter: "retriever")
        }
        let rewrite = try body.bool("rewrite") ?? false
        let rerank = try body.bool("rerank") ?? false
        if (rewrite || rerank) && resources.llm == nil {
            throw APIError(.unprocessable, "`rewrite` and `rerank` need a language model: start the server with --llm FILE.gguf",
                           parameter: rewrite ? "rewrite" : "rerank")
        }
        var searched = query
        if rewrite, let llm = resources.llm {
            searched = try await resources.generations.run { try await QueryRewriter(model: llm).rewrite(query) }
        }
        let (retriever, state) = try index.retriever(kind)
        let text = searched
        var hits = try await resources.searches.run {
            try await offPool { try retriever.retrieve([text], k: k, excluding: nil, progress: SilentProgress()).first ?? [] }
        }
        if rerank, let llm = resources.llm {
            let documents = state.documents
            let reranker = LLMReranker(model: .raw(llm), prompt: .general, depth: k, maxConcurrentCalls: 1)
            hits = try await resources.generations.run {
                try await reranker.rerank(query: query, ranking: hits, documentText: { documents.document(id: $0)?.text })
            }
        }
        var members: [(String, JSONOut)] = [("index", .string(index.name)), ("query", .string(query)),
                                            ("retriever", .string(kind.rawValue))]
        if rewrite { members.append(("rewritten_query", .string(searched))) }
        members.append(("results", .array(hits.enumerated().map { rank, hit in
            .object([("rank", .int(rank + 1)), ("id", .string(hit.id)), ("score", .double(hit.score)),
                     ("text", state.documents.document(id: hit.id).map { .string($0.text) } ?? .null)])
        })))
        return .json(.object(members))
    }

    /// `documents: [{id, text}]`, `mode` upsert (default: replaces documents with the same id) or
    /// add (an id already there is a 409) → `{index, documents, added}`.
    func addDocuments(_ request: Request, name: String) async throws -> Response {
        let index = try resources.index(named: name)
        let body = try await RequestJSON.read(request, limit: resources.options.maxBodyBytes)
        let items = try body.required("documents").asArray()
        if items.isEmpty { throw APIError(.unprocessable, "`documents` is an empty list", parameter: "documents") }
        if items.count > resources.options.maxInputsPerRequest {
            throw APIError(.tooLarge, "`documents` has \(items.count) items, more than the limit of "
                               + "\(resources.options.maxInputsPerRequest) per request", parameter: "documents")
        }
        let documents = try items.map { Document(id: try $0.required("id").asString(), text: try $0.required("text").asString()) }
        let mode = try body.string("mode") ?? "upsert"
        guard mode == "upsert" || mode == "add" else {
            throw APIError(.unprocessable, "`mode` must be upsert or add, not `\(mode)`", parameter: "mode")
        }
        let model = resources.embedding?.model
        let updated = try await mapping {
            try await index.update { current in
                let own = model.flatMap { current.manifest.model == $0.identity ? $0 : nil }
                return mode == "add" ? try current.add(documents, model: own, waitForWriter: 60)
                    : try current.upsert(documents, model: own, waitForWriter: 60)
            }
        }
        return .json(.object([("index", .string(index.name)), ("documents", .int(updated.manifest.documentCount)),
                              ("written", .int(documents.count))]))
    }

    /// `ids: [...]` → `{index, documents, deleted}`; an unknown id is a 404 and nothing changes.
    func deleteDocuments(_ request: Request, name: String) async throws -> Response {
        let index = try resources.index(named: name)
        let body = try await RequestJSON.read(request, limit: resources.options.maxBodyBytes)
        let ids = try body.required("ids").asStrings()
        if ids.isEmpty { throw APIError(.unprocessable, "`ids` is an empty list", parameter: "ids") }
        let updated = try await mapping { try await index.update { try $0.delete(ids: ids, waitForWriter: 60) } }
        return .json(.object([("index", .string(index.name)), ("documents", .int(updated.manifest.documentCount)),
                              ("deleted", .int(ids.count))]))
    }

    /// Collection errors as the client's mistakes they are.
    private func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CollectionError {
            switch error {
            case .duplicateDocumentID(let id):
                throw APIError(.conflict, "document `\(id)` is already in the index (use mode upsert to replace it)", parameter: "documents")
            case .unknownDocumentID(let id):
                throw APIError(.notFound, "document `\(id)` is not in the index", parameter: "ids")
            default:
                throw APIError(.server, "\(error)")
            }
        }
    }
}

/// Runs blocking work (a search) on a Dispatch thread, not one of Swift's few cooperative ones.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
