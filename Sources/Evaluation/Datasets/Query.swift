/// A query of a dataset: its id and the text a retriever is given.
public struct Query: Sendable, Hashable {
    public var id: String
    public var text: String

    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }
}
