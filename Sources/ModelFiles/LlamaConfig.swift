import Foundation

/// How RoPE pairs the dimensions of a head: Hugging Face and Qwen2 rotate the two halves
/// (`i` with `i + d/2`, GGML "NEOX" mode); llama.cpp's converter permutes the Q/K rows of `llama`
/// models so that pairs are adjacent (`2i` with `2i + 1`, GGML "normal" mode).
public enum RopePairing: String, Sendable, Equatable {
    case halves
    case interleaved
}

/// Llama-3 RoPE frequency scaling (`rope_scaling` / `rope_parameters` with rope_type "llama3").
public struct Llama3RopeScaling: Sendable, Equatable {
    public var factor: Double
    public var lowFrequencyFactor: Double
    public var highFrequencyFactor: Double
    public var originalMaxPositionEmbeddings: Int

    public init(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double, originalMaxPositionEmbeddings: Int) {
        self.factor = factor
        self.lowFrequencyFactor = lowFrequencyFactor
        self.highFrequencyFactor = highFrequencyFactor
        self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
    }
}

/// The fields of a Llama-family `config.json` (model_type "llama" or "qwen2"), or the same values
/// read from GGUF metadata.
public struct LlamaConfig: Sendable, Equatable {
    public var modelType: String
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var headDimension: Int
    public var rmsNormEps: Float
    public var ropeTheta: Double
    public var ropeScaling: Llama3RopeScaling?
    /// Per-frequency divisors of the RoPE inverse frequencies (`rope_freqs.weight` in llama.cpp's
    /// Llama 3.1+ conversions: the Llama-3 scaling precomputed), one per pair of a head's dimensions.
    public var ropeFrequencyFactors: [Float]?
    public var ropePairing: RopePairing
    public var tieWordEmbeddings: Bool
    /// Q/K/V projections carry a bias (Qwen2).
    public var attentionBias: Bool
    public var maxPositionEmbeddings: Int
    public var bosTokenID: Int?
    public var eosTokenIDs: [Int]

    public init(modelType: String = "llama", vocabSize: Int, hiddenSize: Int, intermediateSize: Int,
                numHiddenLayers: Int, numAttentionHeads: Int, numKeyValueHeads: Int? = nil, headDimension: Int? = nil,
                rmsNormEps: Float = 1e-6, ropeTheta: Double = 10_000, ropeScaling: Llama3RopeScaling? = nil,
                ropeFrequencyFactors: [Float]? = nil, ropePairing: RopePairing = .halves, tieWordEmbeddings: Bool = false, attentionBias: Bool = false,
                maxPositionEmbeddings: Int = 2048, bosTokenID: Int? = nil, eosTokenIDs: [Int] = []) {
        self.modelType = modelType
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numKeyValueHeads = numKeyValueHeads ?? numAttentionHeads
        self.headDimension = headDimension ?? (numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0)
        self.rmsNormEps = rmsNormEps
        self.ropeTheta = ropeTheta
        self.ropeScaling = ropeScaling
        self.ropeFrequencyFactors = ropeFrequencyFactors
        self.ropePairing = ropePairing
        self.tieWordEmbeddings = tieWordEmbeddings
        self.attentionBias = attentionBias
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.bosTokenID = bosTokenID
        self.eosTokenIDs = eosTokenIDs
    }

    public static let supportedModelTypes = ["llama", "qwen2"]

    /// Query heads that share one key/value head.
    public var groupSize: Int { numAttentionHeads / numKeyValueHeads }

    /// RoPE inverse frequencies, one per pair of a head's dimensions, in Float32 as PyTorch computes
    /// them, with the Llama-3 scaling applied when configured.
    public func ropeInverseFrequencies() -> [Float] {
        let d = headDimension
        var inv = stride(from: 0, to: d, by: 2).map { i -> Float in
            1 / powf(Float(ropeTheta), Float(i) / Float(d))
        }
        if let factors = ropeFrequencyFactors {
            for i in inv.indices { inv[i] /= factors[i] }
        }
        guard let s = ropeScaling else { return inv }
        let old = Double(s.originalMaxPositionEmbeddings)
        let lowWavelength = old / s.lowFrequencyFactor, highWavelength = old / s.highFrequencyFactor
        for i in inv.indices {
            let f = Double(inv[i])
            let wavelength = 2 * Double.pi / f
            if wavelength < highWavelength { continue }                   // high frequency: kept
            if wavelength > lowWavelength { inv[i] = Float(f / s.factor); continue }  // low frequency: divided
            let smooth = (old / wavelength - s.lowFrequencyFactor) / (s.highFrequencyFactor - s.lowFrequencyFactor)
            inv[i] = Float((1 - smooth) * f / s.factor + smooth * f)
        }
        return inv
    }

    /// Reads and checks `config.json` (the file itself, or the directory that holds it).
    public static func load(from url: URL) throws -> LlamaConfig {
        let file = configFile(url)
        let object = try readJSONObject(file, what: "model config (config.json)")
        let path = file.path
        let fields = JSONFields(object: object, path: path)

        let modelType = try fields.string("model_type")
        let architectures = (object["architectures"] as? [Any])?.compactMap { $0 as? String } ?? []
        guard let modelType, supportedModelTypes.contains(modelType) else {
            throw ModelFileError.unknownArchitecture(path: path, modelType: modelType, architectures: architectures,
                                                     supported: supportedModelTypes)
        }
        let heads = try fields.requiredInt("num_attention_heads")
        let hidden = try fields.requiredInt("hidden_size")

        // transformers 5 writes `rope_parameters`; older files `rope_theta` and `rope_scaling`.
        var theta = try fields.double("rope_theta")
        var scalingObject: [String: Any]?
        var scalingKey = "rope_scaling"
        if let parameters = object["rope_parameters"], !(parameters is NSNull) {
            guard let p = parameters as? [String: Any] else {
                throw ModelFileError.invalidJSON(path: path, reason: "\"rope_parameters\" is not an object")
            }
            theta = try JSONFields(object: p, path: path, prefix: "rope_parameters.").double("rope_theta") ?? theta
            scalingObject = p
            scalingKey = "rope_parameters"
        } else if let scaling = object["rope_scaling"], !(scaling is NSNull) {
            guard let s = scaling as? [String: Any] else {
                throw ModelFileError.invalidJSON(path: path, reason: "\"rope_scaling\" is not an object or null")
            }
            scalingObject = s
        }
        var scaling: Llama3RopeScaling?
        if let s = scalingObject {
            let f = JSONFields(object: s, path: path, prefix: scalingKey + ".")
            let type = try f.string("rope_type") ?? f.string("type") ?? "default"
            switch type {
            case "default": break
            case "llama3":
                scaling = Llama3RopeScaling(
                    factor: try f.requiredDouble("factor"),
                    lowFrequencyFactor: try f.requiredDouble("low_freq_factor"),
                    highFrequencyFactor: try f.requiredDouble("high_freq_factor"),
                    originalMaxPositionEmbeddings: try f.requiredInt("original_max_position_embeddings"))
            default:
                throw ModelFileError.unsupported(path: path, reason: "\(scalingKey).rope_type \"\(type)\" (supported: default, llama3)")
            }
        }
        if let act = try fields.string("hidden_act"), act != "silu" {
            throw ModelFileError.unsupported(path: path, reason: "hidden_act \"\(act)\" (only \"silu\")")
        }
        if try fields.bool("mlp_bias") == true {
            throw ModelFileError.unsupported(path: path, reason: "mlp_bias true")
        }
        let config = LlamaConfig(
            modelType: modelType,
            vocabSize: try fields.requiredInt("vocab_size"),
            hiddenSize: hidden,
            intermediateSize: try fields.requiredInt("intermediate_size"),
            numHiddenLayers: try fields.requiredInt("num_hidden_layers"),
            numAttentionHeads: heads,
            numKeyValueHeads: try fields.int("num_key_value_heads") ?? heads,
            headDimension: try fields.int("head_dim") ?? (heads > 0 ? hidden / heads : 0),
            rmsNormEps: Float(try fields.double("rms_norm_eps") ?? 1e-6),
            ropeTheta: theta ?? 10_000,
            ropeScaling: scaling,
            ropePairing: .halves,
            tieWordEmbeddings: try fields.bool("tie_word_embeddings") ?? false,
            // Qwen2 always has Q/K/V biases; its config.json does not say so.
            attentionBias: try fields.bool("attention_bias") ?? (modelType == "qwen2"),
            maxPositionEmbeddings: try fields.int("max_position_embeddings") ?? 2048,
            bosTokenID: try fields.int("bos_token_id"),
            eosTokenIDs: try fields.intOrIntList("eos_token_id"))
        try config.validate(path: path)
        return config
    }

    /// Checks the values for consistency (`path` names where they came from in errors).
    public func validate(path: String) throws {
        func bad(_ reason: String) -> ModelFileError { .invalidJSON(path: path, reason: reason) }
        for (key, value) in [("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("intermediate_size", intermediateSize),
                             ("num_hidden_layers", numHiddenLayers), ("num_attention_heads", numAttentionHeads),
                             ("num_key_value_heads", numKeyValueHeads), ("head_dim", headDimension),
                             ("max_position_embeddings", maxPositionEmbeddings)] {
            guard value > 0 else { throw bad("\"\(key)\" must be positive, is \(value)") }
        }
        guard numAttentionHeads % numKeyValueHeads == 0 else {
            throw bad("num_attention_heads \(numAttentionHeads) is not a multiple of num_key_value_heads \(numKeyValueHeads)")
        }
        guard headDimension % 2 == 0 else { throw bad("head_dim \(headDimension) is odd (RoPE rotates pairs)") }
        if let factors = ropeFrequencyFactors {
            guard factors.count == headDimension / 2, factors.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw bad("\(factors.count) RoPE frequency factors for head_dim \(headDimension) (need head_dim/2, all positive)")
            }
            guard ropeScaling == nil else { throw bad("RoPE frequency factors and llama3 rope scaling together") }
        }
        guard rmsNormEps > 0, rmsNormEps.isFinite else { throw bad("rms_norm_eps must be positive, is \(rmsNormEps)") }
        guard ropeTheta > 0, ropeTheta.isFinite else { throw bad("rope_theta must be positive, is \(ropeTheta)") }
        if let s = ropeScaling {
            guard s.factor > 0, s.originalMaxPositionEmbeddings > 0, s.highFrequencyFactor > s.lowFrequencyFactor,
                  s.lowFrequencyFactor > 0 else {
                throw bad("llama3 rope scaling needs factor > 0, original_max_position_embeddings > 0 and high_freq_factor > low_freq_factor > 0")
            }
        }
        for (key, id) in [("bos_token_id", bosTokenID)] + eosTokenIDs.map({ ("eos_token_id", Optional($0)) }) {
            if let id, id < 0 || id >= vocabSize { throw bad("\(key) \(id) is outside the vocabulary (size \(vocabSize))") }
        }
    }
}

/// `url` itself, or its `config.json` when it is a directory.
func configFile(_ url: URL) -> URL {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
    return exists && isDirectory.boolValue ? url.appendingPathComponent("config.json") : url
}

/// Typed access to a JSON object's fields, with errors that name the file and the field.
struct JSONFields {
    let object: [String: Any]
    let path: String
    var prefix = ""

    private func wrong(_ key: String, _ expected: String) -> ModelFileError {
        .invalidJSON(path: path, reason: "\"\(prefix)\(key)\" is not \(expected)")
    }

    private func value(_ key: String) -> Any? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        return v
    }

    // JSONSerialization gives booleans as NSNumber too; their type code is "c".
    private func isBool(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

    func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v as? String else { throw wrong(key, "a string") }
        return s
    }

    func int(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard let n = v as? NSNumber, !isBool(n), let i = Int(exactly: n.doubleValue) else { throw wrong(key, "an integer") }
        return i
    }

    func double(_ key: String) throws -> Double? {
        guard let v = value(key) else { return nil }
        guard let n = v as? NSNumber, !isBool(n) else { throw wrong(key, "a number") }
        return n.doubleValue
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard let n = v as? NSNumber, isBool(n) else { throw wrong(key, "true or false") }
        return n.boolValue
    }

    func requiredInt(_ key: String) throws -> Int {
        guard let i = try int(key) else { throw ModelFileError.invalidJSON(path: path, reason: "no \"\(prefix)\(key)\"") }
        return i
    }

    func requiredDouble(_ key: String) throws -> Double {
        guard let d = try double(key) else { throw ModelFileError.invalidJSON(path: path, reason: "no \"\(prefix)\(key)\"") }
        return d
    }

    /// An integer or a list of integers (e.g. `eos_token_id`); absent gives `[]`.
    func intOrIntList(_ key: String) throws -> [Int] {
        guard let v = value(key) else { return [] }
        if let list = v as? [Any] {
            return try list.map { item in
                guard let n = item as? NSNumber, !isBool(n), let i = Int(exactly: n.doubleValue) else {
                    throw wrong(key, "an integer or a list of integers")
                }
                return i
            }
        }
        guard let i = try int(key) else { return [] }
        return [i]
    }
}
