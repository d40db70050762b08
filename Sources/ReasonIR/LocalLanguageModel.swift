import Foundation
import LLM
import ModelFiles
import Models
import Tokenizers

/// A local language model from one GGUF file: the Llama-family weights, the file's own tokenizer and
/// chat template, and a generator; text in, text out (streamed). It is also a `ChatModel` and a
/// `TextCompletionModel` (LocalModelCompletions.swift).
public final class LocalLanguageModel: @unchecked Sendable {
    public let model: LlamaModel
    public let tokenizer: ByteLevelBPETokenizer
    /// The file's chat template, when it is one we render (ChatML, Llama 3).
    public let chatTemplate: ChatTemplate?
    public let generator: LlamaGenerator
    /// The file's name without `.gguf`: the `model` of every answer.
    public let name: String
    /// Where `complete` runs the engine: one call at a time (the generator has one cache), and
    /// off Swift's few cooperative threads, which a long blocking call would hold up.
    let engineQueue = DispatchQueue(label: "reasonir.local-language-model")

    public init(gguf url: URL, threads: Int = defaultThreadCount, contextLength: Int? = nil) throws {
        let file = try GGUFFile(url: url)
        let config = try LlamaConfig(gguf: file)
        model = try LlamaModel(config: config, weights: LlamaWeights(gguf: file, config: config))
        tokenizer = try ByteLevelBPETokenizer(gguf: file)
        chatTemplate = try file.metadata.optional("tokenizer.chat_template", GGUFMetadata.string).flatMap(ChatTemplate.detect(jinja:))
        generator = try LlamaGenerator(model: model, threads: threads, contextLength: min(contextLength ?? 4096, config.maxPositionEmbeddings))
        name = url.deletingPathExtension().lastPathComponent
    }

    /// The ids that end generation: the tokenizer's end-of-generation tokens and the template's end of turn.
    public var stopTokens: Set<Int32> {
        var ids = tokenizer.endOfGenerationIDs
        if let eos = tokenizer.eosID { ids.insert(eos) }
        for text in chatTemplate?.endOfTurnTokens ?? [] { if let id = tokenizer.id(of: text) { ids.insert(id) } }
        return ids
    }

    /// Continues `prompt` (special-token text in it is parsed, as llama.cpp does for a string prompt).
    /// `onText` receives the generated text piece by piece, stop tokens left out. Generation ends
    /// before the first of the `stop` strings, which is left out of the text and never reaches
    /// `onText` (text that could begin one is held back until it cannot); the result's `stop` is
    /// then `.cancelled`. Generation also ends (`.cancelled`) once `shouldStop` returns true,
    /// which is asked before each token is taken (a server's client that went away).
    public func generate(prompt: String, sampling: SamplingParameters, maxTokens: Int, stop: [String] = [],
                         onText: (String) -> Void = { _ in },
                         shouldStop: () -> Bool = { false }) throws -> (text: String, result: GenerationResult) {
        let ids = tokenizer.encode(prompt, addSpecial: true, parseSpecial: true)
        let stops = stopTokens
        let stop = stop.filter { !$0.isEmpty }
        var text = TextAssembler()
        var delivered = 0  // characters of `text` handed to onText, when stop strings hold some back
        var cut: String.Index?
        func deliver(upTo end: Int) {
            guard end > delivered else { return }
            onText(String(text.text.dropFirst(delivered).prefix(end - delivered)))
            delivered = end
        }
        func findStop() -> Bool {
            cut = stop.compactMap { text.text.range(of: $0)?.lowerBound }.min()
            return cut != nil
        }
        let holdBack = (stop.map(\.count).max() ?? 1) - 1
        let result = try generator.generate(prompt: ids, options: GenerationOptions(sampling: sampling, maxTokens: maxTokens, stopTokens: stops)) { id in
            if shouldStop() { return false }
            guard !stops.contains(id) else { return true }
            if stop.isEmpty {
                text.append(tokenizer.decodeBytes([id], skipSpecial: true), onText)
                return true
            }
            text.append(tokenizer.decodeBytes([id], skipSpecial: true)) { _ in }
            if findStop() { return false }
            deliver(upTo: text.text.count - holdBack)
            return true
        }
        if stop.isEmpty {
            text.finish(onText)
            return (text.text, result)
        }
        text.finish { _ in }
        let whole = cut != nil || findStop() ? String(text.text[..<cut!]) : text.text
        deliver(upTo: whole.count)
        return (whole, result)
    }

    /// `messages` in the model's chat template, ready for `generate`.
    public func chatPrompt(_ messages: [ChatMessage]) throws -> String {
        guard let template = chatTemplate else {
            throw LlamaError.invalidArgument("the model file has no chat template this engine renders (ChatML or Llama 3)")
        }
        return template.render(messages.map { ChatTurn(role: $0.role.rawValue, content: $0.content) })
    }

    /// The assistant's reply to `messages`, with the model's chat template.
    public func chat(_ messages: [ChatMessage], sampling: SamplingParameters, maxTokens: Int,
                     onText: (String) -> Void = { _ in }) throws -> (text: String, result: GenerationResult) {
        try generate(prompt: chatPrompt(messages), sampling: sampling, maxTokens: maxTokens, onText: onText)
    }
}

/// Turns token bytes into text as they come: a character split across tokens is held back until
/// its last byte arrives.
struct TextAssembler {
    private(set) var text = ""
    private var pending: [UInt8] = []

    mutating func append(_ bytes: [UInt8], _ emit: (String) -> Void) {
        pending += bytes
        // The longest prefix that does not end inside a UTF-8 sequence.
        var end = pending.count
        var back = 0
        while back < min(3, pending.count), (pending[pending.count - 1 - back] & 0xC0) == 0x80 { back += 1 }
        let lead = pending.count - 1 - back
        if lead >= 0 {
            let b = pending[lead]
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            if length > back + 1 { end = lead }
        }
        guard end > 0 else { return }
        let piece = String(decoding: pending[0..<end], as: UTF8.self)
        pending.removeFirst(end)
        text += piece
        emit(piece)
    }

    mutating func finish(_ emit: (String) -> Void) {
        guard !pending.isEmpty else { return }
        let piece = String(decoding: pending, as: UTF8.self)
        pending = []
        text += piece
        emit(piece)
    }
}
