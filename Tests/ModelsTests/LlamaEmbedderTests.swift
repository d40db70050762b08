import Foundation
import ModelFiles
import Models
import Tensor
import Testing
import TestSupport
import Tokenizers

/// A stand-in for the BPE tokenizer: BOS (0) then one id per UTF-8 byte, so a prompt's ids are a
/// prefix of the prompt + text ids, as with the real tokenizer at the `\n` boundary.
struct ByteTokenizer: Tokenizer {
    var vocabularySize: Int { 512 }
    func encode(_ text: String, addSpecialTokens: Bool, maxLength: Int?) -> Encoding {
        var ids: [Int32] = (addSpecialTokens ? [0] : []) + text.utf8.map { 3 + Int32($0) % 500 }
        if let maxLength, ids.count > maxLength { ids = Array(ids.prefix(maxLength)) }
        return Encoding(ids: ids, tokens: ids.map(String.init))
    }
    func id(of token: String) -> Int32? { nil }
}

@Suite(.enabled(if: TinyLlamaFixture.available, "tiny-llama fixtures not found (set REASONIR_SHARED)"))
struct LlamaEmbedderTests {
    let model: LlamaModel
    init() throws { model = try LlamaModel(directory: TinyLlamaFixture.plain.directory) }

    /// The embedding, computed by hand from the hidden states of one unpadded bidirectional pass.
    func manual(_ text: String, prompt: String, skipPrompt: Bool = true) throws -> [Float] {
        let tok = ByteTokenizer()
        let ids = tok.encode(prompt + text, addSpecialTokens: true, maxLength: nil).ids
        let skip = skipPrompt ? tok.encode(prompt, addSpecialTokens: true, maxLength: nil).count : 0
        let batch = TokenBatch(sequences: [ids])
        let out = try model.forward(batch, attention: .bidirectional)
        return meanPool(out.lastHiddenState.view, batch: batch, 0, skip: skip, normalize: true)
    }

    @Test func instructionPositionsAreLeftOutOfThePooling() throws {
        let instruction = BRIGHTInstructions.query(forTask: "biology")!
        let embedder = try LlamaEmbedder(model: model, tokenizer: ByteTokenizer(), queryInstruction: instruction, threads: 2, batchSize: 2)
        let texts = ["Why do cells divide?", "What is DNA made of, and how is it copied before a cell divides?", "Enzymes."]
        let queries = try embedder.embed(texts, kind: .query)
        let queryPrompt = "<|user|>\n\(instruction)\n<|embed|>\n"
        #expect(embedder.prompt(for: .query) == queryPrompt)
        for (i, text) in texts.enumerated() {
            let expected = try manual(text, prompt: queryPrompt)
            #expect(maxAbsDiff(Array(queries[i]), expected) < 1e-5, "query \(i)")
            // Pooling the prompt too gives another vector: the exclusion is visible.
            let withPrompt = try manual(text, prompt: queryPrompt, skipPrompt: false)
            #expect(maxAbsDiff(Array(queries[i]), withPrompt) > 1e-3)
        }
        let docs = try embedder.embed(texts, kind: .document)
        for (i, text) in texts.enumerated() {
            #expect(maxAbsDiff(Array(docs[i]), try manual(text, prompt: "<|embed|>\n")) < 1e-5, "document \(i)")
        }
        // An explicit instruction wins over the default one.
        let other = try embedder.embed(texts[0], kind: .query(instruction: "Find theorems"))
        #expect(maxAbsDiff(other, try manual(texts[0], prompt: "<|user|>\nFind theorems\n<|embed|>\n")) < 1e-5)
        let norm = queries[0].reduce(0) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-5)
    }

    @Test func brightInstructionsByTask() throws {
        #expect(BRIGHTInstructions.query(forTask: "earth_science") == "Given a earth_science post, retrieve relevant passages that help answer the post")
        #expect(BRIGHTInstructions.query(forTask: "pony") == "Given a pony question, retrieve relevant passages that help answer the question")
        #expect(BRIGHTInstructions.query(forTask: "leetcode") == "Given a coding problem, retrieve relevant examples that help answer the problem")
        #expect(BRIGHTInstructions.query(forTask: "aops") == "Given a Math problem, retrieve relevant examples that help answer the problem")
        #expect(BRIGHTInstructions.query(forTask: "theoremqa_questions") == BRIGHTInstructions.query(forTask: "aops"))
        #expect(BRIGHTInstructions.query(forTask: "theoremqa_theorems") == "Given a Math problem, retrieve relevant theorems that help answer the problem")
        #expect(BRIGHTInstructions.tasks.count == 12 && BRIGHTInstructions.tasks.allSatisfy { BRIGHTInstructions.query(forTask: $0) != nil })
        #expect(BRIGHTInstructions.query(forTask: "scifact") == nil)
        let e = try LlamaEmbedder(model: model, tokenizer: ByteTokenizer(), brightTask: "robotics", threads: 1)
        #expect(e.defaultQueryInstruction == "Given a robotics post, retrieve relevant passages that help answer the post")
        #expect(throws: LlamaError.self) { try LlamaEmbedder(model: model, tokenizer: ByteTokenizer(), brightTask: "scifact") }
        #expect(LlamaEmbedder.queryPrompt(instruction: nil) == "<|embed|>\n")
    }
}
