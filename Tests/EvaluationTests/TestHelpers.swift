import Foundation

/// A JSON number as a Double.
func number(_ value: Any?) -> Double? {
    (value as? NSNumber)?.doubleValue
}

func write(_ text: String, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}
