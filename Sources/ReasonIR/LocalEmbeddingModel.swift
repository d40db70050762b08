import Foundation
import Models

/// A local embedding model and the identity its vectors are cached under.
public struct LocalEmbeddingModel: Sendable {
    public let embedder: SentenceTransformerEmbedder
    public let identity: EmbeddingModelIdentity

    /// Loads a sentence-transformers directory found by `ModelLocator`.
    public static func load(_ nameOrPath: String, threads: Int = defaultThreadCount, batchSize: Int = 32) throws -> LocalEmbeddingModel {
        let directory = try ModelLocator.locate(nameOrPath)
        let embedder = try SentenceTransformerEmbedder.load(directory: directory, threads: threads, batchSize: batchSize)
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
        let identity = EmbeddingModelIdentity(name: directory.lastPathComponent, fingerprint: hash.hex,
                                              dimension: embedder.dimension,
                                              settings: ["max_seq_length": String(embedder.maxSequenceLength)])
        return LocalEmbeddingModel(embedder: embedder, identity: identity)
    }
}
