import Foundation
import Hummingbird
import Logging

/// The outermost layer: gives each request an id (`X-Request-Id`), turns every error into a JSON
/// body in the style of the route's API, records the request's
/// metrics and writes one log line (id, method, route, status, milliseconds).
struct RequestHandlingMiddleware<Context: RequestContext>: RouterMiddleware {
    let resources: ServerResources

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let style = ErrorStyle.forPath(request.uri.path)
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = error.response(style: style)
        } catch let error as HTTPError {
            let kind: APIError.Kind = switch error.status.code {
            case 404: .notFound
            case 405: .invalidRequest
            case 413: .tooLarge
            case 400..<500: .invalidRequest
            default: .server
            }
            let message = error.status.code == 404
                ? "no route \(request.method) \(request.uri.path)" : (error.body ?? error.status.reasonPhrase)
            response = APIError(kind, message).response(style: style)
            if error.status.code == 405 || (error.status.code == 404 && Self.isKnownPath(request.uri.path)) {
                response = APIError(.invalidRequest, "\(request.method) is not allowed on \(request.uri.path)").response(style: style)
                response.status = .methodNotAllowed
                response.headers[.allow] = Self.methods(for: request.uri.path).joined(separator: ", ")
            }
        } catch is CancellationError {
            response = APIError(.unavailable, "the request was cancelled").response(style: style)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            response = APIError(.server, "internal error: \(error)").response(style: style)
        }
        let id = context.id
        response.headers[.init("X-Request-Id")!] = id
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath ?? "unmatched"
        resources.metrics.recordRequest(route: route, method: request.method.rawValue, status: Int(response.status.code), seconds: seconds)
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue), "route": .string(route), "path": .string(request.uri.path),
            "status": .stringConvertible(Int(response.status.code)), "ms": .string(String(format: "%.2f", seconds * 1000)),
        ])
        return response
    }

    /// Whether `path` is one of the routes (with some method): a wrong method there is a 405.
    static func isKnownPath(_ path: String) -> Bool { !methods(for: path).isEmpty }

    /// The methods the routes serve at `path` (the `Allow` header of a 405).
    static func methods(for path: String) -> [String] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return ReasonIRServer.routes.filter { route in
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == parts.count && zip(pattern, parts).allSatisfy { $0 == $1 || $0.hasPrefix("{") }
        }.map(\.method)
    }
}

/// With an API key set, every route but `/health` needs `Authorization: Bearer <key>` (compared
/// in constant time); 401 otherwise.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: [UInt8]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == "/health" { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        guard header.hasPrefix(prefix), constantTimeEqual(Array(header.utf8.dropFirst(prefix.utf8.count)), key) else {
            throw APIError(.unauthorized, header.isEmpty ? "missing `Authorization: Bearer <key>`" : "invalid API key")
        }
        return try await next(request, context)
    }
}

/// Equal bytes, in a time that depends on the lengths only.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
    for i in 0..<max(a.count, b.count) {
        difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
    }
    return difference == 0
}
