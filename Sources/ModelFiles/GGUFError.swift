/// What went wrong reading a GGUF file. Every case names the file, and the metadata key or tensor
/// where there is one.
public enum GGUFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not start with the bytes "GGUF".
    case badMagic(path: String, found: [UInt8])
    case unsupportedVersion(path: String, version: UInt32)
    /// The file ends inside `field` (a header field, a metadata key, a tensor info), at byte `offset`.
    case truncated(path: String, field: String, offset: Int)
    /// A metadata value or tensor info that cannot be right (bad value type, absurd count, bad alignment…).
    case invalid(path: String, field: String, reason: String)
    case unknownTensorType(path: String, tensor: String, typeID: UInt32)
    /// A tensor whose bytes lie (partly) outside the file.
    case tensorDataOutOfRange(path: String, tensor: String, range: Range<Int>, fileSize: Int)
    /// A tensor's dimensions that do not fit its type's blocks, or that differ from what the caller expects.
    case shapeMismatch(path: String, tensor: String, reason: String)
    case missingKey(path: String, key: String)
    case wrongValueType(path: String, key: String, expected: String, actual: String)
    case missingTensor(path: String, name: String)
    /// A tensor type this engine can read the size of but not decode (e.g. Q2_K).
    case unsupportedTensorType(path: String, tensor: String, type: String)

    public var description: String {
        switch self {
        case let .badMagic(path, found):
            return "\(path) is not a GGUF file: it starts with bytes \(found), not \"GGUF\""
        case let .unsupportedVersion(path, version):
            return "\(path): GGUF version \(version) is not supported (only 2 and 3)"
        case let .truncated(path, field, offset):
            return "\(path) is truncated: it ends inside \(field) at byte \(offset)"
        case let .invalid(path, field, reason):
            return "invalid GGUF file \(path): \(field): \(reason)"
        case let .unknownTensorType(path, tensor, typeID):
            return "tensor \"\(tensor)\" in \(path) has unknown GGML type id \(typeID)"
        case let .tensorDataOutOfRange(path, tensor, range, fileSize):
            return "tensor \"\(tensor)\" in \(path) has data at bytes \(range), outside the \(fileSize)-byte file"
        case let .shapeMismatch(path, tensor, reason):
            return "tensor \"\(tensor)\" in \(path): \(reason)"
        case let .missingKey(path, key):
            return "metadata key \"\(key)\" not found in \(path)"
        case let .wrongValueType(path, key, expected, actual):
            return "metadata key \"\(key)\" in \(path) is \(actual), expected \(expected)"
        case let .missingTensor(path, name):
            return "tensor \"\(name)\" not found in \(path)"
        case let .unsupportedTensorType(path, tensor, type):
            return "tensor \"\(tensor)\" in \(path) has type \(type), which this engine cannot decode"
        }
    }
}
