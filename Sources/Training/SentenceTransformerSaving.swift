import Foundation
import ModelFiles
import Tensor

/// Saves a ``BertTrainingModel`` as a sentence-transformers directory that sentence-transformers and
/// our own loaders read unchanged: `model.safetensors` (Hugging Face names, Q/K/V split again), the
/// source's `config.json` and tokenizer files, and the module files (`modules.json`, `1_Pooling/`,
/// `sentence_bert_config.json`, `config_sentence_transformers.json`), copied or written.
enum SentenceTransformerSaving {
    static let copiedFiles = ["config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json",
                              "sentence_bert_config.json", "config_sentence_transformers.json", "modules.json"]

    static func save(_ model: BertTrainingModel, to directory: URL) throws {
        let fm = FileManager.default
        let source = model.source, transformer = model.configuration.transformerDirectory
        for name in copiedFiles {
            let from = [transformer, source].map { $0.appendingPathComponent(name) }.first { fm.fileExists(atPath: $0.path) }
            if let from { try DirectoryWriting.copyFile(from, to: directory.appendingPathComponent(name)) }
        }
        // Every non-Transformer module's own directory (Pooling's config, a Dense layer's files, …).
        for module in model.configuration.modules where !module.path.isEmpty && module.kind != "Transformer" {
            let from = source.appendingPathComponent(module.path), to = directory.appendingPathComponent(module.path)
            try fm.createDirectory(at: to, withIntermediateDirectories: true)
            for name in (try? fm.contentsOfDirectory(atPath: from.path)) ?? [] {
                try DirectoryWriting.copyFile(from.appendingPathComponent(name), to: to.appendingPathComponent(name))
            }
        }
        if !model.configuration.hasModulesFile { try writeModuleFiles(model, to: directory) }
        try DirectoryWriting.writeFile(try weights(model), to: directory.appendingPathComponent("model.safetensors"))
        DirectoryWriting.syncDirectory(directory)
    }

    /// The weights with Hugging Face's names, then any tensor of the source file that is not trained
    /// (BERT's pooler head, which sentence-transformers loads but does not use) unchanged.
    static func weights(_ model: BertTrainingModel) throws -> Data {
        var tensors = model.huggingFaceTensors(\.value).map { SafetensorsEncoding.Tensor(name: $0.name, shape: $0.shape, values: $0.values) }
        let trained = Set(tensors.map(\.name))
        let source = try SafetensorsWeights(directory: model.configuration.transformerDirectory)
        var kept: [FloatTensor] = []
        for name in source.tensorNames where !trained.contains(name) {
            guard let tensor = try? source.floatTensor(name) else { continue }  // integer buffers (position_ids) are rebuilt by transformers
            kept.append(tensor)
            tensors.append(.init(name: name, shape: tensor.shape, values: tensor.buffer))
        }
        return withExtendedLifetime(kept) { SafetensorsEncoding.encode(tensors) }
    }

    /// modules.json, 1_Pooling/config.json and config_sentence_transformers.json for a source that had none.
    static func writeModuleFiles(_ model: BertTrainingModel, to directory: URL) throws {
        var modules = [("0", "", "sentence_transformers.models.Transformer"), ("1", "1_Pooling", "sentence_transformers.models.Pooling")]
        if model.configuration.normalize { modules.append(("2", "2_Normalize", "sentence_transformers.models.Normalize")) }
        let list = modules.enumerated().map { i, m in
            "  {\"idx\": \(i), \"name\": \"\(m.0)\", \"path\": \"\(m.1)\", \"type\": \"\(m.2)\"}"
        }
        try DirectoryWriting.writeFile(Data(("[\n" + list.joined(separator: ",\n") + "\n]\n").utf8),
                                       to: directory.appendingPathComponent("modules.json"))
        let pooling = directory.appendingPathComponent("1_Pooling")
        try FileManager.default.createDirectory(at: pooling, withIntermediateDirectories: true)
        let modes = model.configuration.pooling.modes
        let flags: [(String, Bool)] = [("pooling_mode_cls_token", modes.contains(.cls)), ("pooling_mode_mean_tokens", modes.contains(.mean)),
                                       ("pooling_mode_max_tokens", modes.contains(.max)),
                                       ("pooling_mode_mean_sqrt_len_tokens", modes.contains(.meanSqrtLength)),
                                       ("pooling_mode_weightedmean_tokens", modes.contains(.weightedMean)),
                                       ("pooling_mode_lasttoken", modes.contains(.lastToken))]
        let body = (["  \"word_embedding_dimension\": \(model.hiddenSize)"] + flags.map { "  \"\($0.0)\": \($0.1)" }).joined(separator: ",\n")
        try DirectoryWriting.writeFile(Data("{\n\(body)\n}\n".utf8), to: pooling.appendingPathComponent("config.json"))
        let stConfig = directory.appendingPathComponent("config_sentence_transformers.json")
        if !FileManager.default.fileExists(atPath: stConfig.path) {
            try DirectoryWriting.writeFile(Data("{\n  \"similarity_fn_name\": \"cosine\"\n}\n".utf8), to: stConfig)
        }
    }
}
