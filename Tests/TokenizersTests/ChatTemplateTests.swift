import Foundation
import Testing
import TestSupport
import Tokenizers

/// `golden/smollm2_llamacpp.json` `greedy_chat`: prompts as llama.cpp's /apply-template renders the GGUF's own template.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: TestPaths.golden.appendingPathComponent("smollm2_llamacpp.json").path),
                "smollm2_llamacpp.json not found (set REASONIR_SHARED)"))
struct ChatTemplateTests {
    struct Golden: Decodable {
        struct Metadata: Decodable {
            let chatTemplate: String
            enum CodingKeys: String, CodingKey { case chatTemplate = "tokenizer.chat_template" }
        }
        struct Chat: Decodable { let messages: [ChatTurn]; let templated_prompt: String }
        struct Chats: Decodable { let cases: [Chat] }
        let gguf_metadata: Metadata
        let greedy_chat: Chats
    }

    @Test func chatMLMatchesLlamaCppOnSmolLM2() throws {
        let golden = try TestPaths.decode(Golden.self, golden: "smollm2_llamacpp.json")
        let template = try #require(ChatTemplate.detect(jinja: golden.gguf_metadata.chatTemplate))
        #expect(template == .smolLM2)
        #expect(golden.greedy_chat.cases.count == 6)
        for chat in golden.greedy_chat.cases {
            #expect(template.render(chat.messages) == chat.templated_prompt)
        }
    }

    @Test func otherTemplates() {
        #expect(ChatTemplate.detect(jinja: "{{ '<|start_header_id|>' + message['role'] }}") == .llama3)
        #expect(ChatTemplate.detect(jinja: "{% for m in messages %}{{ m.content }}{% endfor %}") == nil)
        #expect(ChatTemplate.detect(jinja: "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>'}}") == .chatML(defaultSystemPrompt: nil))
        #expect(ChatTemplate.llama3.render([.user(" Hi \n")]) ==
                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
        #expect(ChatTemplate.chatML(defaultSystemPrompt: nil).render([.user("a")], addGenerationPrompt: false) == "<|im_start|>user\na<|im_end|>\n")
    }
}
