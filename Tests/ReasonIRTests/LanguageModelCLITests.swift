import Foundation
import Testing
import TestSupport

/// `reasonir chat` / `generate` on SmolLM2-135M-Instruct against llama.cpp's greedy reply (golden/smollm2_llamacpp.json).
@Suite(.enabled(if: TestPaths.hasModel("SmolLM2-135M-Instruct", file: "SmolLM2-135M-Instruct.Q4_1.gguf"),
                "SmolLM2-135M-Instruct GGUF not found: set REASONIR_MODELS or run scripts/fetch-models.sh"))
struct LanguageModelCLITests {
    let model = TestPaths.models.appendingPathComponent("SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf").path

    @Test func chatPrintsJustTheReply() throws {
        let run = try TestPaths.runCLI(["chat", "--model", model, "--temperature", "0", "--max-tokens", "48", "--threads", "2", "What is 2+2?"])
        #expect(run.status == 0, "\(run.stderr)")
        // llama.cpp's greedy reply to the same chat.
        #expect(run.stdout == "The answer to this classic math problem is 4.\n")
    }

    @Test func generateAndBadInput() throws {
        let run = try TestPaths.runCLI(["generate", "--model", model, "--temperature", "0", "--max-tokens", "1", "--threads", "1", "The capital of France is"])
        #expect(run.status == 0 && run.stdout == " Paris\n", "\(run.stdout) \(run.stderr)")
        let long = try TestPaths.runCLI(["generate", "--model", model, "--context", "4", "--threads", "1", "one two three four five six"])
        #expect(long.status != 0 && long.stderr.contains("do not fit in the context"), "\(long.stderr)")
        let missing = try TestPaths.runCLI(["chat", "--model", "/nonexistent.gguf", "Hi"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent.gguf"))
    }
}
