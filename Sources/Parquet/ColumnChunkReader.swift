/// Decodes one column chunk: walks its pages (dictionary, data v1, data v2), decompresses
/// them, and decodes levels and values. Errors carry absolute file offsets.
struct ColumnChunkReader {
    let file: UnsafeRawBufferPointer
    let column: LeafColumn
    let metadata: ColumnChunkMetadata

    /// An error at absolute file offset `offset`.
    struct Failure: Error {
        var kind: ParquetError.Kind
        var offset: Int
    }

    func read() throws(Failure) -> ColumnChunk {
        guard column.maxDefinitionLevel <= 255, column.maxRepetitionLevel <= 255 else {
            throw Failure(kind: .unsupported(feature: "nesting deeper than 255 levels"), offset: metadata.dataPageOffset)
        }
        var start = metadata.dataPageOffset
        if let dictionary = metadata.dictionaryPageOffset, dictionary > 0, dictionary < start { start = dictionary }
        let (end, overflow) = start.addingReportingOverflow(metadata.totalCompressedSize)
        guard start >= 4, !overflow, metadata.totalCompressedSize >= 0 else {
            throw Failure(kind: .malformed(reason: "column chunk at \(start) of \(metadata.totalCompressedSize) bytes"), offset: start)
        }
        guard end <= file.count else { throw Failure(kind: .truncated(what: "the column chunk at \(start)..<\(end)"), offset: start) }
        let chunk = UnsafeRawBufferPointer(rebasing: file[start..<end])

        var values = ColumnValues(type: column.type)
        var dictionary: ColumnValues?
        var definitionLevels: [UInt8] = []
        var repetitionLevels: [UInt8] = []
        var entries = 0
        var position = 0
        while entries < metadata.valueCount {
            let pageStart = start + position
            guard position < chunk.count else {
                throw Failure(kind: .truncated(what: "the pages of the column chunk (\(entries) of \(metadata.valueCount) values read)"), offset: pageStart)
            }
            let header: PageHeader
            let body: UnsafeRawBufferPointer
            do throws(DecodeError) {
                var reader = ThriftCompactReader(chunk, position: position)
                header = try PageHeader(reader.readStruct())
                body = try reader.cursor.bytes(header.compressedSize, "a page of \(header.compressedSize) bytes")
                position = reader.cursor.position
            } catch {
                throw Failure(kind: error.kind, offset: start + error.offset)
            }
            do throws(DecodeError) {
                switch PageHeader.Kind(rawValue: header.kind) {
                case .dictionary:
                    guard dictionary == nil else { throw DecodeError.malformed("a second dictionary page", at: 0) }
                    guard header.encoding == Encoding.plain || header.encoding == Encoding.plainDictionary else {
                        throw DecodeError(kind: .unsupportedEncoding(name: Encoding.name(header.encoding) + " (dictionary page)"), offset: 0)
                    }
                    let data = try Decompression.decompress(body, codec: metadata.codec, uncompressedSize: header.uncompressedSize)
                    var entriesOfDictionary = ColumnValues(type: column.type)
                    try withBytes(of: data) { (raw: UnsafeRawBufferPointer) throws(DecodeError) in
                        try PlainDecoder.decode(raw, column: column, count: header.valueCount, into: &entriesOfDictionary)
                    }
                    dictionary = entriesOfDictionary
                case .data, .dataV2:
                    let page = DataPage(header: header, body: body, column: column, codec: metadata.codec)
                    let n = try page.decode(dictionary: dictionary, values: &values, definitionLevels: &definitionLevels, repetitionLevels: &repetitionLevels)
                    entries += n
                case .index, nil:
                    break  // index pages (and unknown kinds) carry no values
                }
            } catch {
                throw Failure(kind: error.kind, offset: pageStart)
            }
        }
        return ColumnChunk(column: column, values: values, definitionLevels: definitionLevels,
                           repetitionLevels: repetitionLevels, entryCount: entries)
    }
}

/// One data page, version 1 or 2.
struct DataPage {
    let header: PageHeader
    let body: UnsafeRawBufferPointer
    let column: LeafColumn
    let codec: Int

    /// Appends the page's levels and values; returns its number of level entries.
    func decode(dictionary: ColumnValues?, values: inout ColumnValues,
                definitionLevels: inout [UInt8], repetitionLevels: inout [UInt8]) throws(DecodeError) -> Int {
        let count = header.valueCount
        let decompressed: [UInt8]
        var repetitionBytes = UnsafeRawBufferPointer(start: nil, count: 0)
        var definitionBytes = UnsafeRawBufferPointer(start: nil, count: 0)
        var levelsLength = 0
        if header.kind == PageHeader.Kind.dataV2.rawValue {
            // v2: levels first, never compressed, lengths in the header; then the (maybe compressed) values.
            var cursor = ByteCursor(body)
            repetitionBytes = try cursor.bytes(header.repetitionLevelsLength, "the repetition levels")
            definitionBytes = try cursor.bytes(header.definitionLevelsLength, "the definition levels")
            let rest = try cursor.bytes(cursor.remaining, "the values")
            let size = header.uncompressedSize - header.repetitionLevelsLength - header.definitionLevelsLength
            guard size >= 0 else { throw .malformed("level lengths exceed the page size", at: 0) }
            decompressed = header.isCompressed
                ? try Decompression.decompress(rest, codec: codec, uncompressedSize: size)
                : Array(rest)
        } else {
            decompressed = try Decompression.decompress(body, codec: codec, uncompressedSize: header.uncompressedSize)
        }
        return try withBytes(of: decompressed) { (data: UnsafeRawBufferPointer) throws(DecodeError) -> Int in
            var cursor = ByteCursor(data)
            if header.kind == PageHeader.Kind.data.rawValue {
                // v1: each level stream is a 4-byte length and RLE data, inside the compressed bytes.
                if column.maxRepetitionLevel > 0 {
                    try Self.requireRLE(header.repetitionLevelEncoding, "repetition levels")
                    let length = try cursor.littleEndian(UInt32.self, "the repetition levels' length")
                    repetitionBytes = try cursor.bytes(Int(length), "the repetition levels")
                }
                if column.maxDefinitionLevel > 0 {
                    try Self.requireRLE(header.definitionLevelEncoding, "definition levels")
                    let length = try cursor.littleEndian(UInt32.self, "the definition levels' length")
                    definitionBytes = try cursor.bytes(Int(length), "the definition levels")
                }
                levelsLength = cursor.position
            }
            var present = count
            if column.maxRepetitionLevel > 0 {
                try Self.levels(repetitionBytes, maximum: column.maxRepetitionLevel, count: count, into: &repetitionLevels)
            }
            if column.maxDefinitionLevel > 0 {
                let before = definitionLevels.count
                try Self.levels(definitionBytes, maximum: column.maxDefinitionLevel, count: count, into: &definitionLevels)
                let maximum = UInt8(column.maxDefinitionLevel)
                present = definitionLevels[before...].reduce(0) { $0 + ($1 == maximum ? 1 : 0) }
            }
            let valueBytes = UnsafeRawBufferPointer(rebasing: data[levelsLength...])
            try decodeValues(valueBytes, count: present, dictionary: dictionary, into: &values)
            return count
        }
    }

    private static func requireRLE(_ encoding: Int, _ what: String) throws(DecodeError) {
        guard encoding == Encoding.rle else {
            throw DecodeError(kind: .unsupportedEncoding(name: Encoding.name(encoding) + " (\(what))"), offset: 0)
        }
    }

    private static func levels(_ bytes: UnsafeRawBufferPointer, maximum: Int, count: Int, into output: inout [UInt8]) throws(DecodeError) {
        var decoded: [UInt32] = []
        try RLEHybrid.decode(bytes, bitWidth: RLEHybrid.bitWidth(maximum), count: count, into: &decoded)
        for level in decoded {
            guard level <= UInt32(maximum) else { throw .malformed("level \(level) above the column's maximum \(maximum)", at: 0) }
            output.append(UInt8(level))
        }
    }

    private func decodeValues(_ bytes: UnsafeRawBufferPointer, count: Int, dictionary: ColumnValues?,
                              into values: inout ColumnValues) throws(DecodeError) {
        switch header.encoding {
        case Encoding.plain:
            try PlainDecoder.decode(bytes, column: column, count: count, into: &values)
        case Encoding.plainDictionary, Encoding.rleDictionary:
            guard let dictionary else { throw .malformed("dictionary-encoded page without a dictionary page", at: 0) }
            guard count > 0 else { return }
            var cursor = ByteCursor(bytes)
            let width = Int(try cursor.byte("the dictionary indices' bit width"))
            var indices: [UInt32] = []
            try RLEHybrid.decode(UnsafeRawBufferPointer(rebasing: bytes[1...]), bitWidth: width, count: count, into: &indices)
            try Self.gather(dictionary, indices, into: &values)
        default:
            throw DecodeError(kind: .unsupportedEncoding(name: Encoding.name(header.encoding)), offset: 0)
        }
    }

    private static func gather(_ dictionary: ColumnValues, _ indices: [UInt32], into values: inout ColumnValues) throws(DecodeError) {
        let size = dictionary.count
        if let bad = indices.first(where: { Int($0) >= size }) {
            throw .malformed("dictionary index \(bad) outside a dictionary of \(size)", at: 0)
        }
        switch (dictionary, values) {
        case (.boolean(let d), .boolean(var v)): v.append(contentsOf: indices.map { d[Int($0)] }); values = .boolean(v)
        case (.int32(let d), .int32(var v)): v.append(contentsOf: indices.map { d[Int($0)] }); values = .int32(v)
        case (.int64(let d), .int64(var v)): v.append(contentsOf: indices.map { d[Int($0)] }); values = .int64(v)
        case (.float(let d), .float(var v)): v.append(contentsOf: indices.map { d[Int($0)] }); values = .float(v)
        case (.double(let d), .double(var v)): v.append(contentsOf: indices.map { d[Int($0)] }); values = .double(v)
        case (.bytes(let d), .bytes(var v)):
            values = .bytes(ByteArrays())
            for i in indices { v.append(d, index: Int(i)) }
            values = .bytes(v)
        default:
            throw .malformed("dictionary of another type than the column", at: 0)
        }
    }
}

/// `Array.withUnsafeBytes` for a body that throws `DecodeError`, keeping the error's type.
func withBytes<R>(of array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(DecodeError) -> R) throws(DecodeError) -> R {
    let result: Result<R, DecodeError> = array.withUnsafeBytes { raw in
        do throws(DecodeError) { return .success(try body(raw)) } catch { return .failure(error) }
    }
    return try result.get()
}
