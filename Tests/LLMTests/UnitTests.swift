import Foundation
import Testing
@testable import LLM

@Suite struct SHA256Tests {
    /// FIPS 180-4 example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(input: String, digest: String) {
        #expect(SHA256.hex(Array(input.utf8)) == digest)
    }

    @Test func millionAs() {
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func blockBoundaries() {
        // 55, 56 and 64 bytes: the padding spills into a second block at 56.
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }
}

@Suite struct ServerSentEventTests {
    @Test func splitsEventsAcrossChunksOfAnySize() {
        let body = "data: {\"a\":1}\n\n: keep-alive\n\nevent: message\ndata: two\ndata: lines\n\ndata: [DONE]\n\n"
        for size in [1, 2, 3, 7, body.utf8.count] {
            var parser = ServerSentEventParser()
            var events: [String] = []
            let bytes = Array(body.utf8)
            for start in stride(from: 0, to: bytes.count, by: size) {
                events += parser.feed(bytes[start..<min(start + size, bytes.count)])
            }
            #expect(parser.finish() == nil)
            #expect(events == ["{\"a\":1}", "two\nlines", "[DONE]"], "chunk size \(size)")
        }
    }

    @Test func crlfAndUnterminatedLastEvent() {
        var parser = ServerSentEventParser()
        #expect(parser.feed(Array("data:x\r\n\r\ndata: y\r\n".utf8)) == ["x"])
        #expect(parser.finish() == "y")
    }
}

@Suite struct ConfigurationTests {
    @Test func baseURLGetsV1WhenItHasNoPath() throws {
        #expect(try LLMClientConfiguration(baseURL: "http://127.0.0.1:8080").baseURL.absoluteString == "http://127.0.0.1:8080/v1")
        #expect(try LLMClientConfiguration(baseURL: "http://127.0.0.1:8080/").baseURL.absoluteString == "http://127.0.0.1:8080/v1")
        #expect(try LLMClientConfiguration(baseURL: "http://h:1/v1/").baseURL.absoluteString == "http://h:1/v1")
        #expect(try LLMClientConfiguration(baseURL: "https://api.example.com/openai/v1")
            .endpoint("chat/completions").absoluteString == "https://api.example.com/openai/v1/chat/completions")
    }

    @Test func rejectsWhatIsNotAnHTTPURL() {
        #expect(throws: LLMError.invalidBaseURL("localhost:8080")) { try LLMClientConfiguration(baseURL: "localhost:8080") }
        #expect(throws: LLMError.self) { try LLMClientConfiguration(baseURL: "ftp://h/v1") }
    }

    @Test func argumentsWinOverTheEnvironment() throws {
        let environment = ["OPENAI_BASE_URL": "http://env:1/v1", "OPENAI_API_KEY": "env-key", "REASONIR_LLM_MODEL": "env-model"]
        let fromEnvironment = try LLMClientConfiguration.fromEnvironment(environment: environment)
        #expect(fromEnvironment.baseURL.absoluteString == "http://env:1/v1")
        #expect(fromEnvironment.apiKey == "env-key")
        #expect(fromEnvironment.model == "env-model")
        let fromArguments = try LLMClientConfiguration.fromEnvironment(baseURL: "http://arg:2", model: "m", apiKey: "k",
                                                                      environment: environment)
        #expect(fromArguments.baseURL.absoluteString == "http://arg:2/v1")
        #expect(fromArguments.model == "m")
        #expect(fromArguments.apiKey == "k")
    }

    @Test func missingURLSaysWhatToSet() {
        #expect {
            try LLMClientConfiguration.fromEnvironment(environment: [:])
        } throws: { error in
            "\(error)".contains("OPENAI_BASE_URL") && "\(error)".contains("--llm-url")
        }
    }

    @Test func backoffGrowsAndIsCapped() {
        let policy = RetryPolicy(maxAttempts: 6, initialDelay: .milliseconds(100), multiplier: 2, maxDelay: .milliseconds(500),
                                 jitter: false)
        #expect((1...5).map { policy.delay(afterAttempt: $0) }
            == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(500), .milliseconds(500)])
        #expect(policy.delay(afterAttempt: 1, retryAfter: .milliseconds(300)) == .milliseconds(300))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(60)) == .milliseconds(500))
        let jittered = RetryPolicy(initialDelay: .milliseconds(100), jitter: true).delay(afterAttempt: 2)
        #expect(jittered >= .milliseconds(100) && jittered <= .milliseconds(200))
    }
}

@Suite struct ResponseCacheTests {
    @Test func keyCoversModelPathAndBody() {
        let a = ResponseCache.key(model: "m", path: "/v1/chat/completions", body: Data("{}".utf8))
        #expect(a.count == 64)
        #expect(a != ResponseCache.key(model: "m", path: "/v1/embeddings", body: Data("{}".utf8)))
        #expect(a != ResponseCache.key(model: "m", path: "/v1/chat/completions", body: Data("{ }".utf8)))
        #expect(a != ResponseCache.key(model: "other", path: "/v1/chat/completions", body: Data("{}".utf8)))
    }

    @Test func roundTripAndBrokenEntriesAreDropped() throws {
        let cache = ResponseCache(directory: TestSupport.temporaryDirectory())
        let key = ResponseCache.key(model: "m", path: "/v1/x", body: Data("b".utf8))
        #expect(cache.read(key: key) == nil)
        try cache.write(key: key, path: "/v1/x", response: Data("{\"ok\":true}".utf8))
        #expect(cache.read(key: key) == Data("{\"ok\":true}".utf8))
        #expect(cache.entryCount() == 1)

        // A file cut short (as a disk error would leave it) reads as a miss and is removed.
        let url = cache.url(forKey: key)
        let whole = try Data(contentsOf: url)
        try whole.prefix(whole.count - 3).write(to: url)
        #expect(cache.read(key: key) == nil)
        #expect(!FileManager.default.fileExists(atPath: url.path))

        // A temporary file left by a writer that died is not an entry.
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{\"format\":1".utf8).write(to: url.deletingLastPathComponent().appendingPathComponent(".\(key).dead.tmp"))
        #expect(cache.read(key: key) == nil)
        #expect(cache.entryCount() == 0)
    }

    @Test func defaultDirectoryFollowsREASONIR_CACHE() {
        #expect(ResponseCache.defaultDirectory(environment: ["REASONIR_CACHE": "/tmp/rc"]).path == "/tmp/rc/llm")
    }
}

@Suite struct ErrorDescriptionTests {
    @Test func descriptionsNameURLStatusAndBody() {
        let url = "http://127.0.0.1:9/v1/chat/completions"
        #expect(LLMError.httpStatus(url: url, status: 500, body: "{\"error\":\"boom\"}", attempts: 3).description
            == "POST \(url): HTTP 500 after 3 attempts: {\"error\":\"boom\"}")
        #expect(LLMError.connection(url: url, attempts: 1, reason: "connection refused").description
            == "POST \(url): cannot reach the server (connection refused); is it running?")
        #expect(LLMError.timeout(url: url, seconds: 0.5, attempts: 2).description == "POST \(url): no answer within 0.5s after 2 attempts")
        #expect(LLMError.excerpt(Array(String(repeating: "x", count: 400).utf8)).count == 301)
        #expect(LLMError.excerpt(Array("a\nb".utf8)) == "a b")
    }

    @Test func whatIsRetried() {
        #expect(LLMError.httpStatus(url: "", status: 429, body: "", attempts: 1).isRetryable)
        #expect(LLMError.httpStatus(url: "", status: 503, body: "", attempts: 1).isRetryable)
        #expect(!LLMError.httpStatus(url: "", status: 400, body: "", attempts: 1).isRetryable)
        #expect(!LLMError.malformedResponse(url: "", reason: "", body: "").isRetryable)
        #expect(LLMError.connection(url: "", attempts: 1, reason: "").isRetryable)
    }
}

@Suite struct ResponseFormatTests {
    @Test func aSchemaGoesOutAsOpenAIsResponseFormat() throws {
        let schema = JSONSchema.object(fields: [("query", .string), ("tags", .array(of: .string))])
        let request = OpenAIWire.GenerationRequest(model: nil, messages: [.user("hi")],
                                                   options: ChatOptions(responseFormat: .jsonSchema(name: "pair", schema: schema)),
                                                   stream: false)
        let json = String(decoding: try OpenAICompatibleClient.encode(request), as: UTF8.self)
        #expect(json.contains(#""response_format":{"json_schema":{"name":"pair","schema":{"additionalProperties":false,"#
                              + #""properties":{"query":{"type":"string"},"tags":{"items":{"type":"string"},"type":"array"}},"#
                              + #""required":["query","tags"],"type":"object"},"strict":true},"type":"json_schema"}"#))
        let plain = String(decoding: try OpenAICompatibleClient.encode(
            OpenAIWire.GenerationRequest(model: nil, messages: [.user("hi")], options: ChatOptions(), stream: false)), as: UTF8.self)
        #expect(!plain.contains("response_format"), "no format: the request (and its cache key) is as before")
        // A chat request has no `prompt` field, so its bytes and cache key are those of before text completions.
        #expect(plain == #"{"messages":[{"content":"hi","role":"user"}]}"#)
        let object = String(decoding: try OpenAICompatibleClient.encode(
            OpenAIWire.GenerationRequest(model: nil, messages: [], options: ChatOptions(responseFormat: .jsonObject), stream: false)), as: UTF8.self)
        #expect(object.contains(#""response_format":{"type":"json_object"}"#))
    }
}
