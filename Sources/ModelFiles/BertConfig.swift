import Foundation

/// The fields of a Hugging Face `config.json` that a BERT encoder needs.
public struct BertConfig: Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    /// "gelu" (erf form), "gelu_new" / "gelu_pytorch_tanh" / "gelu_fast" (tanh form).
    public var hiddenAct: String
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    public var positionEmbeddingType: String
    public var modelType: String
    public var architectures: [String]
    public var padTokenId: Int?

    public init(vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
                intermediateSize: Int, hiddenAct: String = "gelu", maxPositionEmbeddings: Int = 512,
                typeVocabSize: Int = 2, layerNormEps: Float = 1e-12, positionEmbeddingType: String = "absolute",
                modelType: String = "bert", architectures: [String] = ["BertModel"], padTokenId: Int? = 0) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.hiddenAct = hiddenAct
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.positionEmbeddingType = positionEmbeddingType
        self.modelType = modelType
        self.architectures = architectures
        self.padTokenId = padTokenId
    }

    public var headDimension: Int { hiddenSize / numAttentionHeads }

    /// model_type values this engine runs.
    public static let supportedModelTypes = ["bert"]
    public static let supportedActivations = ["gelu", "gelu_python", "gelu_new", "gelu_pytorch_tanh", "gelu_fast"]

    /// Whether `hiddenAct` is the tanh approximation.
    public var usesTanhGELU: Bool { ["gelu_new", "gelu_pytorch_tanh", "gelu_fast"].contains(hiddenAct) }

    /// Reads and checks `config.json` (the file itself, or the directory that holds it).
    public static func load(from url: URL) throws -> BertConfig {
        let file = configFile(url)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ModelFileError.missingFile(path: file.path, what: "model config (config.json)")
        }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw ModelFileError.unreadable(path: file.path, reason: error.localizedDescription)
        }
        let raw: RawConfig
        do { raw = try JSONDecoder().decode(RawConfig.self, from: data) } catch {
            throw ModelFileError.invalidJSON(path: file.path, reason: describe(error))
        }
        let modelType = raw.model_type
        let architectures = raw.architectures ?? []
        let isBert = modelType.map { supportedModelTypes.contains($0) }
            ?? architectures.contains { $0.hasPrefix("Bert") }
        guard isBert else {
            throw ModelFileError.unknownArchitecture(path: file.path, modelType: modelType,
                                                     architectures: architectures, supported: supportedModelTypes)
        }
        func need<T>(_ value: T?, _ key: String) throws -> T {
            guard let value else { throw ModelFileError.invalidJSON(path: file.path, reason: "no \"\(key)\"") }
            return value
        }
        let config = BertConfig(
            vocabSize: try need(raw.vocab_size, "vocab_size"),
            hiddenSize: try need(raw.hidden_size, "hidden_size"),
            numHiddenLayers: try need(raw.num_hidden_layers, "num_hidden_layers"),
            numAttentionHeads: try need(raw.num_attention_heads, "num_attention_heads"),
            intermediateSize: try need(raw.intermediate_size, "intermediate_size"),
            hiddenAct: raw.hidden_act ?? "gelu",
            maxPositionEmbeddings: raw.max_position_embeddings ?? 512,
            typeVocabSize: raw.type_vocab_size ?? 2,
            layerNormEps: Float(raw.layer_norm_eps ?? 1e-12),
            positionEmbeddingType: raw.position_embedding_type ?? "absolute",
            modelType: modelType ?? "bert",
            architectures: architectures,
            padTokenId: raw.pad_token_id)
        try config.validate(path: file.path)
        return config
    }

    /// Checks the values for consistency and for settings this engine implements.
    public func validate(path: String) throws {
        for (key, value) in [("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("num_hidden_layers", numHiddenLayers),
                             ("num_attention_heads", numAttentionHeads), ("intermediate_size", intermediateSize),
                             ("max_position_embeddings", maxPositionEmbeddings), ("type_vocab_size", typeVocabSize)] {
            guard value > 0 else { throw ModelFileError.invalidJSON(path: path, reason: "\"\(key)\" must be positive, is \(value)") }
        }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw ModelFileError.invalidJSON(path: path, reason: "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        }
        guard positionEmbeddingType == "absolute" else {
            throw ModelFileError.unsupported(path: path, reason: "position_embedding_type \"\(positionEmbeddingType)\" (only \"absolute\")")
        }
        guard Self.supportedActivations.contains(hiddenAct) else {
            throw ModelFileError.unsupported(path: path, reason: "hidden_act \"\(hiddenAct)\" (supported: \(Self.supportedActivations.joined(separator: ", ")))")
        }
    }

    private struct RawConfig: Decodable {
        let model_type: String?
        let architectures: [String]?
        let vocab_size: Int?
        let hidden_size: Int?
        let num_hidden_layers: Int?
        let num_attention_heads: Int?
        let intermediate_size: Int?
        let hidden_act: String?
        let max_position_embeddings: Int?
        let type_vocab_size: Int?
        let layer_norm_eps: Double?
        let position_embedding_type: String?
        let pad_token_id: Int?
    }
}
