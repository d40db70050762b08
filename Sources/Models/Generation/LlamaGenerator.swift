import Foundation
import Tensor

/// Generation with a ``LlamaModel``: the prompt runs in one pass into a key/value cache, then one
/// token per step. Calls are serialised (one cache, one workspace).
public final class LlamaGenerator: TextGenerator, @unchecked Sendable {
    public let model: LlamaModel
    private let lock = NSLock()
    private let workspace: LlamaWorkspace
    private let cache: LlamaKVCache

    /// `contextLength`: positions the cache holds (prompt + generated); default: the model's, capped at 4096.
    public init(model: LlamaModel, threads: Int = ThreadPool.availableProcessors, contextLength: Int? = nil) throws {
        guard model.weights.lmHead != nil else { throw LlamaError.noLanguageModelHead }
        if let contextLength, contextLength < 1 || contextLength > model.config.maxPositionEmbeddings {
            throw LlamaError.invalidArgument("context length \(contextLength) is outside 1...\(model.config.maxPositionEmbeddings)")
        }
        self.model = model
        workspace = LlamaWorkspace(threads: threads)
        cache = LlamaKVCache(model: model, capacity: contextLength)
    }

    public var contextLength: Int { cache.capacity }

    public func generate(prompt: [Int32], options: GenerationOptions, onToken: (Int32) -> Bool) throws -> GenerationResult {
        guard !prompt.isEmpty else { throw LlamaError.emptyInput }
        guard options.maxTokens >= 0 else { throw LlamaError.invalidArgument("maxTokens must not be negative") }
        lock.lock()
        defer { lock.unlock() }
        cache.reset()
        guard prompt.count <= cache.capacity else {
            throw LlamaError.contextFull(tokens: prompt.count, cached: 0, capacity: cache.capacity)
        }
        var sampler = Sampler(options.sampling)
        var tokens: [Int32] = []
        guard options.maxTokens > 0 else { return GenerationResult(tokens: [], stop: .maxTokens, promptTokens: prompt.count) }
        var logits = try model.decode(prompt, cache: cache, workspace: workspace)
        while true {
            let next = sampler.next(logits)
            tokens.append(next)
            if !onToken(next) { return GenerationResult(tokens: tokens, stop: .cancelled, promptTokens: prompt.count) }
            if options.stopTokens.contains(next) {
                return GenerationResult(tokens: tokens, stop: .stopToken(next), promptTokens: prompt.count)
            }
            if tokens.count >= options.maxTokens { return GenerationResult(tokens: tokens, stop: .maxTokens, promptTokens: prompt.count) }
            if cache.remaining == 0 { return GenerationResult(tokens: tokens, stop: .contextFull, promptTokens: prompt.count) }
            logits = try model.decode([next], cache: cache, workspace: workspace)
        }
    }
}
