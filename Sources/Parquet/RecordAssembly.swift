/// Turns a column chunk's levels and values back into rows, for the shapes BRIGHT's files use:
/// a flat (required or optional) column, and a list with one repeated level (the three-level
/// `LIST` layout of pyarrow and Spark, and the legacy two-level one).
enum RecordAssembly {
    static func strings(_ chunk: ColumnChunk) throws(DecodeError) -> [String?] {
        guard case .bytes(let values) = chunk.values else { throw .init(kind: .unsupported(feature: "reading a \(chunk.column.type) column as strings"), offset: 0) }
        guard chunk.column.maxRepetitionLevel == 0 else { throw .init(kind: .unsupported(feature: "reading a repeated column as strings"), offset: 0) }
        let maximum = chunk.column.maxDefinitionLevel
        if maximum == 0 {
            guard values.count == chunk.entryCount else { throw .malformed("\(values.count) values for \(chunk.entryCount) rows", at: 0) }
            return (0..<values.count).map { values.string($0) }
        }
        var rows: [String?] = []
        rows.reserveCapacity(chunk.entryCount)
        var next = 0
        for level in chunk.definitionLevels {
            if Int(level) == maximum {
                guard next < values.count else { throw .malformed("fewer values than definition levels promise", at: 0) }
                rows.append(values.string(next))
                next += 1
            } else {
                rows.append(nil)
            }
        }
        return rows
    }

    static func stringLists(_ chunk: ColumnChunk) throws(DecodeError) -> [[String?]?] {
        guard case .bytes(let values) = chunk.values else { throw .init(kind: .unsupported(feature: "reading a \(chunk.column.type) column as strings"), offset: 0) }
        let column = chunk.column
        guard column.maxRepetitionLevel == 1, let repeated = column.repetitions.firstIndex(of: .repeated) else {
            throw .init(kind: .unsupported(feature: "reading a column with \(column.maxRepetitionLevel) repeated levels as a list"), offset: 0)
        }
        // Definition level at which the repeated node holds an entry; below it the list is empty,
        // and below the list's own level (the level just above the repeated node) it is null.
        let entryLevel = column.repetitions[...repeated].filter { $0 != .required }.count
        let listLevel = column.repetitions[..<repeated].filter { $0 != .required }.count
        let maximum = column.maxDefinitionLevel
        guard chunk.definitionLevels.count == chunk.entryCount || maximum == 0,
              chunk.repetitionLevels.count == chunk.entryCount else {
            throw .malformed("level counts differ from the entry count", at: 0)
        }
        var rows: [[String?]?] = []
        // The row being assembled, appended to in place (copying it out of an optional per entry
        // would make a 10,000-id `excluded_ids` list quadratic).
        var list: [String?] = []
        var started = false, isNull = false
        func finish() {
            if started { rows.append(isNull ? nil : list) }
            list.removeAll(keepingCapacity: true)
        }
        var next = 0
        for i in 0..<chunk.entryCount {
            let definition = maximum == 0 ? 0 : Int(chunk.definitionLevels[i])
            if chunk.repetitionLevels[i] == 0 {
                finish()
                started = true
                isNull = definition < listLevel
                if isNull { continue }
            } else if !started || isNull {
                throw .malformed("a repeated entry continues a null or absent list", at: 0)
            }
            guard definition >= entryLevel else { continue }  // an empty list
            if definition == maximum {
                guard next < values.count else { throw .malformed("fewer values than definition levels promise", at: 0) }
                list.append(values.string(next))
                next += 1
            } else {
                list.append(nil)
            }
        }
        finish()
        return rows
    }
}
