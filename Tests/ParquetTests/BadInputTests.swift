import Foundation
import Parquet
import Testing
import TestSupport

/// Damaged and unsupported files: each gives a `ParquetError` whose message names the file, the
/// column and the byte offset; none crashes the process.
@Suite struct BadInputTests {
    static let good = ParityTests.fixtures.appendingPathComponent("documents-snappy-v1-dict-rg7.parquet")

    /// Writes `bytes` to a scratch file and returns its path.
    static func scratch(_ bytes: [UInt8], name: String = "bad.parquet") throws -> String {
        let directory = try TestPaths.temporaryDirectory()
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func goodBytes() throws -> [UInt8] {
        try [UInt8](Data(contentsOf: good))
    }

    /// Reads every column of every row group.
    static func readAll(_ path: String) throws(ParquetError) {
        let file = try ParquetFile(path: path)
        for group in 0..<file.rowGroupCount {
            for leaf in file.schema.leaves {
                if leaf.maxRepetitionLevel > 0 {
                    _ = try file.stringLists(leaf.dottedPath, rowGroup: group)
                } else {
                    _ = try file.strings(leaf.dottedPath, rowGroup: group)
                }
            }
        }
    }

    @Test func missingFile() {
        #expect { try ParquetFile(path: "/nonexistent/x.parquet") } throws: { error in
            guard let e = error as? ParquetError, case .cannotOpen = e.kind else { return false }
            return e.description.contains("/nonexistent/x.parquet")
        }
    }

    @Test func badMagic() throws {
        var bytes = try Self.goodBytes()
        bytes.replaceSubrange(0..<4, with: Array("PARX".utf8))
        let path = try Self.scratch(bytes)
        #expect { try ParquetFile(path: path) } throws: { error in
            guard let e = error as? ParquetError, case .badMagic(let found) = e.kind else { return false }
            return e.offset == 0 && found == "\"PARX\"" && e.description.contains(path) && e.description.contains("at byte 0")
        }
        // A file cut short loses its trailing magic.
        let cut = try Self.scratch(Array(try Self.goodBytes().dropLast(100)))
        #expect { try ParquetFile(path: cut) } throws: { error in
            guard let e = error as? ParquetError, case .badMagic = e.kind else { return false }
            return e.offset == (try? Self.goodBytes().count - 104)
        }
    }

    @Test func truncatedFooterAndChunks() throws {
        // Too short to hold a footer.
        let tiny = try Self.scratch(Array("PAR1PAR1".utf8))
        #expect { try ParquetFile(path: tiny) } throws: { error in
            guard let e = error as? ParquetError, case .truncated = e.kind else { return false }
            return e.description.contains(tiny)
        }
        // A footer length larger than the file.
        var bytes = try Self.goodBytes()
        let n = bytes.count
        bytes.replaceSubrange((n - 8)..<(n - 4), with: [0xFF, 0xFF, 0x00, 0x00])
        let long = try Self.scratch(bytes)
        #expect { try ParquetFile(path: long) } throws: { error in
            guard let e = error as? ParquetError, case .truncated = e.kind else { return false }
            return e.offset == n - 8
        }
        // The footer intact but the column data gone: the last chunks now lie past the end of the file.
        bytes = try Self.goodBytes()
        let footerLength = Int(bytes[n - 8]) | Int(bytes[n - 7]) << 8 | Int(bytes[n - 6]) << 16 | Int(bytes[n - 5]) << 24
        let headless = Array("PAR1".utf8) + bytes[(n - 8 - footerLength)...]
        let path = try Self.scratch(Array(headless))
        let file = try ParquetFile(path: path)
        #expect { try file.strings("content", rowGroup: file.rowGroupCount - 1) } throws: { error in
            guard let e = error as? ParquetError, case .truncated = e.kind else { return false }
            return e.column == "content" && e.offset != nil && e.description.contains("column \"content\"")
                && e.description.contains(path)
        }
    }

    @Test func unsupportedEncoding() throws {
        let path = ParityTests.fixtures.appendingPathComponent("bad/delta-byte-array.parquet").path
        let file = try ParquetFile(path: path)
        #expect(try file.strings("id", rowGroup: 0).count == 20)
        #expect { try file.strings("content", rowGroup: 0) } throws: { error in
            guard let e = error as? ParquetError, case .unsupportedEncoding(let name) = e.kind else { return false }
            return name == "DELTA_BYTE_ARRAY" && e.column == "content" && (e.offset ?? 0) > 4
                && e.description.contains("unsupported Parquet encoding DELTA_BYTE_ARRAY")
        }
    }

    @Test func unsupportedCompression() throws {
        let path = ParityTests.fixtures.appendingPathComponent("bad/brotli.parquet").path
        let file = try ParquetFile(path: path)
        #expect { try file.strings("id", rowGroup: 0) } throws: { error in
            guard let e = error as? ParquetError, case .unsupportedCompression(let name) = e.kind else { return false }
            return name == "BROTLI" && e.column == "id" && e.offset != nil && e.description.contains(path)
        }
    }

    @Test func missingColumn() throws {
        let file = try ParquetFile(path: Self.good.path)
        #expect { try file.strings("gold_ids", rowGroup: 0) } throws: { error in
            guard let e = error as? ParquetError, case .missingColumn(let available) = e.kind else { return false }
            return available == ["id", "content"] && e.description.contains("column \"gold_ids\"")
        }
        #expect(!file.hasColumn("gold_ids"))
    }

    /// Every truncation point and a few hundred random byte flips of a small file with lists:
    /// each read ends in success or a `ParquetError`, never a crash.
    @Test func damagedFilesNeverCrash() throws {
        let source = ParityTests.fixtures.appendingPathComponent("examples-zstd-v1-dict-rg7.parquet")
        let bytes = try [UInt8](Data(contentsOf: source))
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("damaged.parquet")
        var outcomes = (ok: 0, failed: 0)
        func attempt(_ damaged: [UInt8]) throws {
            try Data(damaged).write(to: url)
            do {
                try Self.readAll(url.path)
                outcomes.ok += 1
            } catch {
                outcomes.failed += 1
            }
        }
        // Cut the body but keep the footer, so the reader gets past the magic checks.
        let footerStart = bytes.count - 8 - (Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8)
        for cut in stride(from: 4, to: footerStart, by: max(1, footerStart / 150)) {
            try attempt(Array(bytes[..<cut]) + bytes[footerStart...])
        }
        var random = SplitMix64(seed: 17)
        for _ in 0..<300 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                damaged[Int.random(in: 4..<(bytes.count - 4), using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            try attempt(damaged)
        }
        #expect(outcomes.failed > 100)
    }
}
