/// The JSON of the OpenAI chat-completions, completions and embeddings APIs, as far as this
/// client uses it.
enum OpenAIWire {
    /// A request of `/v1/chat/completions` (`messages`) or `/v1/completions` (`prompt`): the
    /// same settings either way. Nil fields are left out, so a chat request encodes to the same
    /// bytes as before `prompt` existed and keeps its cache key.
    struct GenerationRequest: Encodable {
        var model: String?
        var messages: [ChatMessage]?
        var prompt: String?
        var temperature: Double?
        var top_p: Double?
        var max_tokens: Int?
        var seed: Int?
        var stop: [String]?
        var stream: Bool?
        var response_format: ResponseFormat?

        init(model: String?, messages: [ChatMessage]? = nil, prompt: String? = nil, options: ChatOptions, stream: Bool) {
            self.model = options.model ?? model
            self.messages = messages
            self.prompt = prompt
            self.temperature = options.temperature
            self.top_p = options.topP
            self.max_tokens = options.maxTokens
            self.seed = options.seed
            self.stop = options.stop.isEmpty ? nil : options.stop
            self.stream = stream ? true : nil
            self.response_format = options.responseFormat
        }
    }

    struct Usage: Codable {
        var prompt_tokens: Int?
        var completion_tokens: Int?
    }

    struct ErrorBody: Codable {
        var message: String?
        var type: String?
        var code: Int?
    }

    /// `{"error": …}`: OpenAI sends an object, some servers a bare string.
    enum ErrorField: Decodable {
        case object(ErrorBody)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .object(try container.decode(ErrorBody.self))
            }
        }

        var message: String {
            switch self {
            case .text(let text): return text
            case .object(let body): return body.message ?? body.type ?? "unknown error"
            }
        }
    }

    struct ChatResponse: Codable {
        struct Choice: Codable {
            struct Message: Codable {
                var role: String?
                var content: String?
            }
            var index: Int?
            /// A chat completion's answer.
            var message: Message?
            /// A text completion's answer (`/v1/completions`).
            var text: String?
            var finish_reason: String?
        }
        var id: String?
        var object: String?
        var model: String?
        var choices: [Choice]?
        var usage: Usage?
    }

    struct ErrorEnvelope: Decodable {
        var error: ErrorField?
    }

    struct StreamChunk: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable {
                var content: String?
            }
            var delta: Delta?
            var finish_reason: String?
        }
        var model: String?
        var choices: [Choice]?
        var usage: Usage?
        var error: ErrorField?
    }

    struct EmbeddingRequest: Encodable {
        var model: String?
        var input: [String]
    }

    struct EmbeddingResponse: Decodable {
        struct Item: Decodable {
            var index: Int?
            var embedding: [Float]
        }
        var data: [Item]
        /// The model that answered, when the server says (OpenAI, vLLM and TEI do).
        var model: String?
    }
}
