/// What went wrong reading model files. Every case names the file, and the tensor where there is one.
public enum ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file the model needs is not there (`what` says which role it has, e.g. "model config").
    case missingFile(path: String, what: String)
    /// The file exists but cannot be opened or mapped.
    case unreadable(path: String, reason: String)
    /// A JSON file that does not parse, or lacks a field, or has a field of the wrong type.
    case invalidJSON(path: String, reason: String)
    /// config.json describes a model this engine does not implement.
    case unknownArchitecture(path: String, modelType: String?, architectures: [String], supported: [String])
    /// A setting this engine does not implement (e.g. relative position embeddings, a Dense module).
    case unsupported(path: String, reason: String)
    /// A safetensors file whose header or data layout is broken.
    case corruptSafetensors(path: String, reason: String)
    case missingTensor(path: String, name: String)
    case wrongShape(path: String, name: String, expected: [Int], actual: [Int])
    /// A tensor whose element type cannot be read as Float32 (e.g. I64 position ids).
    case unsupportedDType(path: String, name: String, dtype: String)

    public var description: String {
        switch self {
        case let .missingFile(path, what):
            return "missing \(what): \(path) does not exist"
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .invalidJSON(path, reason):
            return "invalid JSON in \(path): \(reason)"
        case let .unknownArchitecture(path, modelType, architectures, supported):
            let type = modelType.map { "model_type \"\($0)\"" } ?? "no model_type"
            let archs = architectures.isEmpty ? "" : " (architectures \(architectures.joined(separator: ", ")))"
            return "unknown architecture in \(path): \(type)\(archs); supported: \(supported.joined(separator: ", "))"
        case let .unsupported(path, reason):
            return "unsupported model setting in \(path): \(reason)"
        case let .corruptSafetensors(path, reason):
            return "corrupt safetensors file \(path): \(reason)"
        case let .missingTensor(path, name):
            return "tensor \"\(name)\" not found in \(path)"
        case let .wrongShape(path, name, expected, actual):
            return "tensor \"\(name)\" in \(path) has shape \(actual), expected \(expected)"
        case let .unsupportedDType(path, name, dtype):
            return "tensor \"\(name)\" in \(path) has dtype \(dtype), which cannot be read as Float32"
        }
    }
}
