// The Tokenizers module: tokenizer.json loading, WordPiece, byte-level BPE.
