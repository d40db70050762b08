import Foundation
import Hummingbird

/// `POST /v1/embeddings` (OpenAI) and `POST /embed` (text-embeddings-inference).
struct EmbeddingRoutes {
    let resources: ServerResources

    func add(to router: Router<some RequestContext>) {
        router.post("/v1/embeddings") { request, _ in try await openAI(request) }
        router.post("/embed") { request, _ in try await tei(request) }
    }

    /// OpenAI's request: `input` a string, a list of strings, a list of token ids or a list of
    /// lists of token ids; `encoding_format` float or base64; `dimensions` only the model's own.
    /// Inputs longer than the model takes are cut, as `reasonir embed` does.
    func openAI(_ request: Request) async throws -> Response {
        let body = try await RequestJSON.read(request, limit: resources.options.maxBodyBytes)
        let service = try resources.embeddingModel(requested: try body.string("model"))
        let format = try body.string("encoding_format") ?? "float"
        guard format == "float" || format == "base64" else {
            throw APIError(.unprocessable, "`encoding_format` must be `float` or `base64`, not `\(format)`", parameter: "encoding_format")
        }
        if let dimensions = try body.int("dimensions"), dimensions != service.embedder.dimension {
            throw APIError(.unprocessable, "`dimensions` \(dimensions) is not supported: `\(service.name)` makes "
                               + "\(service.embedder.dimension)-dimensional vectors only", parameter: "dimensions")
        }
        _ = try body.string("user")
        let sequences = try openAIInputs(try body.required("input"), service: service)
        let vectors = try await service.embed(sequences)
        let tokens = sequences.reduce(0) { $0 + $1.count }
        let data: [JSONOut] = (0..<vectors.count).map { row in
            let embedding: JSONOut = format == "base64" ? .string(base64(vectors[row])) : .floats(vectors[row])
            return .object([("object", .string("embedding")), ("index", .int(row)), ("embedding", embedding)])
        }
        return .json(.object([
            ("object", .string("list")), ("data", .array(data)), ("model", .string(service.name)),
            ("usage", .object([("prompt_tokens", .int(tokens)), ("total_tokens", .int(tokens))])),
        ]))
    }

    private func openAIInputs(_ input: RequestJSON, service: EmbeddingService) throws -> [[Int32]] {
        if let text = input.string { return [try service.tokenize(text, truncate: true, field: "input")] }
        guard let items = input.array else { throw input.wrongType("a string, a list of strings or a list of token ids") }
        guard !items.isEmpty else { throw APIError(.unprocessable, "`input` is an empty list", parameter: "input") }
        try checkCount(items.count, field: "input")
        if items.allSatisfy({ $0.string != nil }) {
            return try items.map { try service.tokenize($0.string!, truncate: true, field: $0.path) }
        }
        if items.allSatisfy({ if case .number = $0.value { return true } else { return false } }) {
            return [try service.wrap(tokenIDs: try items.map { try $0.asInt() }, truncate: true, field: "input")]
        }
        if items.allSatisfy({ $0.array != nil }) {
            return try items.map { item in
                let ids = try item.asArray().map { try $0.asInt() }
                guard !ids.isEmpty else { throw APIError(.unprocessable, "`\(item.path)` is an empty list", parameter: "input") }
                return try service.wrap(tokenIDs: ids, truncate: true, field: item.path)
            }
        }
        let bad = items.first { $0.string == nil } ?? items[0]
        throw bad.wrongType("a string (every item of `input` must be of one kind: strings, token ids or lists of token ids)")
    }

    /// TEI's request: `inputs` a string or a list of strings; `truncate` (default false: a
    /// too-long input is a 413, as TEI answers); `normalize` (only true: our vectors are normalised).
    func tei(_ request: Request) async throws -> Response {
        let body = try await RequestJSON.read(request, limit: resources.options.maxBodyBytes)
        let service = try resources.embeddingModel(requested: nil)
        let truncate = try body.bool("truncate") ?? false
        if let normalize = try body.bool("normalize"), !normalize {
            throw APIError(.unprocessable, "`normalize` false is not supported: this server returns L2-normalised vectors",
                           parameter: "normalize")
        }
        if let direction = try body.string("truncation_direction"), direction.lowercased() != "right" {
            throw APIError(.unprocessable, "`truncation_direction` must be `Right`", parameter: "truncation_direction")
        }
        let inputs = try body.required("inputs")
        let texts: [String]
        if let text = inputs.string {
            texts = [text]
        } else {
            texts = try inputs.asStrings()
            guard !texts.isEmpty else { throw APIError(.unprocessable, "`inputs` is an empty list", parameter: "inputs") }
            try checkCount(texts.count, field: "inputs")
        }
        let sequences = try texts.enumerated().map { try service.tokenize($1, truncate: truncate, field: "inputs[\($0)]") }
        let vectors = try await service.embed(sequences)
        return .json(.array((0..<vectors.count).map { .floats(vectors[$0]) }))
    }

    private func checkCount(_ count: Int, field: String) throws {
        let limit = resources.options.maxInputsPerRequest
        if count > limit {
            throw APIError(.tooLarge, "`\(field)` has \(count) items, more than the limit of \(limit) per request", parameter: field)
        }
    }
}

/// Little-endian Float32 bytes in base64, as OpenAI's `encoding_format: base64`.
func base64(_ values: ArraySlice<Float>) -> String {
    var bytes = [UInt8]()
    bytes.reserveCapacity(values.count * 4)
    for value in values {
        let bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
    }
    return Data(bytes).base64EncodedString()
}
