import Foundation
import Models
import Tensor

/// A local embedding model and the identity its vectors are cached under.
public struct LocalEmbeddingModel: Sendable {
    public let embedder: SentenceTransformerEmbedder
    public let identity: EmbeddingModelIdentity

    /// Loads a sentence-transformers directory found by `ModelLocator`.
    /// `precision` `.bfloat16` is recorded in the identity, so its vectors never mix with float32 ones.
    public static func load(_ nameOrPath: String, threads: Int = defaultThreadCount, batchSize: Int = 32,
                            precision: ComputePrecision = .float32) throws -> LocalEmbeddingModel {
        let directory = try ModelLocator.locate(nameOrPath)
        let embedder = try SentenceTransformerEmbedder.load(directory: directory, threads: threads, batchSize: batchSize,
                                                            precision: precision)
        // The configuration files and the weights' sizes: a different model or setting changes it.
        var hash = FNV1a64()
        let fileManager = FileManager.default
        for name in ["config.json", "modules.json", "sentence_bert_config.json", "1_Pooling/config.json", "tokenizer.json", "vocab.txt"] {
            if let data = fileManager.contents(atPath: directory.appendingPathComponent(name).path) { hash.update(data) }
        }
        for name in (try? fileManager.contentsOfDirectory(atPath: directory.path))?.sorted() ?? [] where name.hasSuffix(".safetensors") {
            let size = (try? fileManager.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.size] as? NSNumber)?.intValue ?? 0
            hash.update(Data("\(name):\(size)".utf8))
        }
        var settings = ["max_seq_length": String(embedder.maxSequenceLength)]
        // Only when not the default, so float32 identities (and the caches keyed by them) stay as they were.
        if precision != .float32 { settings["precision"] = precision.rawValue }
        let identity = EmbeddingModelIdentity(name: directory.lastPathComponent, fingerprint: hash.hex,
                                              dimension: embedder.dimension, settings: settings)
        return LocalEmbeddingModel(embedder: embedder, identity: identity)
    }
}
