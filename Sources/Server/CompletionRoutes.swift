import Foundation
import Hummingbird
import ReasonIR

/// `POST /v1/chat/completions` and `POST /v1/completions` from the local Llama engine, whole or
/// streamed as server-sent events (`stream: true`), in OpenAI's shapes.
///
/// Unset sampling settings take llama.cpp's server defaults (`LocalModelCompletions`), so a
/// client gets the same answers here as from llama.cpp given the same model file; greedy decoding
/// is `temperature: 0`. `response_format` is accepted but not enforced (the engine has no
/// grammar): answers are whatever the model writes.
struct CompletionRoutes {
    let resources: ServerResources

    func add(to router: Router<some RequestContext>) {
        router.post("/v1/chat/completions") { request, _ in try await generate(request, chat: true) }
        router.post("/v1/completions") { request, _ in try await generate(request, chat: false) }
    }

    private struct Parsed {
        var prompt: String
        var options: ChatOptions
        var stream: Bool
        var includeUsage: Bool
    }

    private func parse(_ body: RequestJSON, chat: Bool, llm: LocalLanguageModel) throws -> Parsed {
        var options = ChatOptions()
        options.temperature = try body.double("temperature")
        if let t = options.temperature, t < 0 || t > 2 {
            throw APIError(.unprocessable, "`temperature` must be between 0 and 2, not \(t)", parameter: "temperature")
        }
        options.topP = try body.double("top_p")
        if let p = options.topP, p <= 0 || p > 1 {
            throw APIError(.unprocessable, "`top_p` must be in (0, 1], not \(p)", parameter: "top_p")
        }
        options.maxTokens = try body.int("max_completion_tokens", min: 1) ?? body.int("max_tokens", min: 1)
        options.seed = try body.int("seed")
        if let stop = body["stop"] {
            options.stop = try stop.string.map { [$0] } ?? stop.asStrings()
        }
        if let n = try body.int("n"), n != 1 {
            throw APIError(.unprocessable, "`n` must be 1: the engine makes one answer per request", parameter: "n")
        }
        let stream = try body.bool("stream") ?? false
        let includeUsage = try body["stream_options"]?.bool("include_usage") ?? false
        let prompt: String
        if chat {
            let items = try body.required("messages").asArray()
            if items.isEmpty { throw APIError(.unprocessable, "`messages` is an empty list", parameter: "messages") }
            let messages = try items.map { item -> ChatMessage in
                let roleName = try item.required("role").asString()
                let role: ChatMessage.Role
                switch roleName {
                case "system", "developer": role = .system
                case "user": role = .user
                case "assistant": role = .assistant
                default:
                    throw APIError(.unprocessable, "`\(item.path).role` must be system, developer, user or assistant, not `\(roleName)`",
                                   parameter: "messages")
                }
                return ChatMessage(role: role, content: try content(item.required("content")))
            }
            do {
                prompt = try llm.chatPrompt(messages)
            } catch {
                throw APIError(.unprocessable, "\(error)", parameter: "messages")
            }
        } else {
            let field = try body.required("prompt")
            if let text = field.string {
                prompt = text
            } else {
                let texts = try field.asStrings()
                guard texts.count == 1 else {
                    throw APIError(.unprocessable, "`prompt` must be one string (or a list of one)", parameter: "prompt")
                }
                prompt = texts[0]
            }
        }
        let limit = llm.generator.contextLength
        let length = llm.tokenizer.encode(prompt, addSpecial: true, parseSpecial: true).count
        if length >= limit {
            throw APIError(.tooLarge, "the prompt has \(length) tokens, more than the context of \(limit) leaves room for",
                           parameter: chat ? "messages" : "prompt")
        }
        return Parsed(prompt: prompt, options: options, stream: stream, includeUsage: includeUsage)
    }

    /// A message's `content`: a string, or a list of `{type: text, text}` parts, joined.
    private func content(_ field: RequestJSON) throws -> String {
        if let text = field.string { return text }
        return try field.asArray().map { part -> String in
            let type = try part.string("type") ?? "text"
            guard type == "text" else {
                throw APIError(.unprocessable, "`\(part.path).type` `\(type)` is not supported: only text parts", parameter: "messages")
            }
            return try part.required("text").asString()
        }.joined()
    }

    func generate(_ request: Request, chat: Bool) async throws -> Response {
        let body = try await RequestJSON.read(request, limit: resources.options.maxBodyBytes)
        let llm = try resources.languageModel(requested: try body.string("model"))
        let parsed = try parse(body, chat: chat, llm: llm)
        let id = (chat ? "chatcmpl-" : "cmpl-") + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let created = Int(Date().timeIntervalSince1970)
        let object = chat ? "chat.completion" : "text_completion"
        if !parsed.stream {
            let completion = try await resources.generations.run {
                try await llm.complete(prompt: parsed.prompt, options: parsed.options)
            }
            record(completion)
            let choice: JSONOut = chat
                ? .object([("index", .int(0)), ("message", .object([("role", .string("assistant")), ("content", .string(completion.content))])),
                           ("logprobs", .null), ("finish_reason", .string(completion.finishReason ?? "stop"))])
                : .object([("index", .int(0)), ("text", .string(completion.content)), ("logprobs", .null),
                           ("finish_reason", .string(completion.finishReason ?? "stop"))])
            return .json(.object([("id", .string(id)), ("object", .string(object)), ("created", .int(created)),
                                  ("model", .string(llm.name)), ("choices", .array([choice])), ("usage", usage(completion))]))
        }
        return try stream(parsed, llm: llm, chat: chat, id: id, created: created)
    }

    private func usage(_ completion: ChatCompletion) -> JSONOut {
        let prompt = completion.usage?.promptTokens ?? 0, generated = completion.usage?.completionTokens ?? 0
        return .object([("prompt_tokens", .int(prompt)), ("completion_tokens", .int(generated)), ("total_tokens", .int(prompt + generated))])
    }

    private func record(_ completion: ChatCompletion) {
        resources.metrics.recordGeneration(promptTokens: completion.usage?.promptTokens ?? 0,
                                           completionTokens: completion.usage?.completionTokens ?? 0)
    }

    /// Streams the answer: a chunk per piece of text, one with the finish reason, the usage when
    /// asked (`stream_options.include_usage`), then `data: [DONE]`. A client that goes away
    /// cancels generation at the next token.
    private func stream(_ parsed: Parsed, llm: LocalLanguageModel, chat: Bool, id: String, created: Int) throws -> Response {
        let object = chat ? "chat.completion.chunk" : "text_completion"
        let resources = self.resources
        @Sendable func chunk(_ choice: [(String, JSONOut)], usage: JSONOut? = nil) -> ByteBuffer {
            var members: [(String, JSONOut)] = [("id", .string(id)), ("object", .string(object)), ("created", .int(created)),
                                                ("model", .string(llm.name)), ("choices", .array(choice.isEmpty ? [] : [.object(choice)]))]
            if let usage { members.append(("usage", usage)) }
            return ByteBuffer(string: "data: " + JSONOut.object(members).text + "\n\n")
        }
        @Sendable func piece(_ text: String) -> [(String, JSONOut)] {
            chat ? [("index", .int(0)), ("delta", .object([("content", .string(text))])), ("logprobs", .null), ("finish_reason", .null)]
                : [("index", .int(0)), ("text", .string(text)), ("logprobs", .null), ("finish_reason", .null)]
        }
        // The generation starts now (its place in the queue taken before the 200 goes out) and
        // feeds the body as it runs; it ends on its own if the body is never written.
        try resources.generations.enter()
        let (pieces, continuation) = AsyncStream.makeStream(of: String.self)
        let generation = Task {
            defer {
                continuation.finish()
                resources.generations.leave()
            }
            return try await llm.complete(prompt: parsed.prompt, options: parsed.options) { continuation.yield($0) }
        }
        let body = ResponseBody { writer in
            do {
                if chat {
                    try await writer.write(chunk([("index", .int(0)), ("delta", .object([("role", .string("assistant")), ("content", .string(""))])),
                                                  ("logprobs", .null), ("finish_reason", .null)]))
                }
                for await text in pieces { try await writer.write(chunk(piece(text))) }
                let completion = try await generation.value
                record(completion)
                var last = piece("")
                last[last.count - 1] = ("finish_reason", .string(completion.finishReason ?? "stop"))
                try await writer.write(chunk(last))
                if parsed.includeUsage { try await writer.write(chunk([], usage: usage(completion))) }
            } catch let error as APIError {
                generation.cancel()
                try await writer.write(ByteBuffer(string: "data: " + JSONOut.object([("error", .object([
                    ("message", .string(error.message)), ("type", .string(error.openAIType)), ("code", .int(Int(error.status.code))),
                ]))]).text + "\n\n"))
            } catch {
                generation.cancel()
                throw error
            }
            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
