/// Limits and stop conditions of one generation.
public struct GenerationOptions: Sendable, Equatable {
    public var sampling: SamplingParameters
    /// The most tokens generated (stop tokens included).
    public var maxTokens: Int
    /// Generation ends after any of these (it is the last token returned).
    public var stopTokens: Set<Int32>

    public init(sampling: SamplingParameters = .greedy, maxTokens: Int = 256, stopTokens: Set<Int32> = []) {
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.stopTokens = stopTokens
    }
}

/// Why a generation ended.
public enum GenerationStop: Sendable, Equatable {
    case stopToken(Int32)
    case maxTokens
    /// The context (key/value cache) is full.
    case contextFull
    /// The caller's token callback asked to stop.
    case cancelled
}

public struct GenerationResult: Sendable, Equatable {
    public var tokens: [Int32]
    public var stop: GenerationStop
    public var promptTokens: Int
}

/// Continues token sequences: a local model behind the same calls as a remote one.
public protocol TextGenerator: Sendable {
    /// Generates after `prompt`; `onToken` sees each token as it is chosen and returns `false` to stop.
    func generate(prompt: [Int32], options: GenerationOptions, onToken: (Int32) -> Bool) throws -> GenerationResult
}

extension TextGenerator {
    public func generate(prompt: [Int32], options: GenerationOptions) throws -> GenerationResult {
        try generate(prompt: prompt, options: options) { _ in true }
    }

    /// The tokens as an asynchronous stream (generation runs on a detached task; the stream ends
    /// with the error if one occurs, and stopping iteration stops generation).
    public func tokenStream(prompt: [Int32], options: GenerationOptions) -> AsyncThrowingStream<Int32, Error> {
        AsyncThrowingStream { continuation in
            let task = Task.detached {
                do {
                    _ = try self.generate(prompt: prompt, options: options) { token in
                        if Task.isCancelled { return false }
                        if case .terminated = continuation.yield(token) { return false }
                        return true
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
