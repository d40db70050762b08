import Foundation
import Hummingbird

/// `GET /health`, `GET /v1/models`, `GET /metrics` and `GET /openapi.json`.
struct InfoRoutes {
    let resources: ServerResources

    func add(to router: Router<some RequestContext>) {
        router.get("/health") { _, _ in health() }
        router.get("/v1/models") { _, _ in models() }
        router.get("/metrics") { _, _ in metrics() }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
    }

    func health() -> Response {
        var members: [(String, JSONOut)] = [("status", .string("ok"))]
        members.append(("embedding_model", resources.embedding.map { .string($0.name) } ?? .null))
        members.append(("llm", resources.llm.map { .string($0.name) } ?? .null))
        members.append(("indexes", .array(resources.indexOrder.map { name in
            .object([("name", .string(name)), ("documents", .int(resources.indexes[name]?.directory.manifest.documentCount ?? 0))])
        })))
        return .json(.object(members))
    }

    /// OpenAI's model list: the embedding model and the language model, by the names requests use.
    func models() -> Response {
        var data: [JSONOut] = []
        func model(_ id: String, kind: String) -> JSONOut {
            .object([("id", .string(id)), ("object", .string("model")), ("created", .int(0)), ("owned_by", .string("reasonir")),
                     ("type", .string(kind))])
        }
        if let embedding = resources.embedding { data.append(model(embedding.name, kind: "embedding")) }
        if let llm = resources.llm { data.append(model(llm.name, kind: "llm")) }
        return .json(.object([("object", .string("list")), ("data", .array(data))]))
    }

    func metrics() -> Response {
        resources.metrics.setGauge("reasonir_embedding_queue_inputs", resources.embedding?.batcher.depth ?? 0)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: resources.metrics.exposition())))
    }
}
