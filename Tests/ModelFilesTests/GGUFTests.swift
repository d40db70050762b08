import Foundation
import Testing
import TestSupport
import ModelFiles
import Tensor

@Suite struct GGUFReadingTests {
    private func written(_ file: GGUFTestFile) throws -> (URL, URL) {
        let dir = try TestPaths.temporaryDirectory()
        let url = dir.appendingPathComponent("model.gguf")
        try file.write(to: url)
        return (dir, url)
    }

    @Test func readsEveryMetadataTypeAndNestedArrays() throws {
        var f = GGUFTestFile()
        f.metadata = [
            ("u8", .uint8(200)), ("i8", .int8(-5)), ("u16", .uint16(60000)), ("i16", .int16(-300)),
            ("u32", .uint32(4_000_000_000)), ("i32", .int32(-7)), ("u64", .uint64(1 << 40)), ("i64", .int64(-(1 << 40))),
            ("f32", .float32(0.5)), ("f64", .float64(1e-5)), ("yes", .bool(true)), ("name", .string("héllo")),
            ("tokens", .array(.string, [.string("a"), .string("Ġb")])),
            ("types", .array(.int32, [.int32(1), .int32(3)])),
            ("nested", .array(.array, [.array(.uint8, [.uint8(1)]), .array(.uint8, [])])),
        ]
        f.alignment = 64
        f.add("w", ne: [2, 3], type: .f32, data: (0..<6).flatMap { le(Float($0).bitPattern) })
        let (dir, url) = try written(f)
        defer { try? FileManager.default.removeItem(at: dir) }

        let file = try GGUFFile(path: url.path)
        let m = file.metadata
        #expect(file.version == 3 && file.alignment == 64 && file.dataOffset % 64 == 0)
        #expect(m.keys.prefix(3) == ["u8", "i8", "u16"])
        #expect(try m.int("u8") == 200 && m.int("i8") == -5 && m.int("u16") == 60000 && m.int("i16") == -300)
        #expect(try m.int("u32") == 4_000_000_000 && m.int("i32") == -7 && m.int("u64") == 1 << 40 && m.int("i64") == -(1 << 40))
        #expect(try m.float("f32") == 0.5 && m.double("f64") == 1e-5 && m.bool("yes") && m.string("name") == "héllo")
        #expect(try m.stringArray("tokens") == ["a", "Ġb"])
        #expect(try m.intArray("types") == [1, 3])
        #expect(m["nested"] == .array(.array, [.array(.uint8, [.uint8(1)]), .array(.uint8, [])]))
        #expect(try m.optional("absent", GGUFMetadata.int) == nil)
        #expect(try m.optional("u8", GGUFMetadata.int) == 200)
        #expect(throws: GGUFError.missingKey(path: url.path, key: "absent")) { try m.string("absent") }
        #expect(throws: GGUFError.wrongValueType(path: url.path, key: "name", expected: "an integer", actual: "STRING")) {
            try m.int("name")
        }
        #expect(throws: GGUFError.wrongValueType(path: url.path, key: "types", expected: "ARRAY of STRING", actual: "ARRAY of INT32")) {
            try m.stringArray("types")
        }
        let w = try file.tensorInfo("w")
        #expect(w.ne == [2, 3] && w.shape == [3, 2] && w.rowCount == 3 && w.rowLength == 2 && w.type == .f32)
        #expect(try file.floatTensor("w", shape: [3, 2]).toArray() == [0, 1, 2, 3, 4, 5])
        #expect(throws: GGUFError.shapeMismatch(path: url.path, tensor: "w", reason: "shape [3, 2], expected [2, 3]")) {
            try file.floatTensor("w", shape: [2, 3])
        }
        var rows = [Float](repeating: 0, count: 2)
        try file.dequantize(w, rows: 2..<3, into: &rows)
        #expect(rows == [4, 5])
    }

    @Test func decodesQ4_0ByConstruction() throws {
        // One block: scale 0.5, quants 0…15 then 15…0; value = 0.5 · (q − 8).
        let quants = Array(0..<16) + Array((0..<16).reversed())
        var data = halfBits(0.5)
        for j in 0..<16 { data.append(UInt8(quants[j] | (quants[j + 16] << 4))) }
        var f = GGUFTestFile()
        f.add("q", ne: [32], type: .q4_0, data: data)
        let (dir, url) = try written(f)
        defer { try? FileManager.default.removeItem(at: dir) }
        let values = try GGUFFile(path: url.path).floatTensor("q").toArray()
        #expect(values == quants.map { 0.5 * Float($0 - 8) })
    }

    @Test func decodesQ5_KByConstruction() throws {
        // Scales and mins above 15 exercise the packed high bits; quants use all five bits.
        let d: Float = 0.25, dmin: Float = 0.125
        let sc = [1, 5, 17, 33, 63, 40, 2, 9], mins = [0, 3, 20, 63, 7, 50, 1, 31]
        var scales = [UInt8](repeating: 0, count: 12)
        for j in 0..<4 {
            scales[j] = UInt8(sc[j] & 63 | ((sc[j + 4] >> 4) << 6))
            scales[j + 4] = UInt8(mins[j] & 63 | ((mins[j + 4] >> 4) << 6))
            scales[j + 8] = UInt8((sc[j + 4] & 0xF) | ((mins[j + 4] & 0xF) << 4))
        }
        var qh = [UInt8](repeating: 0, count: 32), qs = [UInt8](repeating: 0, count: 128)
        var expected: [Float] = []
        for j in 0..<8 {
            for l in 0..<32 {
                let q = (j * 7 + l * 3) % 32
                qs[(j / 2) * 32 + l] |= UInt8((q & 0xF) << (4 * (j & 1)))
                qh[l] |= UInt8((q >> 4) << j)
                expected.append((d * Float(sc[j])) * Float(q) - dmin * Float(mins[j]))
            }
        }
        var f = GGUFTestFile()
        f.add("q", ne: [256], type: .q5_K, data: halfBits(d) + halfBits(dmin) + scales + qh + qs)
        let (dir, url) = try written(f)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try GGUFFile(path: url.path).floatTensor("q").toArray() == expected)
    }

    @Test func decodesF16AndBF16() throws {
        var f = GGUFTestFile()
        f.add("h", ne: [4], type: .f16, data: [0x00, 0x3C, 0x00, 0xC0, 0x55, 0x35, 0xFF, 0x7B])  // 1, -2, 0.33325195, 65504
        f.add("b", ne: [2], type: .bf16, data: [0x80, 0x3F, 0x49, 0xC0])                      // 1, -3.140625
        let (dir, url) = try written(f)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try GGUFFile(path: url.path)
        #expect(try file.floatTensor("h").toArray() == [1, -2, 0.33325195, 65504])
        #expect(try file.floatTensor("b").toArray() == [1, -3.140625])
    }

    @Test func rejectsBrokenFilesWithClearErrors() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func check(_ name: String, _ bytes: [UInt8], _ expected: GGUFError) throws {
            let url = dir.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            #expect(throws: expected) { try GGUFFile(path: url.path) }
        }
        var good = GGUFTestFile()
        good.metadata = [("general.architecture", .string("llama"))]
        good.add("w", ne: [32, 2], type: .q8_0, data: [UInt8](repeating: 0, count: 68))
        let p = { (name: String) in dir.appendingPathComponent(name).path }

        try check("magic.gguf", Array("GGML".utf8) + good.bytes().dropFirst(4), .badMagic(path: p("magic.gguf"), found: Array("GGML".utf8)))
        var v4 = good
        v4.version = 4
        try check("v4.gguf", v4.bytes(), .unsupportedVersion(path: p("v4.gguf"), version: 4))
        try check("cut.gguf", Array(good.bytes().prefix(60)), .truncated(path: p("cut.gguf"), field: "general.architecture", offset: 60))
        try check("tiny.gguf", Array("GGUF".utf8), .truncated(path: p("tiny.gguf"), field: "version", offset: 4))
        var unknown = GGUFTestFile()
        unknown.tensors = [("w", [32], 99, [UInt8](repeating: 0, count: 34))]
        try check("type.gguf", unknown.bytes(), .unknownTensorType(path: p("type.gguf"), tensor: "w", typeID: 99))
        var partial = GGUFTestFile()
        partial.add("w", ne: [33], type: .q8_0, data: [UInt8](repeating: 0, count: 36))
        try check("shape.gguf", partial.bytes(), .shapeMismatch(path: p("shape.gguf"), tensor: "w", reason: "rows of 33 values are not whole Q8_0 blocks of 32"))
        let cutData = Array(good.bytes().dropLast(10))
        let dataStart = cutData.count + 10 - 68
        try check("data.gguf", cutData, .tensorDataOutOfRange(path: p("data.gguf"), tensor: "w", range: dataStart..<(dataStart + 68), fileSize: cutData.count))
        var far = good
        far.offsetOverride = ["w": 1 << 20]
        try check("far.gguf", far.bytes(), .tensorDataOutOfRange(path: p("far.gguf"), tensor: "w", range: (dataStart + (1 << 20))..<(dataStart + (1 << 20) + 68), fileSize: good.bytes().count))
        #expect(throws: ModelFileError.missingFile(path: p("none.gguf"), what: "GGUF file")) { try GGUFFile(path: p("none.gguf")) }

        var q2 = GGUFTestFile()
        q2.add("w", ne: [256], type: .q2_K, data: [UInt8](repeating: 0, count: 84))
        let url = dir.appendingPathComponent("q2.gguf")
        try q2.write(to: url)
        let file = try GGUFFile(path: url.path)
        #expect(throws: GGUFError.unsupportedTensorType(path: url.path, tensor: "w", type: "Q2_K")) { try file.floatTensor("w") }
        #expect(throws: GGUFError.missingTensor(path: url.path, name: "x")) { try file.floatTensor("x") }
    }
}

let smolLM2Directory = "SmolLM2-135M-Instruct"
let qwenDirectory = "Qwen2.5-Coder-0.5B-Instruct"

/// `gguf_dequant.json`: the first and last tensor of each type in SmolLM2 (Q4_1) and Qwen2.5-Coder (Q4_K_M).
@Suite struct GGUFDequantizationGoldenTests {
    struct Golden: Decodable {
        struct Model: Decodable {
            let file: String
            let file_size: Int
            let tensor_count: Int
            let tensors: [Entry]
        }
        struct Entry: Decodable {
            let name: String, type: String, type_id: UInt32
            let gguf_shape_ne: [Int], data_offset: Int, n_bytes: Int
            let first256: [Float]
            let sum: Double, sum_sq: Double, min: Float, max: Float
        }
        let models: [String: Model]
    }

    @Test(.enabled(if: TestPaths.hasModel(smolLM2Directory, file: "SmolLM2-135M-Instruct.Q4_1.gguf"),
                   "SmolLM2 GGUF not found: set REASONIR_MODELS or run scripts/fetch-models.sh smollm2"))
    func smolLM2() throws { try check(model: "smollm2_q4_1", directory: smolLM2Directory) }

    @Test(.enabled(if: TestPaths.hasModel(qwenDirectory, file: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"),
                   "Qwen2.5-Coder GGUF not found: run scripts/fetch-models.sh qwen"))
    func qwenCoder() throws { try check(model: "qwen2.5_coder_0.5b_q4_k_m", directory: qwenDirectory) }

    private func check(model key: String, directory: String) throws {
        let golden = try TestPaths.decode(Golden.self, golden: "gguf_dequant.json")
        let model = try #require(golden.models[key])
        let url = TestPaths.models.appendingPathComponent(directory).appendingPathComponent(model.file)
        let file = try GGUFFile(path: url.path)
        #expect(file.mappedFile.size == model.file_size)
        #expect(file.tensorInfos.count == model.tensor_count)
        for g in model.tensors {
            let info = try file.tensorInfo(g.name)
            #expect(info.type.name == g.type && info.type.id == g.type_id, "\(g.name)")
            #expect(info.ne == g.gguf_shape_ne && info.byteRange == g.data_offset..<(g.data_offset + g.n_bytes), "\(g.name)")
            // Decode in slices of rows so the 136M-value embeddings need no 545 MB buffer.
            let rowsPerSlice = Swift.max(1, (1 << 20) / info.rowLength)
            var buffer = [Float](repeating: 0, count: rowsPerSlice * info.rowLength)
            var sum = 0.0, sumSq = 0.0, low = Float.infinity, high = -Float.infinity
            var first: [Float] = []
            var row = 0
            while row < info.rowCount {
                let rows = row..<Swift.min(info.rowCount, row + rowsPerSlice)
                try buffer.withUnsafeMutableBufferPointer { try file.dequantize(info, rows: rows, into: $0.baseAddress!) }
                let n = rows.count * info.rowLength
                if first.count < 256 { first += buffer.prefix(Swift.min(n, 256 - first.count)) }
                for v in buffer[0..<n] {
                    sum += Double(v)
                    sumSq += Double(v) * Double(v)
                    low = Swift.min(low, v)
                    high = Swift.max(high, v)
                }
                row = rows.upperBound
            }
            let maxDiff = zip(first, g.first256).map { abs($0 - $1) }.max() ?? .infinity
            #expect(first.count == g.first256.count && maxDiff <= 1e-6, "\(g.name): first256 differ by \(maxDiff)")
            #expect(abs(sum - g.sum) <= 1e-6 * Swift.max(abs(g.sum), 1), "\(g.name): sum \(sum) vs \(g.sum)")
            #expect(abs(sumSq - g.sum_sq) <= 1e-6 * g.sum_sq, "\(g.name): sum_sq \(sumSq) vs \(g.sum_sq)")
            #expect(low == g.min && high == g.max, "\(g.name): min/max \(low) \(high) vs \(g.min) \(g.max)")
        }
    }
}
