/// Splits a line into fields the way Python's `str.split()` does: on runs of whitespace, with
/// leading and trailing whitespace ignored. Python's whitespace is Unicode's `White_Space` plus
/// the ASCII separators U+001C…U+001F.
func whitespaceFields(_ line: String) -> [String] {
    var line = line
    // ASCII lines (nearly all): split the bytes directly.
    let asciiFields: [String]? = line.withUTF8 { bytes in
        var fields: [String] = []
        var fieldStart: Int?
        for (offset, byte) in bytes.enumerated() {
            if byte >= 0x80 { return nil }
            if isASCIIWhitespace(byte) {
                if let start = fieldStart {
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self))
                    fieldStart = nil
                }
            } else if fieldStart == nil {
                fieldStart = offset
            }
        }
        if let start = fieldStart {
            fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
        }
        return fields
    }
    if let asciiFields { return asciiFields }

    var fields: [String] = []
    var field = String.UnicodeScalarView()
    for scalar in line.unicodeScalars {
        if isPythonWhitespace(scalar) {
            if !field.isEmpty {
                fields.append(String(field))
                field = String.UnicodeScalarView()
            }
        } else {
            field.append(scalar)
        }
    }
    if !field.isEmpty { fields.append(String(field)) }
    return fields
}

@inline(__always)
private func isASCIIWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0D).contains(byte) || (0x1C...0x1F).contains(byte)
}

func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x80 ? isASCIIWhitespace(UInt8(scalar.value)) : scalar.properties.isWhitespace
}

/// Python's `' '.join(fields)`.
func joinedWithSpaces(_ fields: ArraySlice<String>) -> String {
    fields.count == 1 ? fields[fields.startIndex] : fields.joined(separator: " ")
}
