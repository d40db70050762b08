import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// `reasonir serve`: one HTTP server for the embedding model, the index directories and the local
/// language model, with the request and response shapes of the APIs clients already call
/// (OpenAI, text-embeddings-inference, Cohere/Jina) and our own search routes.
public enum ReasonIRServer {
    /// Every route, as `/openapi.json` lists them (a test keeps the two equal).
    public static let routes: [(method: String, path: String)] = [
        ("GET", "/health"), ("GET", "/v1/models"), ("GET", "/metrics"), ("GET", "/openapi.json"),
        ("POST", "/v1/embeddings"), ("POST", "/embed"), ("POST", "/rerank"), ("POST", "/v1/rerank"),
        ("POST", "/v1/search"), ("POST", "/v1/indexes/{name}/documents"), ("DELETE", "/v1/indexes/{name}/documents"),
        ("POST", "/v1/chat/completions"), ("POST", "/v1/completions"),
    ]

    /// The router with every route and the middleware (errors, logs, metrics, timeout, API key).
    public static func router(_ resources: ServerResources) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestHandlingMiddleware(resources: resources))
        if let key = resources.options.apiKey, !key.isEmpty {
            router.add(middleware: APIKeyMiddleware(key: Array(key.utf8)))
        }
        InfoRoutes(resources: resources).add(to: router)
        EmbeddingRoutes(resources: resources).add(to: router)
        RerankRoutes(resources: resources).add(to: router)
        SearchRoutes(resources: resources).add(to: router)
        CompletionRoutes(resources: resources).add(to: router)
        return router
    }

    /// The application on `options.host:options.port`; `onListening` gets the port bound (the
    /// one picked when the port is 0) once connections are accepted.
    public static func application(_ resources: ServerResources, logger: Logger,
                                   onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }) -> some ApplicationProtocol {
        let host = resources.options.host
        return Application(
            router: router(resources),
            configuration: ApplicationConfiguration(address: .hostname(host, port: resources.options.port), serverName: "reasonir"),
            onServerRunning: { channel in onListening(host, channel.localAddress?.port ?? resources.options.port) },
            logger: logger
        )
    }

    /// Runs until SIGTERM or SIGINT, then stops accepting, lets the requests in flight finish and returns.
    public static func run(_ resources: ServerResources, logger: Logger,
                           onListening: @escaping @Sendable (String, Int) -> Void) async throws {
        try await application(resources, logger: logger, onListening: onListening)
            .runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
