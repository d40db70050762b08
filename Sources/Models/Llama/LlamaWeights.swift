import Foundation
import ModelFiles
import Tensor

/// One decoder layer of a Llama-family model. Linear weights are `[out, in]`; biases exist only
/// for Q/K/V of models with `attentionBias` (Qwen2).
public struct LlamaLayerWeights: Sendable {
    public let inputNorm: FloatTensor
    public let query: any LinearWeights
    public let key: any LinearWeights
    public let value: any LinearWeights
    public let queryBias: FloatTensor?
    public let keyBias: FloatTensor?
    public let valueBias: FloatTensor?
    public let output: any LinearWeights
    public let postAttentionNorm: FloatTensor
    public let gate: any LinearWeights
    public let up: any LinearWeights
    public let down: any LinearWeights

    public init(inputNorm: FloatTensor, query: any LinearWeights, key: any LinearWeights, value: any LinearWeights,
                queryBias: FloatTensor? = nil, keyBias: FloatTensor? = nil, valueBias: FloatTensor? = nil,
                output: any LinearWeights, postAttentionNorm: FloatTensor,
                gate: any LinearWeights, up: any LinearWeights, down: any LinearWeights) {
        self.inputNorm = inputNorm
        self.query = query
        self.key = key
        self.value = value
        self.queryBias = queryBias
        self.keyBias = keyBias
        self.valueBias = valueBias
        self.output = output
        self.postAttentionNorm = postAttentionNorm
        self.gate = gate
        self.up = up
        self.down = down
    }
}

/// All weights of a Llama-family model. `lmHead` is `nil` for a bare `LlamaModel` checkpoint
/// (embeddings only); with tied embeddings it is the embedding table itself.
public struct LlamaWeights: Sendable {
    public let embedding: any LinearWeights
    public let layers: [LlamaLayerWeights]
    public let finalNorm: FloatTensor
    public let lmHead: (any LinearWeights)?

    public init(embedding: any LinearWeights, layers: [LlamaLayerWeights], finalNorm: FloatTensor, lmHead: (any LinearWeights)?) {
        self.embedding = embedding
        self.layers = layers
        self.finalNorm = finalNorm
        self.lmHead = lmHead
    }

    /// Reads Hugging Face names (`model.layers.N.self_attn.q_proj.weight`, …, or without the `model.`
    /// prefix for a bare `LlamaModel`) and checks every shape against `config`.
    public init(safetensors weights: SafetensorsWeights, config c: LlamaConfig) throws {
        let H = c.hiddenSize
        let prefix = ["model.", ""].first { weights.contains($0 + "embed_tokens.weight") } ?? "model."
        func linear(_ name: String, _ rows: Int, _ columns: Int) throws -> any LinearWeights {
            try weights.linearWeights(prefix + name, rows: rows, columns: columns)
        }
        func vector(_ name: String, _ count: Int) throws -> FloatTensor {
            try weights.floatTensor(prefix + name, shape: [count])
        }
        let embedding = try linear("embed_tokens.weight", c.vocabSize, H)
        let layers = try Self.layers(config: c, name: { "layers.\($0).\($1)" }, linear: linear, vector: vector)
        let head: (any LinearWeights)?
        if weights.contains("lm_head.weight") && !c.tieWordEmbeddings {
            head = try weights.linearWeights("lm_head.weight", rows: c.vocabSize, columns: H)
        } else if c.tieWordEmbeddings {
            head = embedding
        } else {
            head = nil
        }
        self.init(embedding: embedding, layers: layers, finalNorm: try vector("norm.weight", H), lmHead: head)
    }

    /// Every decoder layer, shapes checked against `c`. `name(l, w)` is the file's name of layer
    /// `l`'s weight `w`, given by its Hugging Face name (e.g. "self_attn.q_proj.weight").
    static func layers(config c: LlamaConfig, name: (Int, String) -> String,
                       linear: (String, Int, Int) throws -> any LinearWeights,
                       vector: (String, Int) throws -> FloatTensor) throws -> [LlamaLayerWeights] {
        let H = c.hiddenSize, I = c.intermediateSize
        let qOut = c.numAttentionHeads * c.headDimension, kvOut = c.numKeyValueHeads * c.headDimension
        return try (0..<c.numHiddenLayers).map { l in
            func bias(_ w: String, _ n: Int) throws -> FloatTensor? { c.attentionBias ? try vector(name(l, w), n) : nil }
            return LlamaLayerWeights(
                inputNorm: try vector(name(l, "input_layernorm.weight"), H),
                query: try linear(name(l, "self_attn.q_proj.weight"), qOut, H),
                key: try linear(name(l, "self_attn.k_proj.weight"), kvOut, H),
                value: try linear(name(l, "self_attn.v_proj.weight"), kvOut, H),
                queryBias: try bias("self_attn.q_proj.bias", qOut),
                keyBias: try bias("self_attn.k_proj.bias", kvOut),
                valueBias: try bias("self_attn.v_proj.bias", kvOut),
                output: try linear(name(l, "self_attn.o_proj.weight"), H, qOut),
                postAttentionNorm: try vector(name(l, "post_attention_layernorm.weight"), H),
                gate: try linear(name(l, "mlp.gate_proj.weight"), I, H),
                up: try linear(name(l, "mlp.up_proj.weight"), I, H),
                down: try linear(name(l, "mlp.down_proj.weight"), H, I))
        }
    }
}
