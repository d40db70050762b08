/// Problems with files given by the user, each naming the file and, where it helps, the line.
public enum FileError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String)
    case invalidUTF8(path: String, line: Int)
    case malformedLine(path: String, line: Int, reason: String)
    case missingField(path: String, line: Int, field: String)
    /// The file opened but a read failed (an I/O error, a directory, a file that went away).
    case readFailed(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path):
            return "cannot open \(path): no such file or not readable"
        case .invalidUTF8(let path, let line):
            return "\(path):\(line): not valid UTF-8"
        case .malformedLine(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .missingField(let path, let line, let field):
            return "\(path):\(line): missing field \"\(field)\""
        case .readFailed(let path, let line, let reason):
            return "\(path): read failed after line \(line): \(reason)"
        }
    }
}
