import Foundation
import JSON
import Parquet
import Testing
import TestSupport

/// Our reader against pyarrow: every fixture file (all compressions, page versions 1 and 2,
/// dictionary on and off, several row-group sizes) must read back exactly as pyarrow read it
/// when `scripts/parity/parquet_fixtures.py` wrote it.
@Suite struct ParityTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func json(_ name: String) throws -> JSONValue {
        let url = fixtures.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw TestDataError.missing(url.path) }
        return try JSONParser.parse(data)
    }

    static let manifest: [(file: String, table: String, rowGroups: Int)] = {
        guard case .object(let members)? = try? json("manifest.json") else { return [] }
        return members.compactMap { member in
            guard case .string(let table)? = member.value["table"],
                  case .number(let groups)? = member.value["num_row_groups"], let n = Int(groups.text) else { return nil }
            return (member.key, table, n)
        }
    }()

    @Test func manifestListsEveryCombination() {
        #expect(Self.manifest.count == 32)
        for codec in ["none", "snappy", "gzip", "zstd"] {
            #expect(Self.manifest.contains { $0.file.contains("-\(codec)-") && $0.rowGroups > 1 })
            #expect(Self.manifest.contains { $0.file.contains("-\(codec)-") && $0.rowGroups == 1 })
        }
    }

    @Test(arguments: manifest.map(\.file))
    func readsWhatPyarrowReads(file: String) throws {
        let entry = try #require(Self.manifest.first { $0.file == file })
        let expected = try Self.json("\(entry.table).json")
        guard case .array(let rows) = expected else { Issue.record("\(entry.table).json is not an array"); return }
        let parquet = try ParquetFile(path: Self.fixtures.appendingPathComponent(file).path)
        #expect(parquet.rowGroupCount == entry.rowGroups)
        #expect(parquet.rowCount == rows.count)
        let names = entry.table == "examples"
            ? ["query", "reasoning", "id", "excluded_ids", "gold_ids_long", "gold_ids", "gold_answer"]
            : ["id", "content"]
        #expect(parquet.columnNames == names)
        for name in names {
            var column: [JSONValue] = []
            let isList = parquet.schema.leaves.first { $0.topLevelName == name }?.maxRepetitionLevel == 1
            for group in 0..<parquet.rowGroupCount {
                if isList {
                    column += try parquet.stringLists(name, rowGroup: group).map { list in
                        list.map { .array($0.map { $0.map(JSONValue.string) ?? .null }) } ?? .null
                    }
                } else {
                    column += try parquet.strings(name, rowGroup: group).map { $0.map(JSONValue.string) ?? .null }
                }
            }
            let want = rows.map { $0[name] ?? .null }
            #expect(column.count == want.count, "\(file) \(name)")
            let firstDifference = column.indices.first { $0 < want.count && column[$0] != want[$0] }
            #expect(firstDifference == nil, "\(file) column \(name) differs from pyarrow at row \(firstDifference ?? -1)")
        }
    }
}
