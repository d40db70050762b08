import Foundation
import JSON
import TestSupport
import Testing

/// Every JSON file and JSONL row in the shared fixtures and datasets reads as Foundation's
/// `JSONSerialization` reads it (which merges repeated keys and loses order, so only that is compared).
@Suite(.enabled(if: FileManager.default.fileExists(atPath: TestPaths.golden.path), "needs the shared fixtures"))
struct SharedFilesTests {
    static func files(in directory: URL, extension ext: String) -> [URL] {
        let found = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.allObjects ?? []
        return found.compactMap { $0 as? URL }.filter { $0.pathExtension == ext }.sorted { $0.path < $1.path }
    }

    @Test func jsonFiles() throws {
        let urls = Self.files(in: TestPaths.golden, extension: "json") + Self.files(in: TestPaths.fixtureModels, extension: "json")
        #expect(urls.count > 10)
        for url in urls {
            let data = try Data(contentsOf: url)
            let ours = try JSONParser.parse([UInt8](data))
            let theirs = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
            #expect(Self.difference(ours, theirs) == nil, "\(url.path)")
        }
    }

    @Test(arguments: ["bright/examples/biology.jsonl", "bright/examples/aops.jsonl", "scifact/queries.jsonl"])
    func jsonlRows(_ file: String) throws {
        let data = try Data(contentsOf: TestPaths.shared.appendingPathComponent("data").appendingPathComponent(file))
        var rows = 0
        for line in data.split(separator: UInt8(ascii: "\n")) {
            let ours = try JSONParser.parse(line, loneSurrogates: .replace)
            let theirs = try JSONSerialization.jsonObject(with: Data(line))
            #expect(Self.difference(ours, theirs) == nil, "\(file) row \(rows + 1)")
            rows += 1
        }
        #expect(rows > 100)
    }

    /// Where `value` differs from what `JSONSerialization` gave as `object` (a path such as
    /// `/tasks/biology/3`), or nil when it does not.
    static func difference(_ value: JSONValue, _ object: Any, at path: String = "") -> String? {
        switch value {
        case .null: return object is NSNull ? nil : path
        case .bool(let b): return (object as? Bool) == b ? nil : path
        case .number(let n):
            // Foundation on Linux reads long decimals as NSDecimalNumber, whose doubleValue can be
            // an ulp or two off the correctly rounded Double(n.text) that Python also gives: compare decimals.
            if let decimal = object as? NSDecimalNumber {
                return decimal.compare(NSDecimalNumber(string: n.text)) == .orderedSame ? nil : "\(path) (\(n) vs \(decimal))"
            }
            return (object as? NSNumber)?.doubleValue == n.double ? nil : "\(path) (\(n) vs \(object))"
        case .string(let s): return (object as? String).map { Array($0.utf8) == Array(s.utf8) } == true ? nil : path
        case .array(let elements):
            guard let objects = object as? [Any], objects.count == elements.count else { return path }
            for (k, (element, object)) in zip(elements, objects).enumerated() {
                if let difference = difference(element, object, at: "\(path)/\(k)") { return difference }
            }
            return nil
        case .object(let members):
            guard let objects = object as? [String: Any] else { return path }
            var merged: [String: JSONValue] = [:]
            for (key, member) in members { merged[key] = member }
            guard merged.count == objects.count else { return "\(path) (\(merged.count) vs \(objects.count) keys)" }
            for (key, member) in merged {
                guard let object = objects[key] else { return "\(path)/\(key) (missing)" }
                if let difference = difference(member, object, at: "\(path)/\(key)") { return difference }
            }
            return nil
        }
    }
}
