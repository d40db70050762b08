import Foundation
import ModelFiles
import Models
import Tensor
import Testing
import TestSupport
import Tokenizers

// MARK: golden files

struct TinyBertGolden: Decodable {
    let texts: [String]
    let input_ids: [[Int32]]
    let batch_input_ids: [[Int32]]
    let batch_attention_mask: [[Int32]]
    let mean_pooled_raw: [[Float]]
    let mean_l2: [[Float]]
    let last_hidden_state_text0: [[Float]]

    static func load() throws -> TinyBertGolden {
        try JSONDecoder().decode(TinyBertGolden.self, from: Data(contentsOf: TestPaths.golden.appendingPathComponent("tiny_bert.json")))
    }
}

struct MiniLMGolden: Decodable {
    let texts: [String]
    let input_ids: [[Int32]]
    let embeddings: [[Float]]
    let max_seq_length: Int

    static func load() throws -> MiniLMGolden {
        try JSONDecoder().decode(MiniLMGolden.self, from: Data(contentsOf: TestPaths.golden.appendingPathComponent("minilm_st.json")))
    }
}

func maxAbsDiff(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

func cosine(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) { dot += Double(x) * Double(y); na += Double(x) * Double(x); nb += Double(y) * Double(y) }
    return dot / (na.squareRoot() * nb.squareRoot())
}

/// A tokenizer for tests: known texts map to fixed ids; anything else becomes one id per character
/// (wrapped in 101 … 102), so prefixes are visible.
struct TableTokenizer: Tokenizer {
    let table: [String: [Int32]]
    let vocabularySize: Int

    func encode(_ text: String, addSpecialTokens: Bool, maxLength: Int?) -> Encoding {
        var ids = table[text] ?? ((addSpecialTokens ? [101] : []) + text.unicodeScalars.map { Int32(1000 + $0.value % 500) } + (addSpecialTokens ? [102] : []))
        if let maxLength, ids.count > maxLength {
            ids = Array(ids.prefix(maxLength - 1)) + [ids.last!]
        }
        return Encoding(ids: ids, tokens: ids.map(String.init))
    }

    func id(of token: String) -> Int32? { nil }
}

// MARK: tiny-bert (random weights) against PyTorch

@Suite(.enabled(if: TestPaths.hasTinyBert, "tiny-bert fixture not found (set REASONIR_SHARED)"))
struct TinyBertTests {
    let golden: TinyBertGolden
    let encoder: BertEncoder

    init() throws {
        golden = try TinyBertGolden.load()
        encoder = try BertEncoder(directory: TestPaths.tinyBert)
    }

    @Test func paddedBatchMatchesTransformers() throws {
        let batch = TokenBatch(inputIDs: golden.batch_input_ids, attentionMask: golden.batch_attention_mask)
        let out = try encoder.forward(batch)
        // Last hidden state of text 0 (its 5 real tokens).
        var worstHidden: Float = 0
        for (t, expected) in golden.last_hidden_state_text0.enumerated() {
            worstHidden = max(worstHidden, maxAbsDiff(Array(out.token(0, t)), expected))
        }
        #expect(worstHidden < 1e-5, "last_hidden_state max |diff| \(worstHidden)")
        print("tiny-bert: last_hidden_state_text0 max |diff| \(worstHidden)")

        for normalize in [false, true] {
            let pooler = Pooler(config: PoolingConfig(modes: [.mean]), normalize: normalize)
            let pooled = Matrix(rows: batch.batchSize, columns: 64)
            pooler.pool(out.lastHiddenState.view, batch: batch, into: pooled.mutableView)
            let expected = normalize ? golden.mean_l2 : golden.mean_pooled_raw
            let worst = (0..<batch.batchSize).map { maxAbsDiff(Array(pooled.row($0)), expected[$0]) }.max()!
            #expect(worst < 1e-5, "normalize=\(normalize): max |diff| \(worst)")
            print("tiny-bert: mean pooled (normalize=\(normalize)) max |diff| \(worst)")
        }
    }

    @Test func embedderOnGoldenIdsMatchesSentenceTransformers() throws {
        let tokenizer = TableTokenizer(table: Dictionary(uniqueKeysWithValues: zip(golden.texts, golden.input_ids)), vocabularySize: 168)
        for (threads, batchSize) in [(1, 32), (2, 2), (3, 1)] {
            let embedder = try SentenceTransformerEmbedder(directory: TestPaths.tinyBert, tokenizer: tokenizer, threads: threads, batchSize: batchSize)
            #expect(embedder.dimension == 64 && embedder.maxSequenceLength == 128)
            let result = try embedder.embed(golden.texts, kind: .document)
            let worst = (0..<golden.texts.count).map { maxAbsDiff(result[$0], golden.mean_l2[$0]) }.max()!
            #expect(worst < 1e-5, "threads=\(threads) batch=\(batchSize): max |diff| \(worst)")
            print("tiny-bert embedder threads=\(threads) batch=\(batchSize): max |diff| \(worst)")
            for i in 0..<result.count {
                let norm = result[i].reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
                #expect(abs(norm - 1) < 1e-5)
            }
        }
    }

    @Test func threadCountsAndParallelModesAgree() throws {
        // A larger batch so the products and row loops really split.
        var sequences: [[Int32]] = []
        for i in 0..<24 { sequences.append([2] + (0..<(20 + i * 4)).map { Int32(5 + ($0 * 7 + i) % 160) } + [3]) }
        let batch = TokenBatch(sequences: sequences)
        let reference = try encoder.forward(batch, threads: 1).lastHiddenState.toArray()
        for (threads, mode) in [(2, DenseParallelism.threadPool), (3, .threadPool), (2, .openBLAS)] {
            let ws = BertWorkspace(threads: threads, denseParallelism: mode)
            let out = try encoder.forward(batch, workspace: ws)
            // Compare real tokens only.
            var worst: Float = 0
            for b in 0..<batch.batchSize {
                for t in 0..<batch.tokenEnd(b) {
                    let r = b * batch.sequenceLength + t
                    worst = max(worst, maxAbsDiff(Array(out.lastHiddenState.row(r)), reference[(r * 64)..<((r + 1) * 64)]))
                }
            }
            #expect(worst < 1e-5, "threads=\(threads) \(mode): max |diff| \(worst)")
        }
    }

    @Test func paddingDoesNotChangeAText() throws {
        let short = golden.input_ids[0], long = golden.input_ids[4]
        let alone = try encoder.forward(TokenBatch(sequences: [short]))
        let padded = try encoder.forward(TokenBatch(sequences: [long, short, short]))
        var worst: Float = 0, largest: Float = 0
        for t in 0..<short.count {
            worst = max(worst, maxAbsDiff(Array(alone.token(0, t)), Array(padded.token(1, t))))
            largest = max(largest, alone.token(0, t).map(abs).max()!)
        }
        // Padding changes only sgemm's shapes, hence at most its order of summation (OpenBLAS's
        // Haswell kernels sum edge columns in another order: 5 ulps seen after two layers); a
        // padding token that leaked into attention would move values by orders of magnitude more.
        #expect(worst <= 16 * largest.ulp, "max |diff| \(worst), largest |value| \(largest)")
    }

    @Test func hiddenStatesAreKeptOnRequest() throws {
        let batch = TokenBatch(sequences: [golden.input_ids[1]])
        let out = try encoder.forward(batch, keepHiddenStates: true)
        let states = try #require(out.hiddenStates)
        #expect(states.count == 3)
        #expect(states.last!.toArray() == out.lastHiddenState.toArray())
        #expect(states[0].toArray() != states[1].toArray())
    }

    @Test func badInputIsRejected() throws {
        #expect(throws: EncoderError.tokenOutOfRange(sequence: 1, position: 2, id: 168, vocabularySize: 168)) {
            try encoder.forward(TokenBatch(sequences: [[2, 3], [2, 5, 168]]))
        }
        #expect(throws: EncoderError.sequenceTooLong(length: 129, maximum: 128)) {
            try encoder.forward(TokenBatch(sequences: [[Int32](repeating: 5, count: 129)]))
        }
        #expect(throws: EncoderError.tokenTypeOutOfRange(sequence: 0, position: 1, type: 2, typeVocabularySize: 2)) {
            try encoder.forward(TokenBatch(sequences: [[2, 5, 3]], tokenTypes: [[0, 2, 0]]))
        }
    }

    @Test func configThatDoesNotMatchTheWeights() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let weights = TestPaths.tinyBert.appendingPathComponent("model.safetensors")
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("model.safetensors"), withDestinationURL: weights)
        let original = try String(contentsOf: TestPaths.tinyBert.appendingPathComponent("config.json"), encoding: .utf8)
        let config = dir.appendingPathComponent("config.json")

        try original.replacingOccurrences(of: "\"num_hidden_layers\": 2", with: "\"num_hidden_layers\": 3").write(to: config, atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.missingTensor(path: dir.appendingPathComponent("model.safetensors").path,
                                                     name: "encoder.layer.2.attention.self.query.weight")) {
            try BertEncoder(directory: dir)
        }
        try original.replacingOccurrences(of: "\"vocab_size\": 168", with: "\"vocab_size\": 200").write(to: config, atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.wrongShape(path: dir.appendingPathComponent("model.safetensors").path,
                                                  name: "embeddings.word_embeddings.weight", expected: [200, 64], actual: [168, 64])) {
            try BertEncoder(directory: dir)
        }
        try FileManager.default.removeItem(at: config)
        #expect(throws: ModelFileError.missingFile(path: config.path, what: "model config (config.json)")) {
            try BertEncoder(directory: dir)
        }
        #expect(throws: ModelFileError.missingFile(path: config.path, what: "model config (config.json)")) {
            try SentenceTransformerEmbedder(directory: dir, tokenizer: TableTokenizer(table: [:], vocabularySize: 168))
        }
    }

    @Test func halfPrecisionAndShardedCopiesLoad() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try SafetensorsFile(path: TestPaths.tinyBert.appendingPathComponent("model.safetensors").path)
        for file in ["config.json", "modules.json", "sentence_bert_config.json"] {
            try FileManager.default.copyItem(at: TestPaths.tinyBert.appendingPathComponent(file), to: dir.appendingPathComponent(file))
        }
        // Sharded F32 copy: two files and an index; must give exactly the same result.
        var shards = [SafetensorsWriter(), SafetensorsWriter()]
        var map: [String] = []
        for (i, name) in source.tensorNames.enumerated() {
            let t = try source.floatTensor(name)
            shards[i % 2].add(name, t.toArray(), shape: t.shape)
            map.append("\"\(name)\": \"model-0000\(i % 2 + 1)-of-00002.safetensors\"")
        }
        try shards[0].write(to: dir.appendingPathComponent("model-00001-of-00002.safetensors"))
        try shards[1].write(to: dir.appendingPathComponent("model-00002-of-00002.safetensors"))
        try "{\"weight_map\": {\(map.joined(separator: ", "))}}".write(to: dir.appendingPathComponent("model.safetensors.index.json"), atomically: true, encoding: .utf8)
        let batch = TokenBatch(inputIDs: golden.batch_input_ids, attentionMask: golden.batch_attention_mask)
        let reference = try encoder.forward(batch).lastHiddenState.toArray()
        let sharded = try BertEncoder(directory: dir)
        #expect(try sharded.forward(batch).lastHiddenState.toArray() == reference)

        // F16 and BF16 copies: same model up to the rounding of the weights.
        for dtype in ["F16", "BF16"] {
            for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) where f.hasSuffix(".safetensors") || f.hasSuffix(".index.json") {
                try FileManager.default.removeItem(at: dir.appendingPathComponent(f))
            }
            var w = SafetensorsWriter()
            for name in source.tensorNames {
                let t = try source.floatTensor(name)
                let raw: [UInt8] = t.toArray().flatMap { v -> [UInt8] in
                    let bits: UInt16 = dtype == "F16" ? Float16(v).bitPattern : UInt16(truncatingIfNeeded: v.bitPattern >> 16)
                    return littleEndianBytes(of: bits)
                }
                w.addRaw(name, dtype: dtype, shape: t.shape, data: raw)
            }
            try w.write(to: dir.appendingPathComponent("model.safetensors"))
            let reduced = try BertEncoder(directory: dir)
            let out = try reduced.forward(batch)
            let pooled = Matrix(rows: batch.batchSize, columns: 64)
            Pooler(config: PoolingConfig(modes: [.mean]), normalize: true).pool(out.lastHiddenState.view, batch: batch, into: pooled.mutableView)
            let worstCos = (0..<batch.batchSize).map { cosine(Array(pooled.row($0)), golden.mean_l2[$0]) }.min()!
            #expect(worstCos > (dtype == "F16" ? 0.9999 : 0.99), "\(dtype): min cosine \(worstCos)")
            print("tiny-bert \(dtype) copy: min cosine \(worstCos)")
        }
    }
}

// MARK: all-MiniLM-L6-v2 against sentence-transformers

@Suite(.enabled(if: TestPaths.hasMiniLM, "all-MiniLM-L6-v2 not found: set REASONIR_MODELS or run scripts/fetch-models.sh"))
struct MiniLMTests {
    @Test func goldenTokenIdsGiveSentenceTransformersEmbeddings() throws {
        let golden = try MiniLMGolden.load()
        let tokenizer = TableTokenizer(table: Dictionary(uniqueKeysWithValues: zip(golden.texts, golden.input_ids)), vocabularySize: 30522)
        let embedder = try SentenceTransformerEmbedder(directory: TestPaths.miniLM, tokenizer: tokenizer, threads: 2)
        #expect(embedder.dimension == 384)
        #expect(embedder.maxSequenceLength == golden.max_seq_length)
        let result = try embedder.embed(golden.texts, kind: .document)
        for i in 0..<golden.texts.count {
            let c = cosine(result[i], golden.embeddings[i])
            let d = maxAbsDiff(result[i], golden.embeddings[i])
            #expect(c >= 0.99999, "text \(i): cosine \(c), max |diff| \(d)")
            #expect(d < 1e-5, "text \(i): max |diff| \(d)")
            print("MiniLM text \(i): cosine \(c), max |diff| \(d)")
        }
    }
}

// MARK: pooling and the embedder's plumbing

@Suite struct PoolingTests {
    /// Two sequences of length 3 (the second padded after 2 tokens), H = 2.
    let hidden = Matrix(rows: 6, columns: 2, values: [1, 10, 2, 20, 3, 30,
                                                      4, -1, 6, -3, 100, 100])
    let batch = TokenBatch(sequences: [[1, 2, 3], [4, 5]])

    func pooled(_ modes: [PoolingMode], includePrompt: Bool = true, prompts: [Int]? = nil, normalize: Bool = false) -> [[Float]] {
        let pooler = Pooler(config: PoolingConfig(modes: modes, includePrompt: includePrompt), normalize: normalize)
        let out = Matrix(rows: 2, columns: pooler.outputDimension(hiddenSize: 2))
        pooler.pool(hidden.view, batch: batch, promptLengths: prompts, into: out.mutableView)
        return (0..<2).map { Array(out.row($0)) }
    }

    @Test func eachMode() {
        #expect(pooled([.cls]) == [[1, 10], [4, -1]])
        #expect(pooled([.max]) == [[3, 30], [6, -1]])
        #expect(pooled([.mean]) == [[2, 20], [5, -2]])
        #expect(pooled([.lastToken]) == [[3, 30], [6, -3]])
        let sqrt = pooled([.meanSqrtLength])
        #expect(abs(sqrt[0][0] - 6 / Float(3).squareRoot()) < 1e-6 && abs(sqrt[1][1] + 4 / Float(2).squareRoot()) < 1e-6)
        let weighted = pooled([.weightedMean])  // weights 1, 2, 3
        #expect(abs(weighted[0][0] - (1 + 4 + 9) / 6) < 1e-6 && abs(weighted[1][0] - (4 + 12) / 3) < 1e-6)
    }

    @Test func concatenationOrderAndNormalisation() {
        // Modes are concatenated in sentence-transformers' order whatever order they are given in.
        #expect(pooled([.mean, .cls]) == [[1, 10, 2, 20], [4, -1, 5, -2]])
        let n = pooled([.cls], normalize: true)
        #expect(abs(n[0][0] - 1 / Float(101).squareRoot()) < 1e-7)
    }

    @Test func promptTokensLeftOutWhenConfigured() {
        #expect(pooled([.mean], includePrompt: false, prompts: [1, 1]) == [[2.5, 25], [6, -3]])
        #expect(pooled([.mean], includePrompt: true, prompts: [1, 1]) == [[2, 20], [5, -2]])
    }
}

@Suite(.enabled(if: TestPaths.hasTinyBert, "tiny-bert fixture not found (set REASONIR_SHARED)"))
struct EmbedderPlumbingTests {
    @Test func instructionIsPrependedAndOrderKept() throws {
        let tokenizer = TableTokenizer(table: [:], vocabularySize: 168)
        // Ids 1000+ do not fit tiny-bert's 168-token vocabulary, so map characters into range.
        struct Small: Tokenizer {
            func encode(_ text: String, addSpecialTokens: Bool, maxLength: Int?) -> Encoding {
                var ids = text.unicodeScalars.map { Int32(5 + $0.value % 150) }
                if addSpecialTokens { ids = [2] + ids + [3] }
                if let maxLength, ids.count > maxLength { ids = Array(ids.prefix(maxLength - 1)) + [3] }
                return Encoding(ids: ids, tokens: ids.map(String.init))
            }
            func id(of token: String) -> Int32? { nil }
            var vocabularySize: Int { 168 }
        }
        _ = tokenizer
        let embedder = try SentenceTransformerEmbedder(directory: TestPaths.tinyBert, tokenizer: Small(), threads: 2, batchSize: 2)
        let texts = ["a much longer text than the others, to sort first", "short", "", "medium length text"]
        let docs = try embedder.embed(texts, kind: .document)
        let queries = try embedder.embed(texts, kind: .query(instruction: "query: "))
        let direct = try embedder.embed(tokenIDs: texts.map { Small().encode("query: " + $0).ids })
        #expect(queries == direct)
        #expect(docs != queries)
        // Each text alone gives the same vector as in the batch (input order is kept).
        for (i, text) in texts.enumerated() {
            let single = try embedder.embed([text], kind: .document)
            #expect(maxAbsDiff(single[0], docs[i]) < 1e-6)
        }
        // Over-long input is truncated by the tokenizer to max_seq_length (128).
        let long = String(repeating: "x", count: 500)
        #expect(try embedder.embed([long], kind: .document).count == 1)
        #expect(throws: EmbedderError.self) { try embedder.embed(tokenIDs: [[Int32](repeating: 5, count: 129)]) }
        #expect(try embedder.embed([], kind: .document).count == 0)
    }

    @Test func loadingPicksTheTokenizerOrSaysWhyNot() throws {
        let embedder = try SentenceTransformerEmbedder.load(directory: TestPaths.tinyBert)
        #expect(embedder.tokenizer is WordPieceTokenizer)
        // The same model without tokenizer.json or vocab.txt.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("no-tokenizer-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestPaths.tinyBert, to: copy)
        for name in ["tokenizer.json", "vocab.txt"] { try FileManager.default.removeItem(at: copy.appendingPathComponent(name)) }
        #expect(throws: TokenizerError.self) { try SentenceTransformerEmbedder.load(directory: copy) }
    }
}

// MARK: SciFact through sentence-transformers' batched encode (golden WordPiece ids)

struct WordPieceGolden: Decodable {
    struct Item: Decodable { let id: String; let ids: [Int32] }
    let queries: [Item]
    let docs: [Item]

    static func load() throws -> WordPieceGolden {
        try JSONDecoder().decode(WordPieceGolden.self, from: Data(contentsOf: TestPaths.golden.appendingPathComponent("wordpiece_minilm.json")))
    }
}

/// Raw little-endian Float32 rows.
func readFloat32Matrix(_ url: URL, columns: Int) throws -> [[Float]] {
    let data = try Data(contentsOf: url)
    let values = data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
    return stride(from: 0, to: values.count, by: columns).map { Array(values[$0..<($0 + columns)]) }
}

@Suite(.enabled(if: TestPaths.hasMiniLM, "all-MiniLM-L6-v2 not found: set REASONIR_MODELS or run scripts/fetch-models.sh"))
struct MiniLMSciFactTests {
    /// The golden ids are untruncated; sentence-transformers keeps the first 255 ids and [SEP] (102).
    static func truncated(_ ids: [Int32], to maxLength: Int) -> [Int32] {
        ids.count <= maxLength ? ids : Array(ids.prefix(maxLength - 1)) + [ids.last!]
    }

    /// All 200 docs with REASONIR_SLOW_TESTS=1 (about 20 s in a release build, minutes in a debug build,
    /// where the C kernels are compiled without optimisation); otherwise the first 16 (12 of them
    /// truncated at 256 tokens).
    static let docCount = ProcessInfo.processInfo.environment["REASONIR_SLOW_TESTS"] == "1" ? 200 : 16

    @Test func docs200AndQueriesMatchTheBatchedReference() throws {
        let golden = try WordPieceGolden.load()
        let embedder = try SentenceTransformerEmbedder(directory: TestPaths.miniLM, tokenizer: TableTokenizer(table: [:], vocabularySize: 30522), threads: 2)
        for (name, items, file) in [("docs200", Array(golden.docs.prefix(Self.docCount)), "minilm_scifact_docs200.f32.bin"),
                                    ("queries", golden.queries, "minilm_scifact_queries.f32.bin")] {
            let expected = Array(try readFloat32Matrix(TestPaths.golden.appendingPathComponent(file), columns: 384).prefix(items.count))
            #expect(expected.count == items.count)
            let result = try embedder.embed(tokenIDs: items.map { Self.truncated($0.ids, to: embedder.maxSequenceLength) })
            var worst: Float = 0, worstCosine = 1.0
            for i in 0..<items.count {
                worst = max(worst, maxAbsDiff(result[i], expected[i]))
                worstCosine = min(worstCosine, cosine(result[i], expected[i]))
            }
            print("MiniLM SciFact \(name) (\(items.count)): max |diff| \(worst), min cosine \(worstCosine)")
            #expect(worst < 1e-5, "\(name): max |diff| \(worst)")
            #expect(worstCosine >= 0.99999)
        }
    }

    /// The bfloat16 mode is an approximation: measured min cosine about 0.99998 on these documents
    /// (PyTorch's own bfloat16 model: about 0.99992), so the bound leaves room for other CPUs' sums.
    @Test func bfloat16StaysCloseToTheFloat32Reference() throws {
        let golden = try WordPieceGolden.load()
        let embedder = try SentenceTransformerEmbedder(directory: TestPaths.miniLM, tokenizer: TableTokenizer(table: [:], vocabularySize: 30522),
                                                       threads: 2, precision: .bfloat16)
        let items = Array(golden.docs.prefix(Self.docCount))
        let expected = try readFloat32Matrix(TestPaths.golden.appendingPathComponent("minilm_scifact_docs200.f32.bin"), columns: 384)
        let result = try embedder.embed(tokenIDs: items.map { Self.truncated($0.ids, to: embedder.maxSequenceLength) })
        var worstCosine = 1.0, worst: Float = 0
        for i in 0..<items.count {
            worstCosine = min(worstCosine, cosine(result[i], expected[i]))
            worst = max(worst, maxAbsDiff(result[i], expected[i]))
        }
        print("MiniLM SciFact bfloat16 (\(items.count)): min cosine \(worstCosine), max |diff| \(worst)")
        #expect(worstCosine >= 0.9999)
        #expect(worstCosine < 0.9999999, "bfloat16 mode gave float32 results: is it switched on?")
    }
}
