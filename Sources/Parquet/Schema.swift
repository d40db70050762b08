/// A leaf column of the schema: its path from the root and the levels that place its values
/// in nested, optional structure (Dremel's definition and repetition levels).
public struct LeafColumn: Sendable {
    /// Names from the top-level field down to the leaf, e.g. `["gold_ids", "list", "element"]`.
    public var path: [String]
    public var type: PhysicalType
    /// The width of a `FIXED_LEN_BYTE_ARRAY` value (12 for `INT96`).
    public var typeLength: Int
    public var maxDefinitionLevel: Int
    public var maxRepetitionLevel: Int
    /// The repetition of each node on the path, top-level first.
    public var repetitions: [Repetition]

    public var dottedPath: String { path.joined(separator: ".") }
    public var topLevelName: String { path.first ?? "" }
}

/// The schema of a file, flattened to its leaf columns in file order.
public struct ParquetSchema: Sendable {
    public var leaves: [LeafColumn]

    init(_ elements: [SchemaElement]) throws(DecodeError) {
        var leaves: [LeafColumn] = []
        var index = 1  // elements[0] is the root
        // Depth-first walk of the flattened tree, with an explicit stack of remaining child counts.
        var stack: [(remaining: Int, path: [String], repetitions: [Repetition])] = [(elements[0].childCount, [], [])]
        while let top = stack.last {
            if top.remaining == 0 {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].remaining -= 1
            guard index < elements.count else { throw .malformed("the schema lists fewer elements than its groups promise", at: 0) }
            let element = elements[index]
            index += 1
            let path = top.path + [element.name]
            let repetitions = top.repetitions + [element.repetition]
            if element.childCount > 0 {
                guard stack.count < 64 else { throw .malformed("schema nested too deeply", at: 0) }
                stack.append((element.childCount, path, repetitions))
            } else {
                guard let type = element.type else { throw .malformed("leaf \(path.joined(separator: ".")) has no type", at: 0) }
                leaves.append(LeafColumn(
                    path: path, type: type, typeLength: type == .int96 ? 12 : element.typeLength ?? 0,
                    maxDefinitionLevel: repetitions.filter { $0 != .required }.count,
                    maxRepetitionLevel: repetitions.filter { $0 == .repeated }.count,
                    repetitions: repetitions))
            }
        }
        self.leaves = leaves
    }

    /// The leaf named `name`: its dotted path, or a top-level field with exactly one leaf
    /// (so `gold_ids` finds `gold_ids.list.element`).
    public func leafIndex(_ name: String) -> Int? {
        if let i = leaves.firstIndex(where: { $0.dottedPath == name }) { return i }
        let matches = leaves.indices.filter { leaves[$0].topLevelName == name }
        return matches.count == 1 ? matches[0] : nil
    }
}
