import Foundation

/// Loads the right tokenizer for a model directory or file, dispatching on `model.type`.
/// WordPiece and byte-level BPE; other types fail with `TokenizerError.unsupportedModel`, which names
/// the file and the type.
public enum TokenizerLoader {
    /// A Hugging Face model directory: `tokenizer.json` if present, else `vocab.txt` (with
    /// `tokenizer_config.json` when present) as a BERT WordPiece vocabulary.
    public static func load(directory: URL) throws(TokenizerError) -> any Tokenizer {
        let json = directory.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: json.path) { return try load(file: json) }
        let vocab = directory.appendingPathComponent("vocab.txt")
        if FileManager.default.fileExists(atPath: vocab.path) { return try load(file: vocab) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .cannotOpen(path: directory.path)
        }
        throw .noTokenizerFiles(directory: directory.path)
    }

    /// A `tokenizer.json`, or a `vocab.txt` (any `.txt` file; its directory's
    /// `tokenizer_config.json` is read when present).
    public static func load(file: URL) throws(TokenizerError) -> any Tokenizer {
        if file.pathExtension == "txt" {
            let config = file.deletingLastPathComponent().appendingPathComponent("tokenizer_config.json")
            let configuration = FileManager.default.fileExists(atPath: config.path)
                ? try BertVocabConfiguration(tokenizerConfig: config) : BertVocabConfiguration()
            return try WordPieceTokenizer(vocabularyFile: file, configuration: configuration)
        }
        let json = try TokenizerJSON(contentsOf: file)
        switch try json.modelType() {
        case "WordPiece":
            return try WordPieceTokenizer(json: json)
        case "BPE":
            return try json.byteLevelBPETokenizer()
        case let other:
            throw .unsupportedModel(path: json.path, type: other)
        }
    }
}
