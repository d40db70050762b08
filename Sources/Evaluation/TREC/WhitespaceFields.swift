/// Splits a line into fields the way Python's `str.split()` does: on runs of whitespace, with
/// leading and trailing whitespace ignored. Python's whitespace is Unicode's `White_Space` plus
/// the ASCII separators U+001C…U+001F.
func whitespaceFields(_ line: Substring) -> [Substring] {
    var fields: [Substring] = []
    let utf8 = line.utf8
    if !utf8.contains(where: { $0 >= 0x80 }) {
        // ASCII: split on bytes.
        var fieldStart: String.Index?
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == 0x20 || (0x09...0x0D).contains(byte) || (0x1C...0x1F).contains(byte) {
                if let start = fieldStart {
                    fields.append(line[start..<index])
                    fieldStart = nil
                }
            } else if fieldStart == nil {
                fieldStart = index
            }
            index = utf8.index(after: index)
        }
        if let start = fieldStart { fields.append(line[start...]) }
        return fields
    }
    let scalars = line.unicodeScalars
    var fieldStart: String.Index?
    var index = scalars.startIndex
    while index < scalars.endIndex {
        let scalar = scalars[index]
        if isPythonWhitespace(scalar) {
            if let start = fieldStart {
                fields.append(line[start..<index])
                fieldStart = nil
            }
        } else if fieldStart == nil {
            fieldStart = index
        }
        index = scalars.index(after: index)
    }
    if let start = fieldStart { fields.append(line[start...]) }
    return fields
}

@inline(__always)
func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x20, 0x09...0x0D, 0x1C...0x1F: return true
    case 0..<0x80: return false
    default: return scalar.properties.isWhitespace
    }
}

/// Python's `' '.join(fields)`.
func joinedWithSpaces(_ fields: ArraySlice<Substring>) -> String {
    fields.count == 1 ? String(fields[fields.startIndex]) : fields.joined(separator: " ")
}
