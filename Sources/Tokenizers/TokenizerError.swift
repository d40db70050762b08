/// Everything that can go wrong while loading a tokenizer or decoding its input. Each case names
/// the file and, where it helps, the field (a dotted path such as `model.vocab`), so that the
/// message alone tells a user what to fix.
public enum TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file does not exist or cannot be read.
    case cannotOpen(path: String)
    /// A directory holds neither `tokenizer.json` nor `vocab.txt`.
    case noTokenizerFiles(directory: String)
    /// The file is not valid UTF-8; `byteOffset` is the first bad byte.
    case fileNotUTF8(path: String, byteOffset: Int)
    /// The file is not well-formed JSON.
    case malformedJSON(path: String, line: Int, column: Int, reason: String)
    /// A required field is absent.
    case missingField(path: String, field: String)
    /// A field is present but holds the wrong kind of value.
    case invalidField(path: String, field: String, expected: String, found: String)
    /// `model.type` names a model this module does not implement yet.
    case unsupportedModel(path: String, type: String)
    /// A normalizer, pre-tokenizer or post-processor type this module does not implement yet.
    case unsupportedComponent(path: String, field: String, type: String)
    /// A token the configuration relies on (the unknown token, a template's special token) is
    /// not in the vocabulary.
    case missingToken(path: String, field: String, token: String)
    /// Bytes given to `encode(utf8:)` are not valid UTF-8; `byteOffset` is the first bad byte.
    case invalidUTF8(byteOffset: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let path):
            return "cannot open \(path): no such file or not readable"
        case .noTokenizerFiles(let directory):
            return "\(directory): no tokenizer.json and no vocab.txt in this directory"
        case .fileNotUTF8(let path, let offset):
            return "\(path): not valid UTF-8 (first bad byte at offset \(offset))"
        case .malformedJSON(let path, let line, let column, let reason):
            return "\(path):\(line):\(column): malformed JSON: \(reason)"
        case .missingField(let path, let field):
            return "\(path): missing field \"\(field)\""
        case .invalidField(let path, let field, let expected, let found):
            return "\(path): field \"\(field)\": expected \(expected), found \(found)"
        case .unsupportedModel(let path, let type):
            return "\(path): field \"model.type\": \"\(type)\" is not supported yet (supported: WordPiece, BPE)"
        case .unsupportedComponent(let path, let field, let type):
            return "\(path): field \"\(field)\": type \"\(type)\" is not supported yet"
        case .missingToken(let path, let field, let token):
            return "\(path): field \"\(field)\": token \"\(token)\" is not in the vocabulary"
        case .invalidUTF8(let offset):
            return "input is not valid UTF-8 (first bad byte at offset \(offset))"
        }
    }
}
