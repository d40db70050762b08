import Foundation

/// One turn of a conversation, as a chat template sees it (any role name).
public struct ChatTurn: Sendable, Equatable, Codable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatTurn { ChatTurn(role: "system", content: content) }
    public static func user(_ content: String) -> ChatTurn { ChatTurn(role: "user", content: content) }
    public static func assistant(_ content: String) -> ChatTurn { ChatTurn(role: "assistant", content: content) }
}

/// The chat formats of the model families we ship, rendered as their Jinja templates render them
/// (with `add_generation_prompt`). A general Jinja engine is not needed for these.
public enum ChatTemplate: Sendable, Equatable {
    /// `<|im_start|>{role}\n{content}<|im_end|>\n` per message (SmolLM2, Qwen2.5). When the first
    /// message is not a system message, `defaultSystemPrompt` (if any) goes first.
    case chatML(defaultSystemPrompt: String?)
    /// Llama 3: `<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>` after `<|begin_of_text|>`.
    case llama3

    /// SmolLM2-Instruct's template.
    public static let smolLM2 = ChatTemplate.chatML(defaultSystemPrompt: "You are a helpful AI assistant named SmolLM, trained by Hugging Face")

    /// The template that a model's Jinja chat template (`tokenizer.chat_template`) writes, or `nil`
    /// for one we do not recognise. A ChatML template's fixed default system prompt is taken from it.
    public static func detect(jinja template: String) -> ChatTemplate? {
        if template.contains("<|start_header_id|>") { return .llama3 }
        guard template.contains("<|im_start|>") else { return nil }
        // The first system turn written as a literal (not an expression such as `' + message['content'] + '`).
        // The newline may be a real one or a Jinja escape.
        for marker in ["<|im_start|>system\n", "<|im_start|>system\\n"] {
            var from = template.startIndex
            while let start = template.range(of: marker, range: from..<template.endIndex),
                  let end = template.range(of: "<|im_end|>", range: start.upperBound..<template.endIndex) {
                let literal = template[start.upperBound..<end.lowerBound]
                if !literal.contains("'") && !literal.contains("{") && !literal.contains("\\") {
                    return .chatML(defaultSystemPrompt: String(literal))
                }
                from = start.upperBound
            }
        }
        return .chatML(defaultSystemPrompt: nil)
    }

    /// The prompt text, ending with the assistant's turn opened.
    public func render(_ messages: [ChatTurn], addGenerationPrompt: Bool = true) -> String {
        var out = ""
        switch self {
        case .chatML(let defaultSystem):
            if let defaultSystem, messages.first?.role != "system" {
                out += "<|im_start|>system\n\(defaultSystem)<|im_end|>\n"
            }
            for m in messages { out += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n" }
            if addGenerationPrompt { out += "<|im_start|>assistant\n" }
        case .llama3:
            out = "<|begin_of_text|>"
            for m in messages {  // Llama 3's template trims each message
                let content = m.content.trimmingCharacters(in: .whitespacesAndNewlines)
                out += "<|start_header_id|>\(m.role)<|end_header_id|>\n\n\(content)<|eot_id|>"
            }
            if addGenerationPrompt { out += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
        }
        return out
    }

    /// The token texts that end an assistant turn.
    public var endOfTurnTokens: [String] {
        switch self {
        case .chatML: return ["<|im_end|>", "<|endoftext|>"]
        case .llama3: return ["<|eot_id|>", "<|end_of_text|>"]
        }
    }
}
