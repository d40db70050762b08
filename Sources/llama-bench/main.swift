// Memory and speed of the Llama engine on a randomly initialised ~1B-parameter Llama in BF16
// safetensors that it writes itself, with weights left memory-mapped; then an extrapolation to an
// 8B checkpoint. With `--gguf FILE`: prompt-processing and generation speed on that model instead
// (llama.cpp's anchor: a 107-token prompt, 64 generated tokens, best of 3).
// Release build: `swift run -c release llama-bench [--threads N] [--prompt N] [--generate N] [--keep DIR] [--gguf FILE]`.
import Foundation
import ModelFiles
import Models
import Tensor

struct Options {
    var threads = ThreadPool.availableProcessors
    var promptTokens = 64
    var generateTokens = 16
    var directory: String?
    var gguf: String?
    var repeats = 3
    var dequantize = false

    init(_ args: [String]) throws {
        var i = 1
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw BenchError.usage("\(args[i - 1]) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--threads": threads = Int(try value()) ?? threads
            case "--prompt": promptTokens = Int(try value()) ?? promptTokens
            case "--generate": generateTokens = Int(try value()) ?? generateTokens
            case "--keep": directory = try value()
            case "--gguf": gguf = try value()
            case "--dequantize": dequantize = true
            case "--repeats": repeats = max(1, Int(try value()) ?? repeats)
            default: throw BenchError.usage("unknown argument \(args[i])")
            }
            i += 1
        }
    }
}

enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    var description: String {
        switch self { case .usage(let m): return "\(m)\nusage: llama-bench [--threads N] [--prompt N] [--generate N] [--keep DIR] [--gguf FILE [--repeats N] [--dequantize]]" }
    }
}

/// Llama-3.2-1B's shape with a 32k vocabulary: 1.04B parameters, 2.1 GB in BF16.
let config = LlamaConfig(modelType: "llama", vocabSize: 32_000, hiddenSize: 2048, intermediateSize: 8192,
                         numHiddenLayers: 16, numAttentionHeads: 32, numKeyValueHeads: 8, headDimension: 64,
                         rmsNormEps: 1e-5, ropeTheta: 500_000, tieWordEmbeddings: true, maxPositionEmbeddings: 4096,
                         bosTokenID: 1, eosTokenIDs: [2])

func tensorShapes(_ c: LlamaConfig) -> [(String, [Int])] {
    let H = c.hiddenSize, I = c.intermediateSize, q = c.numAttentionHeads * c.headDimension, kv = c.numKeyValueHeads * c.headDimension
    var out: [(String, [Int])] = [("model.embed_tokens.weight", [c.vocabSize, H]), ("model.norm.weight", [H])]
    for l in 0..<c.numHiddenLayers {
        let p = "model.layers.\(l)."
        out += [(p + "input_layernorm.weight", [H]), (p + "post_attention_layernorm.weight", [H]),
                (p + "self_attn.q_proj.weight", [q, H]), (p + "self_attn.k_proj.weight", [kv, H]),
                (p + "self_attn.v_proj.weight", [kv, H]), (p + "self_attn.o_proj.weight", [H, q]),
                (p + "mlp.gate_proj.weight", [I, H]), (p + "mlp.up_proj.weight", [I, H]), (p + "mlp.down_proj.weight", [H, I])]
    }
    return out
}

/// Writes config.json and model.safetensors (BF16, values uniform in ±0.02·√3, norms 1), to a
/// temporary name first.
func writeModel(to dir: URL, _ c: LlamaConfig) throws -> Int {
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let shapes = tensorShapes(c)
    var header: [String] = []
    var offset = 0
    for (name, shape) in shapes {
        let bytes = shape.reduce(2, *)
        header.append("\"\(name)\":{\"dtype\":\"BF16\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
        offset += bytes
    }
    var headerBytes = Array(("{" + header.joined(separator: ",") + "}").utf8)
    while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
    let temporary = dir.appendingPathComponent("model.safetensors.partial")
    FileManager.default.createFile(atPath: temporary.path, contents: nil)
    let handle = try FileHandle(forWritingTo: temporary)
    var length = UInt64(headerBytes.count).littleEndian
    try handle.write(contentsOf: Data(bytes: &length, count: 8) + Data(headerBytes))
    var state: UInt64 = 0x1234_5678
    for (name, shape) in shapes {
        let count = shape.reduce(1, *)
        let isNorm = name.hasSuffix("norm.weight")
        var chunk = [UInt16](repeating: 0, count: min(count, 1 << 20))
        var written = 0
        while written < count {
            let n = min(chunk.count, count - written)
            for i in 0..<n {
                if isNorm { chunk[i] = Float(1).bitPattern.bf16; continue }
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let u = Float(state >> 40) / Float(1 << 24) * 2 - 1
                chunk[i] = (u * 0.0346).bitPattern.bf16
            }
            try chunk.withUnsafeBytes { try handle.write(contentsOf: Data($0.prefix(n * 2))) }
            written += n
        }
    }
    try handle.close()
    let json = """
    {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": \(c.vocabSize), "hidden_size": \(c.hiddenSize),
     "intermediate_size": \(c.intermediateSize), "num_hidden_layers": \(c.numHiddenLayers), "num_attention_heads": \(c.numAttentionHeads),
     "num_key_value_heads": \(c.numKeyValueHeads), "head_dim": \(c.headDimension), "rms_norm_eps": \(c.rmsNormEps),
     "rope_theta": \(c.ropeTheta), "tie_word_embeddings": true, "max_position_embeddings": \(c.maxPositionEmbeddings),
     "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "torch_dtype": "bfloat16"}
    """
    try json.write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
    let final = dir.appendingPathComponent("model.safetensors")
    try? FileManager.default.removeItem(at: final)
    try FileManager.default.moveItem(at: temporary, to: final)
    return shapes.reduce(0) { $0 + $1.1.reduce(1, *) }
}

extension UInt32 {
    /// The upper half of a Float32 bit pattern, rounded to nearest even.
    var bf16: UInt16 { UInt16(truncatingIfNeeded: (self &+ 0x7FFF &+ ((self >> 16) & 1)) >> 16) }
}

func peakResidentBytes() -> Int {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Int(usage.ru_maxrss)  // bytes on macOS
    #endif
}

func gib(_ bytes: Int) -> String { String(format: "%.2f GiB", Double(bytes) / Double(1 << 30)) }

/// Prompt-processing and generation tokens/s of `model` (the best of `repeats` runs, no stop token).
func measure(_ model: LlamaModel, threads: Int, promptTokens: Int, generateTokens: Int, repeats: Int) throws -> (pp: Double, tg: Double) {
    let generator = try LlamaGenerator(model: model, threads: threads, contextLength: promptTokens + generateTokens)
    var random = SeededRandomGenerator(seed: 1)
    let prompt = (0..<promptTokens).map { _ in Int32.random(in: 3..<Int32(model.config.vocabSize), using: &random) }
    var best = (pp: 0.0, tg: 0.0)
    for _ in 0..<repeats {
        var firstTokenTime = 0.0
        let t0 = Date()
        let result = try generator.generate(prompt: prompt, options: GenerationOptions(maxTokens: generateTokens)) { _ in
            if firstTokenTime == 0 { firstTokenTime = Date().timeIntervalSince(t0) }
            return true
        }
        let total = Date().timeIntervalSince(t0)
        let generated = result.tokens.count - 1  // the first token comes from the prompt pass
        best.pp = max(best.pp, Double(prompt.count) / firstTokenTime)
        if generated > 0 { best.tg = max(best.tg, Double(generated) / (total - firstTokenTime)) }
    }
    return best
}

do {
    let options = try Options(CommandLine.arguments)
    if let gguf = options.gguf {
        let model = try LlamaModel(gguf: URL(fileURLWithPath: gguf), dequantizeAtLoad: options.dequantize)
        let prompt = CommandLine.arguments.contains("--prompt") ? options.promptTokens : 107
        let generate = CommandLine.arguments.contains("--generate") ? options.generateTokens : 64
        let speed = try measure(model, threads: options.threads, promptTokens: prompt, generateTokens: generate, repeats: options.repeats)
        print(String(format: "%@%@ threads %d: prompt %d tokens %.1f tokens/s, generation %d tokens %.1f tokens/s (best of %d)",
                     URL(fileURLWithPath: gguf).lastPathComponent, options.dequantize ? " (F32 at load)" : "", options.threads, prompt, speed.pp, generate, speed.tg, options.repeats))
        exit(0)
    }
    let dir = options.directory.map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("llama-bench-\(ProcessInfo.processInfo.processIdentifier)")
    defer { if options.directory == nil { try? FileManager.default.removeItem(at: dir) } }
    let start = Date()
    let parameters: Int
    if FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.safetensors").path) {
        parameters = tensorShapes(config).reduce(0) { $0 + $1.1.reduce(1, *) }
    } else {
        parameters = try writeModel(to: dir, config)
        print(String(format: "wrote %.2fB parameters (BF16, %@) in %.1f s", Double(parameters) / 1e9, gib(parameters * 2), Date().timeIntervalSince(start)))
    }
    let rssBeforeLoad = peakResidentBytes()
    let model = try LlamaModel(directory: dir)
    let (pp, tg) = try measure(model, threads: options.threads, promptTokens: options.promptTokens,
                               generateTokens: options.generateTokens, repeats: 1)
    let peak = peakResidentBytes()
    let weightBytes = parameters * 2
    print("threads \(options.threads), prompt \(options.promptTokens) tokens, generated \(options.generateTokens)")
    print(String(format: "prompt processing %.1f tokens/s, generation %.2f tokens/s", pp, tg))
    print("peak resident memory \(gib(peak)) (before loading \(gib(rssBeforeLoad)); BF16 weights \(gib(weightBytes)), mapped)")
    // 8B (Llama-3.1-8B: hidden 4096, 32 layers, 14336 FFN, 128256 vocab, 8.03B parameters): the mapped
    // weights scale with the parameter count, the rest (tiles, activations, KV cache) at most with
    // hidden × layers, 4× here.
    let other = max(0, peak - weightBytes)
    let eightB = 8_030_000_000 * 2 + other * 4
    print("8B extrapolation: \(gib(8_030_000_000 * 2)) weights + \(gib(other * 4)) other = \(gib(eightB)) (limit 24 GiB); " +
          String(format: "generation ≈ %.2f tokens/s, prompt ≈ %.1f tokens/s at this speed per parameter",
                 tg * Double(parameters) / 8.03e9, pp * Double(parameters) / 8.03e9))
} catch {
    FileHandle.standardError.write(Data("llama-bench: \(error)\n".utf8))
    exit(1)
}
