import ModelFiles
import Tokenizers

extension GGUFVocabulary {
    /// The `tokenizer.ggml.*` fields of `file`; errors name the file and the key.
    public init(file: GGUFFile) throws {
        let m = file.metadata
        self.init(
            source: file.path,
            model: try m.string("tokenizer.ggml.model"),
            pre: try m.optional("tokenizer.ggml.pre", GGUFMetadata.string),
            tokens: try m.stringArray("tokenizer.ggml.tokens"),
            tokenTypes: try m.optional("tokenizer.ggml.token_type", GGUFMetadata.intArray),
            merges: try m.optional("tokenizer.ggml.merges", GGUFMetadata.stringArray) ?? [],
            bosID: try m.optional("tokenizer.ggml.bos_token_id", GGUFMetadata.int),
            eosID: try m.optional("tokenizer.ggml.eos_token_id", GGUFMetadata.int),
            unknownID: try m.optional("tokenizer.ggml.unknown_token_id", GGUFMetadata.int),
            paddingID: try m.optional("tokenizer.ggml.padding_token_id", GGUFMetadata.int),
            endOfTurnID: try m.optional("tokenizer.ggml.eot_token_id", GGUFMetadata.int),
            addBOS: try m.optional("tokenizer.ggml.add_bos_token", GGUFMetadata.bool),
            addEOS: try m.optional("tokenizer.ggml.add_eos_token", GGUFMetadata.bool))
    }
}

extension ByteLevelBPETokenizer {
    /// The tokenizer stored in a GGUF file (`tokenizer.ggml.model` "gpt2").
    public init(gguf file: GGUFFile) throws {
        try self.init(ggufVocabulary: GGUFVocabulary(file: file))
    }
}
