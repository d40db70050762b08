import Foundation
import ModelFiles
import Models
import Tensor
import Testing
import TestSupport

@Suite(.enabled(if: TinyLlamaFixture.available, "tiny-llama fixtures not found (set REASONIR_SHARED)"))
struct LlamaGenerationTests {
    let model: LlamaModel
    let prompt: [Int32]

    /// tiny-llama with its embeddings as the LM head (the fixture is a bare LlamaModel).
    init() throws {
        let base = try LlamaModel(directory: TinyLlamaFixture.llama3Rope.directory)
        var config = base.config
        config.tieWordEmbeddings = true
        let w = base.weights
        model = try LlamaModel(config: config, weights: LlamaWeights(embedding: w.embedding, layers: w.layers, finalNorm: w.finalNorm, lmHead: w.embedding))
        prompt = try TinyLlamaGolden.load("tiny_llama.json").input_ids[1]
    }

    @Test func cachedDecodingEqualsAFullCausalPass() throws {
        let ws = LlamaWorkspace(threads: 2)
        let full = try model.forward(TokenBatch(sequences: [prompt]), attention: .causal, workspace: ws)
        let reference = try model.logits(of: full.lastHiddenState.view, workspace: ws)
        let cache = LlamaKVCache(model: model, capacity: 64)
        var worst: Float = 0
        // Five tokens in one step, then one at a time.
        var logits = Array(try model.decode(Array(prompt[0..<5]), cache: cache, workspace: ws))
        worst = max(worst, maxAbsDiff(logits, Array(reference.row(4))))
        for t in 5..<prompt.count {
            logits = Array(try model.decode([prompt[t]], cache: cache, workspace: ws))
            worst = max(worst, maxAbsDiff(logits, Array(reference.row(t))))
        }
        #expect(cache.count == prompt.count)
        #expect(worst < 1e-4, "max abs logit difference \(worst)")
        // Greedy generation's first token is the argmax of the full pass.
        let generator = try LlamaGenerator(model: model, threads: 1, contextLength: 64)
        let result = try generator.generate(prompt: prompt, options: GenerationOptions(maxTokens: 1))
        let last = reference.row(prompt.count - 1)
        #expect(result.tokens == [Int32(last.indices.max { last[$0] < last[$1] }!)])
    }

    @Test func seededSamplingIsReproducible() throws {
        let generator = try LlamaGenerator(model: model, threads: 2, contextLength: 64)
        func run(seed: UInt64) throws -> [Int32] {
            try generator.generate(prompt: prompt, options: GenerationOptions(
                sampling: SamplingParameters(temperature: 1.5, topK: 100, topP: 0.95, seed: seed), maxTokens: 20)).tokens
        }
        let a = try run(seed: 7), b = try run(seed: 7), c = try run(seed: 8)
        #expect(a.count == 20 && a == b)
        #expect(a != c)
    }

    @Test func stopTokensLimitsAndStreaming() async throws {
        let generator = try LlamaGenerator(model: model, threads: 1, contextLength: 32)
        let greedy = try generator.generate(prompt: prompt, options: GenerationOptions(maxTokens: 8))
        #expect(greedy.tokens.count == 8 && greedy.stop == .maxTokens)
        let stop = greedy.tokens[3]
        let stopped = try generator.generate(prompt: prompt, options: GenerationOptions(maxTokens: 8, stopTokens: [stop]))
        let firstStop = greedy.tokens.firstIndex(of: stop)!
        #expect(stopped.tokens == Array(greedy.tokens[...firstStop]) && stopped.stop == .stopToken(stop))
        // The context fills: 17 prompt tokens + 15 generated = 32.
        let long = try generator.generate(prompt: prompt, options: GenerationOptions(maxTokens: 100))
        #expect(long.stop == .contextFull && long.tokens.count == 32 - prompt.count + 1)
        // A callback that says stop.
        var seen: [Int32] = []
        let cancelled = try generator.generate(prompt: prompt, options: GenerationOptions(maxTokens: 8)) { seen.append($0); return seen.count < 3 }
        #expect(cancelled.stop == .cancelled && cancelled.tokens == Array(greedy.tokens.prefix(3)) && seen == cancelled.tokens)
        var streamed: [Int32] = []
        for try await token in generator.tokenStream(prompt: prompt, options: GenerationOptions(maxTokens: 8)) { streamed.append(token) }
        #expect(streamed == greedy.tokens)
    }

    @Test func promptLongerThanTheContextIsAnError() throws {
        let generator = try LlamaGenerator(model: model, threads: 1, contextLength: 8)
        #expect(throws: LlamaError.contextFull(tokens: prompt.count, cached: 0, capacity: 8)) {
            try generator.generate(prompt: prompt, options: GenerationOptions())
        }
        #expect(throws: LlamaError.emptyInput) { try generator.generate(prompt: [], options: GenerationOptions()) }
        #expect(throws: LlamaError.self) { try LlamaGenerator(model: model, contextLength: 100_000) }
        let cache = LlamaKVCache(model: model, capacity: 4)
        #expect(throws: LlamaError.contextFull(tokens: 5, cached: 0, capacity: 4)) {
            try model.decode(Array(prompt[0..<5]), cache: cache, workspace: LlamaWorkspace(threads: 1))
        }
        let bare = try LlamaModel(directory: TinyLlamaFixture.plain.directory)
        #expect(throws: LlamaError.noLanguageModelHead) { try LlamaGenerator(model: bare) }
    }

    @Test func samplerFilters() {
        let logits: [Float] = [1, 3, 2, 3, -1]
        logits.withUnsafeBufferPointer { l in
            #expect(Sampler.argmax(l) == 1)  // first of the equal maxima
            var topK1 = Sampler(SamplingParameters(temperature: 1, topK: 1, seed: 1))
            #expect((0..<20).allSatisfy { _ in topK1.next(l) == 1 })
            // top-p small enough keeps only the best token; top-k 3 never picks the two worst.
            var topP = Sampler(SamplingParameters(temperature: 1, topP: 0.01, seed: 2))
            #expect((0..<20).allSatisfy { _ in topP.next(l) == 1 })
            var topK3 = Sampler(SamplingParameters(temperature: 5, topK: 3, seed: 3))
            let picks = Set((0..<200).map { _ in topK3.next(l) })
            #expect(picks == [1, 2, 3])
        }
    }
}
