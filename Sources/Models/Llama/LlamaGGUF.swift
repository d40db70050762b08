import Foundation
import ModelFiles
import Tensor

/// A GGUF tensor of a type without quantized products (F16, BF16), left in the mapping and
/// decoded a tile of rows at a time. The type is checked when it is made, so decoding cannot fail later.
public struct GGUFDecodedLinearWeights: RowDecodedLinearWeights {
    public let file: GGUFFile
    public let info: GGUFTensorInfo

    public init(file: GGUFFile, info: GGUFTensorInfo) throws {
        guard info.type.canDequantize else {
            throw GGUFError.unsupportedTensorType(path: file.path, tensor: info.name, type: info.type.name)
        }
        self.file = file
        self.info = info
    }

    public var inputSize: Int { info.rowLength }
    public var outputSize: Int { info.rowCount }

    public func decodeRows(_ rows: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        do {
            try file.dequantize(info, rows: rows, into: destination)
        } catch {
            preconditionFailure("GGUF tensor \(info.name): \(error) (type and rows were checked at load)")
        }
    }
}

/// A quantized GGUF matrix: a few tokens (generation) multiply in block form (8-bit activations,
/// integer dots, reading the 4–8-bit weights once); a batch (a prompt, embeddings) decodes tiles
/// to Float32 for sgemm, which is several times faster per token once the decoding is shared by
/// enough rows.
public struct GGUFQuantizedLinearWeights: RowDecodedLinearWeights {
    public let matrix: GGUFQuantizedMatrix
    /// Batches of at least this many tokens go through sgemm.
    public static let sgemmMinimumTokens = 8

    public init(_ matrix: GGUFQuantizedMatrix) { self.matrix = matrix }

    public var inputSize: Int { matrix.inputSize }
    public var outputSize: Int { matrix.outputSize }

    public func decodeRows(_ rows: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        matrix.decodeRows(rows, into: destination)
    }

    public func multiply(_ x: MatrixView, into out: MutableMatrixView, pool: ThreadPool) {
        if x.rows >= Self.sgemmMinimumTokens {
            multiplyByDecodedTiles(x, into: out, pool: pool)
        } else {
            matrix.multiply(x, into: out, pool: pool)
        }
    }
}

extension LlamaConfig {
    /// The configuration in a GGUF file's metadata (`general.architecture` "llama" or "qwen2").
    /// llama.cpp's converter permutes the Q/K rows of `llama` models so RoPE pairs are adjacent.
    public init(gguf file: GGUFFile) throws {
        let m = file.metadata
        let supported = ["llama", "qwen2"]
        guard let arch = file.architecture, supported.contains(arch) else {
            throw ModelFileError.unknownArchitecture(path: file.path, modelType: file.architecture, architectures: [], supported: supported)
        }
        func int(_ key: String) throws -> Int { try m.int(arch + "." + key) }
        func optionalInt(_ key: String) throws -> Int? { try m.optional(key, GGUFMetadata.int) }
        if let type = try m.optional(arch + ".rope.scaling.type", GGUFMetadata.string), type != "none" {
            throw ModelFileError.unsupported(path: file.path, reason: "\(arch).rope.scaling.type \"\(type)\"")
        }
        // Llama 3.1+ conversions store the Llama-3 RoPE scaling as per-frequency divisors.
        let factors = file.contains("rope_freqs.weight") ? try file.floatTensor("rope_freqs.weight").toArray() : nil
        let hidden = try int("embedding_length"), heads = try int("attention.head_count")
        let vocab = try file.tensorInfo("token_embd.weight").rowCount
        self.init(
            modelType: arch,
            vocabSize: vocab,
            hiddenSize: hidden,
            intermediateSize: try int("feed_forward_length"),
            numHiddenLayers: try int("block_count"),
            numAttentionHeads: heads,
            numKeyValueHeads: try optionalInt(arch + ".attention.head_count_kv") ?? heads,
            headDimension: try optionalInt(arch + ".attention.key_length") ?? (heads > 0 ? hidden / heads : 0),
            rmsNormEps: try m.float(arch + ".attention.layer_norm_rms_epsilon"),
            ropeTheta: try m.optional(arch + ".rope.freq_base", GGUFMetadata.double) ?? 10_000,
            ropeScaling: nil,
            ropeFrequencyFactors: factors,
            ropePairing: arch == "llama" ? .interleaved : .halves,
            tieWordEmbeddings: !file.contains("output.weight"),
            attentionBias: file.contains("blk.0.attn_q.bias"),
            maxPositionEmbeddings: try int("context_length"),
            bosTokenID: try optionalInt("tokenizer.ggml.bos_token_id"),
            eosTokenIDs: try optionalInt("tokenizer.ggml.eos_token_id").map { [$0] } ?? [])
        try validate(path: file.path)
    }
}

extension LlamaWeights {
    /// The weights of a GGUF file (llama.cpp names: `token_embd`, `blk.N.attn_q`, …, `output`).
    /// Matrices stay in the mapping: F32 as they are, quantized types multiplied in block form,
    /// F16/BF16 decoded tile by tile. `dequantizeAtLoad` decodes every matrix to Float32 once
    /// instead (4 bytes a parameter; products through sgemm, the reference for the quantized ones).
    public init(gguf file: GGUFFile, config c: LlamaConfig, dequantizeAtLoad: Bool = false) throws {
        let H = c.hiddenSize
        func linear(_ name: String, _ rows: Int, _ columns: Int) throws -> any LinearWeights {
            let info = try file.tensorInfo(name)
            guard info.shape == [rows, columns] else {
                throw GGUFError.shapeMismatch(path: file.path, tensor: name, reason: "shape \(info.shape), expected \([rows, columns])")
            }
            if info.type == .f32 || dequantizeAtLoad {
                return F32LinearWeights(try file.floatTensor(name, shape: [rows, columns]))
            }
            if GGUFQuantizedMatrix.supports(info.type) && columns % 32 == 0 {
                return GGUFQuantizedLinearWeights(try GGUFQuantizedMatrix(file: file, name: name, outputSize: rows, inputSize: columns))
            }
            return try GGUFDecodedLinearWeights(file: file, info: info)
        }
        func vector(_ name: String, _ count: Int) throws -> FloatTensor { try file.floatTensor(name, shape: [count]) }
        let embedding = try linear("token_embd.weight", c.vocabSize, H)
        let layers = try Self.layers(config: c, name: { l, w in "blk.\(l).\(Self.ggufLayerNames[w] ?? w)" }, linear: linear, vector: vector)
        let head = c.tieWordEmbeddings ? embedding : try linear("output.weight", c.vocabSize, H)
        self.init(embedding: embedding, layers: layers, finalNorm: try vector("output_norm.weight", H), lmHead: head)
    }
}

extension LlamaWeights {
    /// llama.cpp's names of a layer's weights, by their Hugging Face names.
    static let ggufLayerNames: [String: String] = [
        "input_layernorm.weight": "attn_norm.weight", "post_attention_layernorm.weight": "ffn_norm.weight",
        "self_attn.q_proj.weight": "attn_q.weight", "self_attn.k_proj.weight": "attn_k.weight",
        "self_attn.v_proj.weight": "attn_v.weight", "self_attn.o_proj.weight": "attn_output.weight",
        "self_attn.q_proj.bias": "attn_q.bias", "self_attn.k_proj.bias": "attn_k.bias", "self_attn.v_proj.bias": "attn_v.bias",
        "mlp.gate_proj.weight": "ffn_gate.weight", "mlp.up_proj.weight": "ffn_up.weight", "mlp.down_proj.weight": "ffn_down.weight",
    ]
}

extension LlamaModel {
    /// Loads a `.gguf` file (see ``LlamaWeights/init(gguf:config:dequantizeAtLoad:)``).
    public convenience init(gguf url: URL, dequantizeAtLoad: Bool = false) throws {
        let file = try GGUFFile(url: url)
        let config = try LlamaConfig(gguf: file)
        try self.init(config: config, weights: LlamaWeights(gguf: file, config: config, dequantizeAtLoad: dequantizeAtLoad))
    }
}
