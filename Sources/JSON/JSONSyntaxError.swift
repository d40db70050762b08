/// Why and where a document is not JSON.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. "expected ',' or '}' in an object".
    public var reason: String
    /// The 0-based byte offset of the offending byte (the input's length at an unexpected end).
    public var offset: Int
    /// The 1-based line: line feeds before `offset`, plus one.
    public var line: Int
    /// The 1-based column, counted in Unicode scalars from the start of the line.
    public var column: Int

    init(reason: String, offset: Int, line: Int, column: Int) {
        self.reason = reason
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// Locates `offset` in `bytes`: done only once a document has failed, so parsing never
    /// tracks lines.
    init(reason: String, offset: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        var line = 1, column = 1
        for byte in UnsafeBufferPointer(rebasing: bytes[..<min(offset, bytes.count)]) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // not a UTF-8 continuation byte
                column += 1
            }
        }
        self.init(reason: reason, offset: offset, line: line, column: column)
    }

    public var description: String { "\(line):\(column): \(reason)" }
}
