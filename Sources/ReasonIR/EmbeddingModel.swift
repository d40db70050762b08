import Foundation
import LLM
import ModelFiles
import Models
import Tensor
import Tokenizers

/// An embedding model and the identity its vectors are cached under: a sentence-transformers
/// (BERT) directory, a Llama-family checkpoint run as a ReasonIR-style embedder, or a remote
/// OpenAI-compatible embeddings server (``RemoteEmbeddingModel``).
public struct EmbeddingModel: Sendable {
    public let embedder: any Embedder
    public let identity: EmbeddingModelIdentity

    public init(embedder: any Embedder, identity: EmbeddingModelIdentity) {
        self.embedder = embedder
        self.identity = identity
    }

    /// The BERT-family embedder behind this model, when it is one (the server needs its tokenizer).
    public var sentenceTransformer: SentenceTransformerEmbedder? { embedder as? SentenceTransformerEmbedder }

    /// The Llama-family embedder behind this model, when it is one.
    public var llama: LlamaEmbedder? { embedder as? LlamaEmbedder }

    /// Loads the model `ModelLocator` finds for `nameOrPath`:
    /// - a `.gguf` file, or a directory holding exactly one, or a directory whose `config.json`
    ///   says `model_type` `llama` or `qwen2` (safetensors weights): a ``LlamaEmbedder`` with GritLM
    ///   prompts, bidirectional attention and mean pooling without the prompt, as ReasonIR-8B runs;
    ///   texts are cut at `maxSequenceLength` tokens (default ``defaultLlamaMaxSequenceLength``);
    /// - any other directory: a sentence-transformers model.
    ///
    /// `precision` `.bfloat16` (sentence-transformers only) is recorded in the identity, so its
    /// vectors never mix with float32 ones.
    /// - an `http://` or `https://` address: the embeddings server there (``remote(_:batchSize:)``,
    ///   API key from `$REASONIR_EMBEDDING_API_KEY`), as an index records a model it was built with.
    public static func load(_ nameOrPath: String, threads: Int = defaultThreadCount, batchSize: Int = 32,
                            precision: ComputePrecision = .float32, maxSequenceLength: Int? = nil) throws -> EmbeddingModel {
        if isServerAddress(nameOrPath) {
            let key = ProcessInfo.processInfo.environment["REASONIR_EMBEDDING_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            return try remote(OpenAICompatibleClient(configuration: LLMClientConfiguration(baseURL: nameOrPath, apiKey: key)))
        }
        let location = try ModelLocator.locate(nameOrPath)
        switch try EmbeddingModelFormat.detect(location) {
        case .sentenceTransformer:
            return try loadSentenceTransformer(location, threads: threads, batchSize: batchSize, precision: precision)
        case .llamaSafetensors, .gguf:
            guard precision == .float32 else {
                throw ReasonIRError.invalidOption("--precision \(precision.rawValue) is for sentence-transformers models; "
                                                  + "\(location.path) is a Llama-family model")
            }
            return try loadLlama(location, threads: threads, maxSequenceLength: maxSequenceLength)
        }
    }

    /// Texts a Llama-family embedder reads at most, prompt included, unless told otherwise:
    /// BRIGHT's document length for its decoder embedders, and bounded memory per batch.
    public static let defaultLlamaMaxSequenceLength = 2048

    private static func loadSentenceTransformer(_ directory: URL, threads: Int, batchSize: Int,
                                                precision: ComputePrecision) throws -> EmbeddingModel {
        let embedder = try SentenceTransformerEmbedder.load(directory: directory, threads: threads, batchSize: batchSize,
                                                            precision: precision)
        let fingerprint = directoryFingerprint(directory, files: ["config.json", "modules.json", "sentence_bert_config.json",
                                                                  "1_Pooling/config.json", "tokenizer.json", "vocab.txt"])
        var settings = ["max_seq_length": String(embedder.maxSequenceLength)]
        // Only when not the default, so float32 identities (and the caches keyed by them) stay as they were.
        if precision != .float32 { settings["precision"] = precision.rawValue }
        let identity = EmbeddingModelIdentity(name: directory.lastPathComponent, fingerprint: fingerprint,
                                              dimension: embedder.dimension, settings: settings)
        return EmbeddingModel(embedder: embedder, identity: identity)
    }

    private static func loadLlama(_ location: URL, threads: Int, maxSequenceLength: Int?) throws -> EmbeddingModel {
        let model: LlamaModel
        let tokenizer: any Tokenizer
        let fingerprint: String
        let name: String
        if let file = try EmbeddingModelFormat.ggufFile(at: location) {
            let gguf = try GGUFFile(url: file)
            let config = try LlamaConfig(gguf: gguf)
            model = try LlamaModel(config: config, weights: LlamaWeights(gguf: gguf, config: config))
            tokenizer = try ByteLevelBPETokenizer(gguf: gguf)
            // The header (metadata and tensor table) and the size: another file or quantization changes it.
            var hash = FNV1a64()
            hash.update(try headerBytes(of: file, count: 1 << 20))
            hash.update(Data("size:\(fileSize(file))".utf8))
            fingerprint = hash.hex
            name = file.deletingPathExtension().lastPathComponent
        } else {
            model = try LlamaModel(directory: location)
            tokenizer = try loadTokenizer(forModelAt: location)
            fingerprint = directoryFingerprint(location, files: ["config.json", "tokenizer.json", "tokenizer_config.json"])
            name = location.lastPathComponent
        }
        let length = maxSequenceLength ?? min(defaultLlamaMaxSequenceLength, model.config.maxPositionEmbeddings)
        let embedder = try LlamaEmbedder(model: model, tokenizer: tokenizer, threads: threads, batchSize: 4,
                                         maxSequenceLength: length)
        let settings = ["embedder": "gritlm", "pooling": "mean-without-prompt", "attention": "bidirectional",
                        "max_seq_length": String(embedder.maxSequenceLength)]
        return EmbeddingModel(embedder: embedder, identity: EmbeddingModelIdentity(name: name, fingerprint: fingerprint,
                                                                                  dimension: embedder.dimension, settings: settings))
    }

    /// A hash of `files` (those present) and of each safetensors file's name and size: a
    /// different model or setting changes it, without reading the weights.
    private static func directoryFingerprint(_ directory: URL, files: [String]) -> String {
        var hash = FNV1a64()
        let fileManager = FileManager.default
        for name in files {
            if let data = fileManager.contents(atPath: directory.appendingPathComponent(name).path) { hash.update(data) }
        }
        for name in (try? fileManager.contentsOfDirectory(atPath: directory.path))?.sorted() ?? [] where name.hasSuffix(".safetensors") {
            hash.update(Data("\(name):\(fileSize(directory.appendingPathComponent(name)))".utf8))
        }
        return hash.hex
    }

    private static func fileSize(_ url: URL) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
    }

    private static func headerBytes(of url: URL, count: Int) throws -> Data {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        return try handle.read(upToCount: count) ?? Data()
    }
}

/// What kind of embedding model a path holds.
public enum EmbeddingModelFormat: Sendable, Equatable {
    case sentenceTransformer
    /// A Hugging Face Llama-family directory (`config.json` `model_type` llama or qwen2, safetensors).
    case llamaSafetensors
    case gguf

    /// Decides from the path alone: a `.gguf` file or a directory with one `.gguf` file in it; a
    /// directory whose `config.json` names a Llama-family `model_type`; else sentence-transformers.
    public static func detect(_ location: URL) throws -> EmbeddingModelFormat {
        if try ggufFile(at: location) != nil { return .gguf }
        let config = location.appendingPathComponent("config.json")
        if let data = FileManager.default.contents(atPath: config.path),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let type = object["model_type"] as? String, LlamaConfig.supportedModelTypes.contains(type) {
            return .llamaSafetensors
        }
        return .sentenceTransformer
    }

    /// The GGUF file `location` is or holds; nil when it holds none and has a `config.json`
    /// (a Hugging Face directory). Two or more GGUF files in a directory are an error naming them.
    public static func ggufFile(at location: URL) throws -> URL? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: location.path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return location.pathExtension.lowercased() == "gguf" ? location : nil }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: location.path)) ?? [])
            .filter { $0.lowercased().hasSuffix(".gguf") }.sorted()
        if FileManager.default.fileExists(atPath: location.appendingPathComponent("config.json").path) { return nil }
        guard files.count <= 1 else {
            throw ReasonIRError.invalidOption("\(location.path) holds \(files.count) GGUF files (\(files.joined(separator: ", "))): "
                                              + "give --model the one to use")
        }
        return files.first.map { location.appendingPathComponent($0) }
    }
}
