import Foundation
import ModelFiles
import Models
import Tensor
import Testing
import TestSupport

/// `golden/tiny_llama*.json` (shared/fixtures/README.md, section 0).
struct TinyLlamaGolden: Decodable {
    struct LayerOutputs: Decodable { let values: [[[Float]]] }
    let texts: [String]
    let input_ids: [[Int32]]
    let batch_input_ids: [[Int32]]
    let batch_attention_mask: [[Int32]]
    let bidirectional_mean_pooled_raw: [[Float]]
    let bidirectional_mean_l2: [[Float]]
    let causal_mean_l2: [[Float]]
    let causal_last_hidden_state_text0: [[Float]]
    let bidirectional_last_hidden_state_text0: [[Float]]
    let bidirectional_layer_outputs_text0: LayerOutputs

    static func load(_ name: String) throws -> TinyLlamaGolden {
        try TestPaths.decode(TinyLlamaGolden.self, golden: name)
    }
}

enum TinyLlamaFixture: String, CaseIterable, CustomTestStringConvertible {
    case plain = "tiny-llama"
    case llama3Rope = "tiny-llama-rope-llama3"

    var directory: URL { TestPaths.fixtureModels.appendingPathComponent(rawValue) }
    var golden: String { self == .plain ? "tiny_llama.json" : "tiny_llama_rope_llama3.json" }
    var testDescription: String { rawValue }
    static var available: Bool {
        FileManager.default.fileExists(atPath: TestPaths.fixtureModels.appendingPathComponent("tiny-llama/model.safetensors").path)
    }
}

/// Mean over the rows of `hidden` whose mask is 1 (sequence `b` of a `T`-row batch), then optionally L2-normalised.
func meanPool(_ hidden: MatrixView, batch: TokenBatch, _ b: Int, skip: Int = 0, normalize: Bool) -> [Float] {
    let T = batch.sequenceLength, H = hidden.columns
    var sum = [Double](repeating: 0, count: H)
    var n = 0.0
    for t in skip..<T where batch.isToken(b, t) {
        n += 1
        for i in 0..<H { sum[i] += Double(hidden[b * T + t, i]) }
    }
    var out = sum.map { Float($0 / max(n, 1)) }
    if normalize {
        let norm = Float(out.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot())
        out = out.map { $0 / max(norm, 1e-12) }
    }
    return out
}

@Suite(.enabled(if: TinyLlamaFixture.available, "tiny-llama fixtures not found (set REASONIR_SHARED)"))
struct LlamaConfigTests {
    @Test func readsBothFixtureConfigs() throws {
        let c = try LlamaConfig.load(from: TinyLlamaFixture.plain.directory)
        #expect(c.modelType == "llama" && c.hiddenSize == 64 && c.numHiddenLayers == 2)
        #expect(c.numAttentionHeads == 4 && c.numKeyValueHeads == 2 && c.headDimension == 16 && c.intermediateSize == 128)
        #expect(c.ropeTheta == 500_000 && c.ropeScaling == nil && c.rmsNormEps == 1e-5)
        #expect(c.bosTokenID == 0 && c.eosTokenIDs == [1] && !c.tieWordEmbeddings && !c.attentionBias)
        let s = try LlamaConfig.load(from: TinyLlamaFixture.llama3Rope.directory)
        #expect(s.ropeScaling == Llama3RopeScaling(factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalMaxPositionEmbeddings: 64))
        #expect(s.ropeInverseFrequencies() != c.ropeInverseFrequencies())
        // llama.cpp's rope_freqs form of the same scaling (divisors per frequency) gives the same frequencies.
        var f = c
        f.ropeFrequencyFactors = zip(c.ropeInverseFrequencies(), s.ropeInverseFrequencies()).map { $0 / $1 }
        #expect(maxAbsDiff(f.ropeInverseFrequencies(), s.ropeInverseFrequencies()) < 1e-7)
        try f.validate(path: "test")
        f.ropeFrequencyFactors = [1, 2]
        #expect(throws: ModelFileError.self) { try f.validate(path: "test") }
    }

    @Test func legacyKeysQwen2AndErrors() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("config.json")
        func write(_ json: String) throws { try json.write(to: file, atomically: true, encoding: .utf8) }
        let base = "\"hidden_size\": 64, \"intermediate_size\": 128, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"vocab_size\": 100"

        try write("{\"model_type\": \"llama\", \(base), \"rope_theta\": 1000.0, \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 64}, \"eos_token_id\": [5, 7]}")
        let legacy = try LlamaConfig.load(from: file)
        #expect(legacy.ropeTheta == 1000 && legacy.ropeScaling?.factor == 8 && legacy.eosTokenIDs == [5, 7])
        #expect(legacy.numKeyValueHeads == 4 && legacy.headDimension == 16)

        try write("{\"model_type\": \"qwen2\", \(base), \"tie_word_embeddings\": true}")
        let qwen = try LlamaConfig.load(from: file)
        #expect(qwen.attentionBias && qwen.tieWordEmbeddings)

        let bad: [(String, String)] = [
            ("{\"model_type\": \"gpt2\", \(base)}", "gpt2"),
            ("{\"model_type\": \"llama\", \"hidden_size\": 64}", "num_attention_heads"),
            ("{\"model_type\": \"llama\", \(base), \"num_key_value_heads\": 3}", "num_key_value_heads"),
            ("{\"model_type\": \"llama\", \(base), \"rope_theta\": \"big\"}", "rope_theta"),
            ("{\"model_type\": \"llama\", \(base), \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 2}}", "yarn"),
            ("{\"model_type\": \"llama\", \(base), \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 2}}", "low_freq_factor"),
            ("{\"model_type\": \"llama\", \(base), \"bos_token_id\": 100}", "bos_token_id"),
            ("{\"model_type\": \"llama\", ", "config.json"),
        ]
        for (json, mention) in bad {
            try write(json)
            do {
                _ = try LlamaConfig.load(from: file)
                Issue.record("accepted: \(json)")
            } catch let error as ModelFileError {
                #expect(error.description.contains(mention), "\(error.description) should mention \(mention)")
            }
        }
    }
}

@Suite(.enabled(if: TinyLlamaFixture.available, "tiny-llama fixtures not found (set REASONIR_SHARED)"))
struct LlamaForwardTests {
    static let tolerance: Float = 1e-4

    @Test(arguments: TinyLlamaFixture.allCases)
    func embeddingsAndHiddenStatesMatchTransformers(_ fixture: TinyLlamaFixture) throws {
        let golden = try TinyLlamaGolden.load(fixture.golden)
        let model = try LlamaModel(directory: fixture.directory)
        let batch = TokenBatch(inputIDs: golden.batch_input_ids, attentionMask: golden.batch_attention_mask)
        let n0 = golden.input_ids[0].count
        let T = batch.sequenceLength

        let bi = try model.forward(batch, attention: .bidirectional, threads: 2, keepLayerOutputs: true)
        for b in 0..<batch.batchSize {
            let raw = meanPool(bi.lastHiddenState.view, batch: batch, b, normalize: false)
            let l2 = meanPool(bi.lastHiddenState.view, batch: batch, b, normalize: true)
            #expect(maxAbsDiff(raw, golden.bidirectional_mean_pooled_raw[b]) < Self.tolerance, "text \(b) raw")
            #expect(maxAbsDiff(l2, golden.bidirectional_mean_l2[b]) < Self.tolerance, "text \(b) l2")
        }
        for t in 0..<n0 {
            #expect(maxAbsDiff(Array(bi.lastHiddenState.row(t)), golden.bidirectional_last_hidden_state_text0[t]) < Self.tolerance)
        }
        let layers = try #require(bi.layerOutputs)
        #expect(layers.count == golden.bidirectional_layer_outputs_text0.values.count)
        for (l, expected) in golden.bidirectional_layer_outputs_text0.values.enumerated() {
            for t in 0..<n0 { #expect(maxAbsDiff(Array(layers[l].row(t)), expected[t]) < Self.tolerance, "layer \(l) token \(t)") }
        }

        let causal = try model.forward(batch, attention: .causal, threads: 1)
        for b in 0..<batch.batchSize {
            let l2 = meanPool(causal.lastHiddenState.view, batch: batch, b, normalize: true)
            #expect(maxAbsDiff(l2, golden.causal_mean_l2[b]) < Self.tolerance, "causal text \(b)")
        }
        for t in 0..<n0 {
            #expect(maxAbsDiff(Array(causal.lastHiddenState.row(t)), golden.causal_last_hidden_state_text0[t]) < Self.tolerance)
        }
        #expect(T > n0)  // text 0 is padded: the padding mask is exercised
    }

    @Test func badInputGivesErrors() throws {
        let model = try LlamaModel(directory: TinyLlamaFixture.plain.directory)
        #expect(throws: LlamaError.tokenOutOfRange(sequence: 0, position: 1, id: 512, vocabularySize: 512)) {
            try model.forward(TokenBatch(sequences: [[0, 512]]), attention: .causal)
        }
        #expect(throws: LlamaError.sequenceTooLong(length: 513, maximum: 512)) {
            try model.forward(TokenBatch(sequences: [[Int32](repeating: 5, count: 513)]), attention: .causal)
        }
        #expect(throws: LlamaError.emptyInput) { try model.forward(TokenBatch(sequences: []), attention: .causal) }
        // Weights whose shapes do not match the config name the tensor.
        var config = model.config
        config.intermediateSize = 96
        do {
            _ = try LlamaWeights(safetensors: SafetensorsWeights(directory: TinyLlamaFixture.plain.directory), config: config)
            Issue.record("wrong intermediate size accepted")
        } catch let error as ModelFileError {
            #expect(error.description.contains("layers.0.mlp.gate_proj.weight"))
        }
    }

    /// BF16 and F16 copies stay memory-mapped and are converted tile by tile: they must equal the F32
    /// model whose weights hold the same rounded values.
    @Test(arguments: ["BF16", "F16"])
    func halfPrecisionWeightsMatchTheirF32Values(_ dtype: String) throws {
        let dir = try TestPaths.temporaryDirectory(), rounded = try TestPaths.temporaryDirectory()
        defer { for d in [dir, rounded] { try? FileManager.default.removeItem(at: d) } }
        let source = try SafetensorsFile(path: TinyLlamaFixture.plain.directory.appendingPathComponent("model.safetensors").path)
        var half = SafetensorsWriter(), f32 = SafetensorsWriter()
        half.leadingPadding = 1  // odd offsets: the aligned-copy path
        for name in source.tensorNames {
            let t = try source.floatTensor(name)
            var bits: [UInt16] = [], values: [Float] = []
            for v in t.toArray() {
                if dtype == "F16" {
                    bits.append(Float16(v).bitPattern); values.append(Float(Float16(v)))
                } else {
                    let b = UInt16(truncatingIfNeeded: v.bitPattern >> 16)
                    bits.append(b); values.append(Float(bitPattern: UInt32(b) << 16))
                }
            }
            half.addRaw(name, dtype: dtype, shape: t.shape, data: bits.flatMap { littleEndianBytes(of: $0) })
            f32.add(name, values, shape: t.shape)
        }
        for d in [dir, rounded] {
            try FileManager.default.copyItem(at: TinyLlamaFixture.plain.directory.appendingPathComponent("config.json"), to: d.appendingPathComponent("config.json"))
        }
        try half.write(to: dir.appendingPathComponent("model.safetensors"))
        try f32.write(to: rounded.appendingPathComponent("model.safetensors"))
        let golden = try TinyLlamaGolden.load("tiny_llama.json")
        let batch = TokenBatch(inputIDs: golden.batch_input_ids, attentionMask: golden.batch_attention_mask)
        let a = try LlamaModel(directory: dir).forward(batch, attention: .bidirectional, threads: 2)
        let b = try LlamaModel(directory: rounded).forward(batch, attention: .bidirectional, threads: 2)
        var worst: Float = 0
        for bi in 0..<batch.batchSize {
            for t in 0..<batch.tokenEnd(bi) {
                let r = bi * batch.sequenceLength + t
                worst = max(worst, maxAbsDiff(Array(a.lastHiddenState.row(r)), Array(b.lastHiddenState.row(r))))
            }
        }
        #expect(worst < 1e-5, "\(dtype): max abs diff \(worst)")
    }
}

@Suite(.enabled(if: TinyLlamaFixture.available, "tiny-llama fixtures not found (set REASONIR_SHARED)"))
struct RopePairingTests {
    /// llama.cpp's converter reorders each head's Q/K rows from (halves) to (interleaved) pairs:
    /// row j·d/2 + i becomes row 2i + j. With interleaved RoPE the model must compute the same thing.
    @Test func interleavedPairsOnPermutedWeightsEqualHalves() throws {
        let model = try LlamaModel(directory: TinyLlamaFixture.llama3Rope.directory)
        let c = model.config, hd = c.headDimension, half = hd / 2, H = c.hiddenSize
        let source = try SafetensorsWeights(directory: TinyLlamaFixture.llama3Rope.directory)
        func permuted(_ name: String, heads: Int) throws -> any LinearWeights {
            let w = try source.floatTensor(name).toArray()
            var out = w
            for h in 0..<heads {
                for j in 0..<2 {
                    for i in 0..<half {
                        let from = (h * hd + j * half + i) * H, to = (h * hd + 2 * i + j) * H
                        out.replaceSubrange(to..<(to + H), with: w[from..<(from + H)])
                    }
                }
            }
            return F32LinearWeights(FloatTensor(shape: [heads * hd, H], values: out))
        }
        let layers = try model.weights.layers.enumerated().map { l, w in
            LlamaLayerWeights(inputNorm: w.inputNorm,
                              query: try permuted("layers.\(l).self_attn.q_proj.weight", heads: c.numAttentionHeads),
                              key: try permuted("layers.\(l).self_attn.k_proj.weight", heads: c.numKeyValueHeads),
                              value: w.value, output: w.output, postAttentionNorm: w.postAttentionNorm,
                              gate: w.gate, up: w.up, down: w.down)
        }
        var config = c
        config.ropePairing = .interleaved
        let ggmlStyle = try LlamaModel(config: config, weights: LlamaWeights(embedding: model.weights.embedding, layers: layers,
                                                                             finalNorm: model.weights.finalNorm, lmHead: nil))
        let golden = try TinyLlamaGolden.load("tiny_llama_rope_llama3.json")
        let batch = TokenBatch(inputIDs: golden.batch_input_ids, attentionMask: golden.batch_attention_mask)
        let a = try model.forward(batch, attention: .causal).lastHiddenState.toArray()
        let b = try ggmlStyle.forward(batch, attention: .causal).lastHiddenState.toArray()
        #expect(maxAbsDiff(a, b) < 1e-5)
        // Interleaved pairs on the unpermuted weights are another model: the test can fail.
        let wrong = try LlamaModel(config: config, weights: model.weights).forward(batch, attention: .causal).lastHiddenState.toArray()
        #expect(maxAbsDiff(a, wrong) > 1e-3)
    }
}
