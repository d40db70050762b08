import Foundation
import Testing
import TestSupport
@testable import Training

/// `reasonir train` from outside: its command shape, its errors, and kill-and-resume.
@Suite(.enabled(if: TestPaths.hasTinyBert, "needs shared/fixtures/models/tiny-bert"), .serialized)
struct TrainCommandTests {
    func data(rows: Int) throws -> URL {
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("train.jsonl")
        let words = ["cell", "gene", "protein", "virus", "immune", "brain", "heart", "blood", "bone", "skin", "lung", "liver"]
        var text = ""
        for i in 0..<rows {
            let w = words[i % words.count], v = words[(i * 5 + 3) % words.count]
            text += "{\"query\": \"what does the \(w) do \(i)\", \"positive\": \"the \(w) works with the \(v) in case \(i)\", "
                + "\"negatives\": [\"a \(v) story number \(i)\"]}\n"
        }
        try Data(text.utf8).write(to: url)
        return url
    }

    func train(_ data: URL, _ out: URL, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestPaths.runCLI(["train", "--model", TestPaths.tinyBert.path, "--data", data.path, "--out", out.path, "--batch-size", "4",
                              "--max-length", "16", "--threads", "2", "--seed", "3"] + extra)
    }

    @Test func trainsThenEmbedsAndRefusesBadInput() throws {
        let data = try data(rows: 12)
        let out = data.deletingLastPathComponent().appendingPathComponent("trained")
        let ok = try train(data, out, ["--epochs", "2", "--lr", "1e-3", "--warmup", "1", "--temperature", "0.05"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stderr.contains("step 6/6"))
        for file in ["config.json", "model.safetensors", "modules.json", "1_Pooling/config.json", "tokenizer.json", "train_log.jsonl"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        let embed = try TestPaths.runCLI(["embed", "--model", out.path, "--json", "a cell"])
        #expect(embed.status == 0 && embed.stdout.hasPrefix("[["), "\(embed.stderr)")
        let original = try TestPaths.runCLI(["embed", "--model", TestPaths.tinyBert.path, "--json", "a cell"])
        #expect(original.stdout != embed.stdout, "training changed the model")

        let exists = try train(data, out, ["--steps", "1"])
        #expect(exists.status != 0 && exists.stderr.contains("already exists (pass --overwrite"))
        #expect(try train(data, out, ["--steps", "1", "--overwrite", "--quiet"]).status == 0)
        let unknown = try TestPaths.runCLI(["train", "--model", "no-such-model-here", "--data", data.path, "--out", out.path + "2"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no-such-model-here"))
        let bad = data.deletingLastPathComponent().appendingPathComponent("bad.jsonl")
        try Data("{\"query\": \"q\", \"positive\": \"p\"}\n{oops\n".utf8).write(to: bad)
        let malformed = try train(bad, out.appendingPathExtension("x"))
        #expect(malformed.status != 0 && malformed.stderr.contains("bad.jsonl:2: malformed JSON"), "\(malformed.stderr)")
        let bf16 = try train(data, out.appendingPathExtension("y"), ["--precision", "bfloat16"])
        #expect(bf16.status != 0 && bf16.stderr.contains("not implemented for training"))
    }

    /// SIGKILL at random points, resume each time: the final weights equal an uninterrupted run's, bit for bit.
    @Test func killAndResumeEndsAtTheSameWeights() throws {
        let data = try data(rows: 40)
        let root = data.deletingLastPathComponent()
        let steps = ["--steps", "100", "--checkpoint-every", "2", "--lr", "1e-3", "--warmup", "3", "--quiet"]
        let straight = root.appendingPathComponent("straight")
        #expect(try train(data, straight, steps).status == 0)
        let resumed = root.appendingPathComponent("resumed")
        var generator = SplitMix64(seed: 11)
        var kills = 0
        for _ in 0..<20 where kills < 5 {
            let process = Process()
            process.executableURL = TestPaths.executable
            process.arguments = ["train", "--model", TestPaths.tinyBert.path, "--data", data.path, "--out", resumed.path, "--batch-size", "4",
                                 "--max-length", "16", "--threads", "2", "--seed", "3", "--resume"] + steps
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(60_000 + generator.next() % 240_000))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            if process.terminationReason == .exit { break }
        }
        if !FileManager.default.fileExists(atPath: resumed.path) {
            let last = try train(data, resumed, steps + ["--resume"])
            #expect(last.status == 0, "\(last.stderr)")
        }
        #expect(kills >= 5, "only \(kills) runs were interrupted")
        let a = try Data(contentsOf: straight.appendingPathComponent("model.safetensors"))
        let b = try Data(contentsOf: resumed.appendingPathComponent("model.safetensors"))
        #expect(a == b, "resumed weights differ after \(kills) kills")
        let logA = try String(contentsOf: straight.appendingPathComponent("train_log.jsonl"), encoding: .utf8)
        let logB = try String(contentsOf: resumed.appendingPathComponent("train_log.jsonl"), encoding: .utf8)
        #expect(logA == logB)
        print("kill and resume: \(kills) kills")
    }
}
