import Foundation

/// How token vectors become one text vector (sentence-transformers `Pooling`). When several modes
/// are on, their vectors are concatenated in this order, as sentence-transformers does.
public enum PoolingMode: String, Sendable, CaseIterable, Equatable {
    case cls
    case max
    case mean
    case meanSqrtLength = "mean_sqrt_len_tokens"
    case weightedMean = "weightedmean"
    case lastToken = "lasttoken"
}

/// `1_Pooling/config.json`.
public struct PoolingConfig: Sendable, Equatable {
    public var wordEmbeddingDimension: Int?
    /// In concatenation order.
    public var modes: [PoolingMode]
    /// When false, the prompt (instruction) tokens are left out of the pooling.
    public var includePrompt: Bool

    public init(wordEmbeddingDimension: Int? = nil, modes: [PoolingMode] = [.mean], includePrompt: Bool = true) {
        self.wordEmbeddingDimension = wordEmbeddingDimension
        self.modes = PoolingMode.allCases.filter { modes.contains($0) }
        self.includePrompt = includePrompt
    }

    public static func load(from url: URL) throws -> PoolingConfig {
        let object = try readJSONObject(url, what: "pooling config")
        func flag(_ key: String) throws -> Bool {
            guard let value = object[key] else { return false }
            guard let b = value as? Bool else {
                throw ModelFileError.invalidJSON(path: url.path, reason: "\"\(key)\" is not true or false")
            }
            return b
        }
        var modes: [PoolingMode] = []
        if try flag("pooling_mode_cls_token") { modes.append(.cls) }
        if try flag("pooling_mode_max_tokens") { modes.append(.max) }
        if try flag("pooling_mode_mean_tokens") { modes.append(.mean) }
        if try flag("pooling_mode_mean_sqrt_len_tokens") { modes.append(.meanSqrtLength) }
        if try flag("pooling_mode_weightedmean_tokens") { modes.append(.weightedMean) }
        if try flag("pooling_mode_lasttoken") { modes.append(.lastToken) }
        if let mode = object["pooling_mode"] as? String {  // the constructor's string form, if a file carries it
            let names: [String: PoolingMode] = ["cls": .cls, "max": .max, "mean": .mean, "mean_sqrt_len_tokens": .meanSqrtLength,
                                                "weightedmean": .weightedMean, "lasttoken": .lastToken]
            guard let m = names[mode] else {
                throw ModelFileError.unsupported(path: url.path, reason: "pooling_mode \"\(mode)\"")
            }
            modes = [m]
        }
        if let unsupported = ["pooling_mode_attention_tokens"].first(where: { (object[$0] as? Bool) == true }) {
            throw ModelFileError.unsupported(path: url.path, reason: "\(unsupported)")
        }
        guard !modes.isEmpty else {
            throw ModelFileError.invalidJSON(path: url.path, reason: "no pooling mode is enabled")
        }
        let include = object["include_prompt"] as? Bool ?? true
        return PoolingConfig(wordEmbeddingDimension: object["word_embedding_dimension"] as? Int, modes: modes, includePrompt: include)
    }
}

/// The sentence-transformers files of a model directory: `modules.json`, the Pooling module's
/// `config.json`, `sentence_bert_config.json` and `config_sentence_transformers.json`.
public struct SentenceTransformerConfig: Sendable, Equatable {
    public struct Module: Sendable, Equatable {
        public var index: Int
        public var name: String
        public var path: String
        public var type: String
        /// The class name without its Python module (`Transformer`, `Pooling`, `Normalize`, …).
        public var kind: String { String(type.split(separator: ".").last ?? "") }
    }

    public var modules: [Module]
    /// Where the Transformer module's files are (the directory itself for the usual layout).
    public var transformerDirectory: URL
    public var pooling: PoolingConfig
    public var normalize: Bool
    /// From `sentence_bert_config.json`; `nil` when the file does not set it.
    public var maxSeqLength: Int?
    public var doLowerCase: Bool
    /// Named prompts from `config_sentence_transformers.json` (e.g. "query": "query: ").
    public var prompts: [String: String]
    public var defaultPromptName: String?
    /// False when the directory has no `modules.json` (a plain Hugging Face model): then, as
    /// sentence-transformers does, mean pooling without normalisation.
    public var hasModulesFile: Bool

    public static let supportedModules = ["Transformer", "Pooling", "Normalize"]

    public static func load(directory: URL) throws -> SentenceTransformerConfig {
        let modulesURL = directory.appendingPathComponent("modules.json")
        guard FileManager.default.fileExists(atPath: modulesURL.path) else {
            return SentenceTransformerConfig(
                modules: [], transformerDirectory: directory, pooling: PoolingConfig(modes: [.mean]), normalize: false,
                maxSeqLength: try readSentenceBertConfig(directory).maxSeqLength, doLowerCase: false,
                prompts: try readPrompts(directory).prompts, defaultPromptName: nil, hasModulesFile: false)
        }
        guard let list = try readJSON(modulesURL, what: "sentence-transformers modules") as? [[String: Any]] else {
            throw ModelFileError.invalidJSON(path: modulesURL.path, reason: "not a list of module objects")
        }
        var modules: [Module] = []
        for (i, entry) in list.enumerated() {
            guard let type = entry["type"] as? String else {
                throw ModelFileError.invalidJSON(path: modulesURL.path, reason: "module \(i) has no \"type\"")
            }
            modules.append(Module(index: entry["idx"] as? Int ?? i, name: entry["name"] as? String ?? String(i),
                                  path: entry["path"] as? String ?? "", type: type))
        }
        modules.sort { $0.index < $1.index }
        for m in modules where !supportedModules.contains(m.kind) {
            throw ModelFileError.unsupported(path: modulesURL.path, reason: "module \(m.type) (supported: \(supportedModules.joined(separator: ", ")))")
        }
        guard let transformer = modules.first, transformer.kind == "Transformer" else {
            throw ModelFileError.unsupported(path: modulesURL.path, reason: "the first module must be a Transformer")
        }
        let transformerDirectory = transformer.path.isEmpty ? directory : directory.appendingPathComponent(transformer.path)
        var pooling = PoolingConfig(modes: [.cls])  // a Transformer alone gives token vectors; CLS is the usual reading
        var normalize = false
        var sawPooling = false
        for m in modules.dropFirst() {
            switch m.kind {
            case "Pooling":
                guard !sawPooling else {
                    throw ModelFileError.unsupported(path: modulesURL.path, reason: "more than one Pooling module")
                }
                sawPooling = true
                pooling = try PoolingConfig.load(from: directory.appendingPathComponent(m.path).appendingPathComponent("config.json"))
            case "Normalize":
                normalize = true
            default:
                break
            }
        }
        guard sawPooling else {
            throw ModelFileError.unsupported(path: modulesURL.path, reason: "no Pooling module (token embeddings only)")
        }
        let sbert = try readSentenceBertConfig(transformerDirectory)
        let prompts = try readPrompts(directory)
        return SentenceTransformerConfig(modules: modules, transformerDirectory: transformerDirectory, pooling: pooling,
                                         normalize: normalize, maxSeqLength: sbert.maxSeqLength, doLowerCase: sbert.doLowerCase,
                                         prompts: prompts.prompts, defaultPromptName: prompts.defaultName, hasModulesFile: true)
    }

    private static func readSentenceBertConfig(_ directory: URL) throws -> (maxSeqLength: Int?, doLowerCase: Bool) {
        let url = directory.appendingPathComponent("sentence_bert_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return (nil, false) }
        let object = try readJSONObject(url, what: "sentence-transformers config")
        var maxLength: Int?
        if let value = object["max_seq_length"], !(value is NSNull) {
            guard let n = value as? Int, n > 0 else {
                throw ModelFileError.invalidJSON(path: url.path, reason: "\"max_seq_length\" is not a positive integer")
            }
            maxLength = n
        }
        return (maxLength, object["do_lower_case"] as? Bool ?? false)
    }

    private static func readPrompts(_ directory: URL) throws -> (prompts: [String: String], defaultName: String?) {
        let url = directory.appendingPathComponent("config_sentence_transformers.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return ([:], nil) }
        let object = try readJSONObject(url, what: "sentence-transformers settings")
        return ((object["prompts"] as? [String: String]) ?? [:], object["default_prompt_name"] as? String)
    }
}
