import Foundation
import Testing
import TestSupport
import ModelFiles
import Models
import Tokenizers

private let smolLM2File = TestPaths.models.appendingPathComponent("SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
private let qwenFile = TestPaths.models.appendingPathComponent("Qwen2.5-Coder-0.5B-Instruct/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf")

/// SmolLM2's tokenizer read from its GGUF metadata against llama.cpp (`smollm2_llamacpp.json`).
@Suite(.enabled(if: FileManager.default.fileExists(atPath: smolLM2File.path),
                "SmolLM2 GGUF not found: set REASONIR_MODELS or run scripts/fetch-models.sh smollm2"))
struct SmolLM2GGUFTokenizerTests {
    struct Golden: Decodable {
        struct Tokenization: Decodable {
            struct Case: Decodable { let text: String; let ids_plain: [Int32]; let ids_special: [Int32] }
            let cases: [Case]
        }
        struct Prompts: Decodable {
            struct Case: Decodable { let prompt: String; let prompt_ids: [Int32] }
            let cases: [Case]
        }
        struct Chats: Decodable {
            struct Case: Decodable { let templated_prompt: String; let prompt_ids: [Int32] }
            let cases: [Case]
        }
        let tokenization: Tokenization
        let top10_last_position: Prompts
        let greedy_chat: Chats
    }

    @Test func idsEqualLlamaCpp() throws {
        let golden = try TestPaths.decode(Golden.self, golden: "smollm2_llamacpp.json")
        let tokenizer = try ByteLevelBPETokenizer(gguf: GGUFFile(url: smolLM2File))
        #expect(tokenizer.pattern == .smollm && tokenizer.vocabularySize == 49152)
        #expect(tokenizer.bosID == 1 && tokenizer.eosID == 2 && tokenizer.endOfGenerationIDs.contains(2))
        #expect(golden.tokenization.cases.count == 60)
        var plainMatches = 0, specialMatches = 0
        for c in golden.tokenization.cases {
            let plain = tokenizer.encode(c.text, addSpecial: false, parseSpecial: false)
            let special = tokenizer.encode(c.text, addSpecial: true, parseSpecial: true)
            #expect(plain == c.ids_plain, "plain: \(c.text.debugDescription)")
            #expect(special == c.ids_special, "special: \(c.text.debugDescription)")
            plainMatches += plain == c.ids_plain ? 1 : 0
            specialMatches += special == c.ids_special ? 1 : 0
            #expect(tokenizer.decode(plain) == c.text, "round trip: \(c.text.debugDescription)")
        }
        print("SmolLM2 GGUF tokenizer vs llama.cpp: ids_plain \(plainMatches)/60, ids_special \(specialMatches)/60")
        for c in golden.top10_last_position.cases {
            #expect(tokenizer.encode(c.prompt, addSpecial: true, parseSpecial: true) == c.prompt_ids, "\(c.prompt)")
        }
        for c in golden.greedy_chat.cases {
            #expect(tokenizer.encode(c.templated_prompt, addSpecial: true, parseSpecial: true) == c.prompt_ids)
            #expect(tokenizer.decode(c.prompt_ids) == c.templated_prompt)
            #expect(!tokenizer.decode(c.prompt_ids, skipSpecial: true).contains("<|im_start|>"))
        }
    }
}

/// Qwen2.5-Coder's tokenizer from its GGUF (Qwen2 pattern): no golden ids, so decode(encode(s)) == s on SciFact.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: qwenFile.path)
                && FileManager.default.fileExists(atPath: TestPaths.scifact.appendingPathComponent("corpus.jsonl").path),
                "Qwen2.5-Coder GGUF (scripts/fetch-models.sh qwen) or SciFact not found"))
struct QwenGGUFTokenizerTests {
    @Test func roundTripsSciFact() throws {
        let tokenizer = try ByteLevelBPETokenizer(gguf: GGUFFile(url: qwenFile))
        #expect(tokenizer.pattern == .qwen2)
        let corpus = try String(contentsOf: TestPaths.scifact.appendingPathComponent("corpus.jsonl"), encoding: .utf8)
        var checked = 0, tokens = 0
        for line in corpus.split(separator: "\n").prefix(1000) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let text = ((object?["title"] as? String) ?? "") + " " + ((object?["text"] as? String) ?? "")
            let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
            tokens += ids.count
            #expect(tokenizer.decode(ids) == text)
            checked += 1
        }
        #expect(checked == 1000 && tokens > checked * 100)
        #expect(tokenizer.encode("<|im_start|>user", addSpecial: false, parseSpecial: true).first == tokenizer.id(of: "<|im_start|>"))
    }
}
