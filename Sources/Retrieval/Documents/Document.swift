/// A document of a corpus: an id and the text that retrievers see.
///
/// BEIR documents carry a title; BRIGHT documents do not. `text` is what gets indexed:
/// for BEIR it is `title + " " + text` (or `text` alone when the title is empty), the
/// convention of pyserini, BRIGHT and sentence-transformers' BEIR evaluations.
public struct Document: Sendable, Hashable {
    public var id: String
    public var text: String

    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }

    /// Joins a BEIR title and body the way BEIR evaluations do.
    public init(id: String, title: String, body: String) {
        self.id = id
        self.text = title.isEmpty ? body : title + " " + body
    }
}
