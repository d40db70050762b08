import Foundation
import Testing
import TestSupport
import ModelFiles
import Tensor

@Suite struct SafetensorsReadingTests {
    @Test func readsEveryFloatTypeAndKeepsF32ZeroCopy() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var w = SafetensorsWriter()
        w.add("a", [1, 2, 3, 4, 5, 6], shape: [2, 3])
        w.addRaw("half", dtype: "F16", shape: [3], data: [0x00, 0x3C, 0x00, 0xC0, 0x55, 0x35])  // 1, -2, 0.33325195
        w.addRaw("brain", dtype: "BF16", shape: [2], data: [0x80, 0x3F, 0x49, 0xC0])           // 1, -3.140625
        w.addRaw("double", dtype: "F64", shape: [2], data: littleEndianBytes(of: (0.25).bitPattern) + littleEndianBytes(of: (-8.5).bitPattern))
        w.addRaw("ids", dtype: "I64", shape: [1, 2], data: littleEndianBytes(of: Int64(0)) + littleEndianBytes(of: Int64(1)))
        w.addRaw("empty", dtype: "F32", shape: [0, 4], data: [])
        let url = dir.appendingPathComponent("model.safetensors")
        try w.write(to: url)

        let file = try SafetensorsFile(path: url.path)
        #expect(file.tensorNames == ["a", "brain", "double", "empty", "half", "ids"])
        #expect(file.metadata == ["format": "pt"])
        let a = try file.floatTensor("a", shape: [2, 3])
        #expect(a.toArray() == [1, 2, 3, 4, 5, 6])
        #expect(a.matrix.rows == 2 && a.matrix.columns == 3 && a.matrix[1, 2] == 6)
        #expect(a.owner === (try file.floatTensor("a")).owner, "F32 tensors are views into the one mapping")
        #expect(try file.floatTensor("half").toArray() == [1, -2, 0.33325195])
        #expect(try file.floatTensor("brain").toArray() == [1, -3.140625])
        #expect(try file.floatTensor("double").toArray() == [0.25, -8.5])
        #expect(try file.floatTensor("empty").count == 0)
        // Converted tensors are converted once.
        #expect(try file.floatTensor("half").pointer == (try file.floatTensor("half")).pointer)
        #expect(throws: ModelFileError.unsupportedDType(path: url.path, name: "ids", dtype: "I64")) {
            try file.floatTensor("ids")
        }
    }

    @Test func unalignedF32DataIsCopied() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var w = SafetensorsWriter()
        w.leadingPadding = 1
        w.add("x", [0.5, -1.5, 3], shape: [3])
        w.addRaw("h", dtype: "F16", shape: [1], data: [0x00, 0x3C])  // at an odd offset after 1 + 12 bytes
        let url = dir.appendingPathComponent("m.safetensors")
        try w.write(to: url)
        let file = try SafetensorsFile(path: url.path)
        let x = try file.floatTensor("x")
        #expect(x.toArray() == [0.5, -1.5, 3])
        #expect(Int(bitPattern: x.pointer) % 4 == 0)
        #expect(try file.floatTensor("h").toArray() == [1])
    }

    @Test func shardedWeightsThroughTheIndex() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var s1 = SafetensorsWriter(), s2 = SafetensorsWriter()
        s1.add("layer.0.weight", [1, 2], shape: [2])
        s2.add("layer.1.weight", [3, 4, 5], shape: [3])
        s2.add("extra", [9], shape: [1])
        try s1.write(to: dir.appendingPathComponent("model-00001-of-00002.safetensors"))
        try s2.write(to: dir.appendingPathComponent("model-00002-of-00002.safetensors"))
        let index = """
        {"metadata": {"total_size": 24}, "weight_map": {"layer.0.weight": "model-00001-of-00002.safetensors",
         "layer.1.weight": "model-00002-of-00002.safetensors"}}
        """
        try index.write(to: dir.appendingPathComponent("model.safetensors.index.json"), atomically: true, encoding: .utf8)
        let weights = try SafetensorsWeights(directory: dir)
        #expect(weights.files.count == 2)
        #expect(weights.tensorNames == ["extra", "layer.0.weight", "layer.1.weight"])
        #expect(try weights.floatTensor("layer.1.weight", shape: [3]).toArray() == [3, 4, 5])
        #expect(try weights.floatTensor("layer.0.weight").toArray() == [1, 2])
        let indexPath = dir.appendingPathComponent("model.safetensors.index.json").path
        #expect(throws: ModelFileError.missingTensor(path: indexPath, name: "nope")) { try weights.floatTensor("nope") }

        // A shard the index names but that is not there.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model-00002-of-00002.safetensors"))
        #expect(throws: ModelFileError.missingFile(path: dir.appendingPathComponent("model-00002-of-00002.safetensors").path,
                                                   what: "safetensors shard listed in \(indexPath)")) {
            try SafetensorsWeights(directory: dir)
        }
    }

    @Test func tinyBertCheckpoint() throws {
        try #require(TestPaths.hasTinyBert, "tiny-bert fixture not found under \(TestPaths.shared.path)")
        let weights = try SafetensorsWeights(directory: TestPaths.tinyBert)
        #expect(weights.tensorNames.count == 39)
        let word = try weights.floatTensor("embeddings.word_embeddings.weight", shape: [168, 64])
        #expect(word.matrix.rows == 168)
        #expect(word.buffer.allSatisfy { $0.isFinite })
        let config = try BertConfig.load(from: TestPaths.tinyBert)
        #expect(config == BertConfig(vocabSize: 168, hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4,
                                     intermediateSize: 128, hiddenAct: "gelu", maxPositionEmbeddings: 128, typeVocabSize: 2,
                                     layerNormEps: 1e-12, modelType: "bert", architectures: ["BertModel"], padTokenId: 0))
        let st = try SentenceTransformerConfig.load(directory: TestPaths.tinyBert)
        #expect(st.modules.map(\.kind) == ["Transformer", "Pooling", "Normalize"])
        #expect(st.pooling.modes == [.mean] && st.pooling.includePrompt)
        #expect(st.pooling.wordEmbeddingDimension == 64)
        #expect(st.normalize)
        #expect(st.maxSeqLength == 128)
        #expect(st.transformerDirectory.path == TestPaths.tinyBert.path)
    }

    @Test(.enabled(if: TestPaths.hasMiniLM, "all-MiniLM-L6-v2 not found: set REASONIR_MODELS or run scripts/fetch-models.sh"))
    func miniLMCheckpoint() throws {
        let weights = try SafetensorsWeights(directory: TestPaths.miniLM)
        let word = try weights.floatTensor("embeddings.word_embeddings.weight", shape: [30522, 384])
        #expect(word.count == 30522 * 384)
        // position_ids is stored as I64: present, but not a float tensor.
        #expect(weights.contains("embeddings.position_ids"))
        #expect(throws: ModelFileError.self) { try weights.floatTensor("embeddings.position_ids") }
        let config = try BertConfig.load(from: TestPaths.miniLM.appendingPathComponent("config.json"))
        #expect(config.hiddenSize == 384 && config.numHiddenLayers == 6 && config.numAttentionHeads == 12)
        let st = try SentenceTransformerConfig.load(directory: TestPaths.miniLM)
        #expect(st.maxSeqLength == 256 && st.normalize && st.pooling.modes == [.mean])
    }
}

@Suite struct BadModelFileTests {
    func write(_ bytes: [UInt8], _ name: String = "bad.safetensors") throws -> (URL, URL) {
        let dir = try TestPaths.temporaryDirectory()
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return (dir, url)
    }

    func corruptReason(_ bytes: [UInt8]) throws -> String {
        let (dir, url) = try write(bytes)
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try SafetensorsFile(path: url.path)
        } catch let ModelFileError.corruptSafetensors(path, reason) {
            #expect(path == url.path)
            return reason
        }
        Issue.record("no error for a corrupt file")
        return ""
    }

    var good: SafetensorsWriter {
        var w = SafetensorsWriter()
        w.add("w", [1, 2, 3, 4], shape: [2, 2])
        w.add("b", [5, 6], shape: [2])
        return w
    }

    @Test func tooShortForTheLengthField() throws {
        let reason = try corruptReason([1, 2, 3])
        #expect(reason.contains("too short"))
        #expect(try corruptReason([]).contains("too short"))
    }

    @Test func headerLengthBeyondTheFile() throws {
        let reason = try corruptReason(good.bytes(declaredLength: 1_000_000))
        #expect(reason.contains("header length 1000000 runs past the end of the file"), "\(reason)")
    }

    @Test func truncatedDataSection() throws {
        let full = good.bytes()
        let reason = try corruptReason(Array(full.dropLast(5)))
        #expect(reason.contains("tensor \"b\"") && reason.contains("outside the data section"), "\(reason)")
    }

    @Test func headerThatIsNotJSON() throws {
        let reason = try corruptReason(good.bytes(headerText: "{\"w\": {\"dtype\": \"F32\", "))
        #expect(reason.contains("not a valid JSON object"), "\(reason)")
        let notObject = try corruptReason(good.bytes(headerText: "[1, 2]"))
        #expect(notObject.contains("not a valid JSON object"), "\(notObject)")
    }

    @Test func entriesWithMissingOrMistypedFields() throws {
        let noDtype = try corruptReason(good.bytes(headerText: "{\"w\": {\"shape\": [2], \"data_offsets\": [0, 8]}}"))
        #expect(noDtype.contains("tensor \"w\"") && noDtype.contains("dtype"), "\(noDtype)")
        let badShape = try corruptReason(good.bytes(headerText: "{\"w\": {\"dtype\": \"F32\", \"shape\": [\"two\"], \"data_offsets\": [0, 8]}}"))
        #expect(badShape.contains("tensor \"w\"") && badShape.contains("shape"), "\(badShape)")
        let negative = try corruptReason(good.bytes(headerText: "{\"w\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}"))
        #expect(negative.contains("negative"), "\(negative)")
    }

    @Test func offsetsOutOfRangeOrInconsistent() throws {
        let beyond = try corruptReason(good.bytes(offsetOverride: ["w": (0, 4096)]))
        #expect(beyond.contains("tensor \"w\"") && beyond.contains("data_offsets [0, 4096]"), "\(beyond)")
        let reversed = try corruptReason(good.bytes(offsetOverride: ["w": (16, 8)]))
        #expect(reversed.contains("data_offsets [16, 8]"), "\(reversed)")
        let wrongSize = try corruptReason(good.bytes(offsetOverride: ["w": (0, 12)]))
        #expect(wrongSize.contains("12 bytes of data for shape [2, 2] of F32 (expected 16)"), "\(wrongSize)")
    }

    @Test func missingTensorAndWrongShape() throws {
        let (dir, url) = try write(good.bytes())
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try SafetensorsFile(path: url.path)
        #expect(throws: ModelFileError.missingTensor(path: url.path, name: "encoder.layer.0.attention.self.query.weight")) {
            try file.floatTensor("encoder.layer.0.attention.self.query.weight")
        }
        #expect(throws: ModelFileError.wrongShape(path: url.path, name: "w", expected: [4, 2], actual: [2, 2])) {
            try file.floatTensor("w", shape: [4, 2])
        }
        let message = ModelFileError.wrongShape(path: url.path, name: "w", expected: [4, 2], actual: [2, 2]).description
        #expect(message.contains(url.path) && message.contains("\"w\""))
    }

    @Test func missingFiles() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.json")
        #expect(throws: ModelFileError.missingFile(path: config.path, what: "model config (config.json)")) {
            try BertConfig.load(from: dir)
        }
        #expect(throws: ModelFileError.self) { try SafetensorsWeights(directory: dir) }
        do {
            _ = try SafetensorsWeights(directory: dir)
        } catch let error as ModelFileError {
            #expect(error.description.contains("model.safetensors"))
        }
        #expect(throws: ModelFileError.missingFile(path: dir.appendingPathComponent("x.safetensors").path, what: "file")) {
            try SafetensorsFile(path: dir.appendingPathComponent("x.safetensors").path)
        }
    }

    @Test func configErrors() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("config.json")
        let base = "\"vocab_size\": 10, \"hidden_size\": 8, \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"intermediate_size\": 16"

        try "{\"model_type\": \"llama\", \"architectures\": [\"LlamaModel\"], \(base)}".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.unknownArchitecture(path: url.path, modelType: "llama", architectures: ["LlamaModel"], supported: ["bert"])) {
            try BertConfig.load(from: url)
        }
        try "{\"model_type\": \"bert\", \(base), \"hidden_act\": \"swish\"}".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.self) { try BertConfig.load(from: url) }
        try "{\"model_type\": \"bert\", \(base), \"position_embedding_type\": \"relative_key\"}".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.unsupported(path: url.path, reason: "position_embedding_type \"relative_key\" (only \"absolute\")")) {
            try BertConfig.load(from: url)
        }
        try "{\"model_type\": \"bert\", \"vocab_size\": 10}".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.invalidJSON(path: url.path, reason: "no \"hidden_size\"")) { try BertConfig.load(from: url) }
        try "{\"model_type\": \"bert\", \(base.replacingOccurrences(of: "\"num_attention_heads\": 2", with: "\"num_attention_heads\": 3"))}"
            .write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.self) { try BertConfig.load(from: url) }
        try "{not json".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.self) { try BertConfig.load(from: url) }
        // No model_type but a Bert architecture: accepted.
        try "{\"architectures\": [\"BertModel\"], \(base)}".write(to: url, atomically: true, encoding: .utf8)
        #expect(try BertConfig.load(from: url).hiddenSize == 8)
    }

    @Test func sentenceTransformerModuleErrors() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // No modules.json: a plain Hugging Face model gets mean pooling, no normalisation.
        let plain = try SentenceTransformerConfig.load(directory: dir)
        #expect(!plain.hasModulesFile && plain.pooling.modes == [.mean] && !plain.normalize && plain.maxSeqLength == nil)

        let modules = dir.appendingPathComponent("modules.json")
        try """
        [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
         {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
        """.write(to: modules, atomically: true, encoding: .utf8)
        let poolingConfig = dir.appendingPathComponent("1_Pooling/config.json")
        #expect(throws: ModelFileError.missingFile(path: poolingConfig.path, what: "pooling config")) {
            try SentenceTransformerConfig.load(directory: dir)
        }
        try FileManager.default.createDirectory(at: poolingConfig.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "{\"word_embedding_dimension\": 8, \"pooling_mode_cls_token\": true, \"pooling_mode_max_tokens\": true, \"include_prompt\": false}"
            .write(to: poolingConfig, atomically: true, encoding: .utf8)
        let st = try SentenceTransformerConfig.load(directory: dir)
        #expect(st.pooling.modes == [.cls, .max] && !st.pooling.includePrompt && !st.normalize)

        try """
        [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
         {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
         {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}]
        """.write(to: modules, atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.self) { try SentenceTransformerConfig.load(directory: dir) }
    }
}
