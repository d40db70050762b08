import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Testing
import TestSupport

/// Real answers of the routes fit the response schemas `/openapi.json` declares (a small
/// validator: $ref, type, const, enum, required, properties, items, oneOf as any-of).
@Suite(.enabled(if: ServerFixtures.hasData, "needs all-MiniLM-L6-v2 and shared/data/scifact"))
struct OpenAPIConformanceTests {
    private func violations(_ value: Any, _ schema: [String: Any], root: [String: Any], at path: String) -> [String] {
        if let ref = schema["$ref"] as? String {
            var node: Any = root
            for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] ?? [:] }
            return violations(value, node as? [String: Any] ?? [:], root: root, at: path)
        }
        if let options = schema["oneOf"] as? [[String: Any]] {
            return options.contains { violations(value, $0, root: root, at: path).isEmpty } ? [] : ["\(path): no oneOf matches"]
        }
        if let constant = schema["const"] {
            return "\(constant)" == "\(value)" ? [] : ["\(path): \(value) is not \(constant)"]
        }
        var found: [String] = []
        if let type = schema["type"] {
            let types = (type as? [String]) ?? [type as? String ?? ""]
            let actual: String
            switch value {
            case is NSNull: actual = "null"
            case let number as NSNumber where String(cString: number.objCType) == "c": actual = "boolean"
            case let number as NSNumber: actual = number.doubleValue == number.doubleValue.rounded() ? "integer" : "number"
            case is String: actual = "string"
            case is [Any]: actual = "array"
            case is [String: Any]: actual = "object"
            default: actual = "unknown"
            }
            if !types.contains(actual) && !(actual == "integer" && types.contains("number")) {
                return ["\(path): \(actual), expected \(types)"]
            }
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { found.append("\(path).\(key) missing") }
            for (key, sub) in schema["properties"] as? [String: [String: Any]] ?? [:] {
                if let member = object[key] { found += violations(member, sub, root: root, at: "\(path).\(key)") }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, item) in array.enumerated() { found += violations(item, items, root: root, at: "\(path)[\(i)]") }
        }
        return found
    }

    @Test func answersFitTheirDeclaredSchemas() async throws {
        try await ServerFixtures.withClient(try ServerFixtures.resources()) { client in
            let fetched = try await client.get("/openapi.json")
            let document = try #require(fetched.json as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            let calls: [(String, String, String?, Int)] = [
                ("get", "/health", nil, 200), ("get", "/v1/models", nil, 200),
                ("post", "/v1/embeddings", #"{"input": ["a", "b"]}"#, 200),
                ("post", "/v1/embeddings", #"{"input": [[101, 102]], "encoding_format": "base64"}"#, 200),
                ("post", "/embed", #"{"inputs": "a"}"#, 200),
                ("post", "/rerank", #"{"query": "q", "texts": ["a", "b"]}"#, 200),
                ("post", "/v1/rerank", #"{"query": "q", "documents": ["a"], "return_documents": true}"#, 200),
                ("post", "/v1/search", #"{"query": "vitamin D", "k": 3, "retriever": "hybrid"}"#, 200),
                ("post", "/v1/embeddings", #"{"input": 3}"#, 422), ("post", "/embed", #"{"inputs": 3}"#, 422),
                ("post", "/v1/rerank", #"{"query": 3}"#, 422), ("post", "/v1/chat/completions", #"{"messages": []}"#, 404),
            ]
            for (method, path, body, status) in calls {
                let answer = body.map { b in { try await client.post(path, b) } } ?? { try await client.get(path) }
                let (got, json, _, text) = try await answer()
                #expect(got == status, "\(method) \(path): \(got) \(text.prefix(200))")
                let operation = try #require(paths[path]?[method])
                let responses = try #require(operation["responses"] as? [String: [String: Any]])
                var response = try #require(responses[String(status)], "\(path) declares no \(status)")
                if let ref = response["$ref"] as? String {
                    response = ((document["components"] as? [String: Any])?["responses"] as? [String: Any])?[String(ref.split(separator: "/").last!)] as? [String: Any] ?? [:]
                }
                let schema = try #require(((response["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any])
                let problems = violations(try #require(json), schema, root: document, at: "\(method) \(path)")
                #expect(problems.isEmpty, "\(problems)")
            }
        }
    }
}
