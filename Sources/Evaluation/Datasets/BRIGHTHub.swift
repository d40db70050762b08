import Foundation
import Parquet
import Retrieval

/// BRIGHT as the Hugging Face hub holds it (`xlangai/BRIGHT`): a folder per config, `examples/`,
/// `documents/`, `long_documents/` and one per reasoning-query variant (`gpt4_reason/`, …), each
/// with one or more Parquet shards per task, `<task>-00000-of-00001.parquet` (or `<task>.parquet`).
///
/// The variant configs have the columns of `examples`, their `query` being the reasoned query, as
/// BRIGHT's `run.py` reads them (`load_dataset('xlangai/BRIGHT', f'{reasoning}_reason')[task]`).
public struct BRIGHTHub: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// Whether `directory` looks like the hub's layout: an `examples/` folder with Parquet files.
    public static func isHubLayout(_ directory: URL) -> Bool {
        let examples = directory.appendingPathComponent("examples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? []
        return names.contains { $0.hasSuffix(".parquet") }
    }

    /// The config holding the queries for `variant`: `examples` for the original queries,
    /// `<variant>_reason` otherwise (`gpt4` and `gpt4_reason` both name GPT-4's).
    public static func queryConfig(variant: String) -> String {
        if variant == "original" || variant == "examples" { return "examples" }
        return variant.hasSuffix("_reason") ? variant : variant + "_reason"
    }

    /// The shards of `task` in `config`, in order.
    public func files(config: String, task: String) throws(EvaluationError) -> [URL] {
        let folder = directory.appendingPathComponent(config)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let shards = names.filter { name in
            guard name.hasSuffix(".parquet") else { return false }
            let stem = name.dropLast(".parquet".count)
            if stem == task { return true }
            // `<task>-00000-of-00002`: the task name, then a shard number, so `theoremqa_theorems`
            // never picks up `theoremqa_questions`' files.
            guard stem.hasPrefix(task + "-") else { return false }
            return stem.dropFirst(task.count + 1).allSatisfy { $0.isNumber || $0 == "-" || $0 == "o" || $0 == "f" }
        }.sorted()
        guard !shards.isEmpty else { throw .missingTask(directory: directory.path, config: config, task: task) }
        return shards.map { folder.appendingPathComponent($0) }
    }

    /// The examples of `task` from `config` (`examples` or a variant's).
    public func examples(task: String, config: String = "examples") throws(EvaluationError) -> [BRIGHTExample] {
        var examples: [BRIGHTExample] = []
        for url in try files(config: config, task: task) {
            examples += try Self.examples(at: url)
        }
        return examples
    }

    /// The documents of `task` (`long_documents` when `long`), streamed a row group at a time.
    public func documents(task: String, long: Bool = false) throws(EvaluationError) -> RecordStream<Document> {
        let urls = try files(config: long ? "long_documents" : "documents", task: task)
        for url in urls {
            let file = try Self.open(url)
            for column in ["id", "content"] where !file.hasColumn(column) {
                throw .parquet(ParquetError(path: url.path, column: column, kind: .missingColumn(available: file.columnNames)))
            }
        }
        return Self.documents(at: urls)
    }

    /// Documents (`id`, `content`) from Parquet files, in order.
    public static func documents(at urls: [URL]) -> RecordStream<Document> {
        RecordStream(url: urls.first ?? URL(fileURLWithPath: "/"), files: urls) {
            var fileIndex = 0
            var file: ParquetFile?
            var group = 0
            var batch: [Document] = []
            var position = 0
            var failed = false
            return AnyIterator {
                while !failed {
                    if position < batch.count {
                        defer { position += 1 }
                        return .success(batch[position])
                    }
                    do throws(EvaluationError) {
                        if file == nil || group >= file?.rowGroupCount ?? 0 {
                            guard fileIndex < urls.count else { return nil }
                            file = try open(urls[fileIndex])
                            fileIndex += 1
                            group = 0
                            continue
                        }
                        guard let current = file else { return nil }
                        batch = try documents(current, rowGroup: group)
                        position = 0
                        group += 1
                    } catch {
                        failed = true
                        return .failure(error)
                    }
                }
                return nil
            }
        }
    }

    static func open(_ url: URL) throws(EvaluationError) -> ParquetFile {
        do {
            return try ParquetFile(path: url.path)
        } catch {
            throw error.kind == .cannotOpen(reason: "\(url.path): no such file") ? .cannotOpen(path: url.path) : .parquet(error)
        }
    }

    private static func documents(_ file: ParquetFile, rowGroup: Int) throws(EvaluationError) -> [Document] {
        do {
            let ids = try file.strings("id", rowGroup: rowGroup)
            let contents = try file.strings("content", rowGroup: rowGroup)
            guard ids.count == contents.count else {
                throw ParquetError(path: file.path, column: "content", kind: .malformed(reason: "\(contents.count) contents for \(ids.count) ids"))
            }
            var documents: [Document] = []
            documents.reserveCapacity(ids.count)
            for (i, (id, content)) in zip(ids, contents).enumerated() {
                guard let id else { throw EvaluationError.invalidField(path: file.path, line: i + 1, field: "id", expected: "a string", found: "null") }
                documents.append(Document(id: id, text: content ?? ""))
            }
            return documents
        } catch let error as ParquetError {
            throw .parquet(error)
        } catch let error as EvaluationError {
            throw error
        } catch {
            throw .parquet(ParquetError(path: file.path, kind: .malformed(reason: "\(error)")))
        }
    }

    /// The examples of one Parquet file with BRIGHT's `examples` columns. Row numbers (1-based,
    /// within the file) stand for line numbers in messages.
    public static func examples(at url: URL) throws(EvaluationError) -> [BRIGHTExample] {
        let file = try open(url)
        var examples: [BRIGHTExample] = []
        do throws(ParquetError) {
            for name in ["id", "query", "gold_ids"] where !file.hasColumn(name) {
                throw ParquetError(path: url.path, column: name, kind: .missingColumn(available: file.columnNames))
            }
            func strings(_ name: String, _ group: Int, rows: Int) throws(ParquetError) -> [String?] {
                file.hasColumn(name) ? try file.strings(name, rowGroup: group) : Array(repeating: nil, count: rows)
            }
            func lists(_ name: String, _ group: Int, rows: Int) throws(ParquetError) -> [[String?]?] {
                file.hasColumn(name) ? try file.stringLists(name, rowGroup: group) : Array(repeating: nil, count: rows)
            }
            var rowBase = 0
            for group in 0..<file.rowGroupCount {
                let ids = try file.strings("id", rowGroup: group)
                let n = ids.count
                let queries = try file.strings("query", rowGroup: group)
                let reasoning = try strings("reasoning", group, rows: n)
                let gold = try file.stringLists("gold_ids", rowGroup: group)
                let goldLong = try lists("gold_ids_long", group, rows: n)
                let excluded = try lists("excluded_ids", group, rows: n)
                let answers = try strings("gold_answer", group, rows: n)
                for column in [queries.count, reasoning.count, gold.count, goldLong.count, excluded.count, answers.count] where column != n {
                    throw ParquetError(path: url.path, kind: .malformed(reason: "columns of \(column) and \(n) rows in row group \(group)"))
                }
                for i in 0..<n {
                    let line = rowBase + i + 1
                    func required(_ value: String?, _ field: String) throws(EvaluationError) -> String {
                        guard let value else { throw .invalidField(path: url.path, line: line, field: field, expected: "a string", found: "null") }
                        return value
                    }
                    func idList(_ list: [String?]?, _ field: String) throws(EvaluationError) -> [String] {
                        var result: [String] = []
                        for id in list ?? [] {
                            guard let id else { throw .invalidField(path: url.path, line: line, field: field, expected: "a list of strings", found: "a null element") }
                            result.append(id)
                        }
                        return result
                    }
                    do throws(EvaluationError) {
                        examples.append(BRIGHTExample(
                            id: try required(ids[i], "id"), query: try required(queries[i], "query"),
                            reasoning: reasoning[i] ?? "", goldIDs: try idList(gold[i], "gold_ids"),
                            goldIDsLong: try idList(goldLong[i], "gold_ids_long"), excludedIDs: try idList(excluded[i], "excluded_ids"),
                            goldAnswer: answers[i]))
                    } catch {
                        throw ParquetError(path: url.path, column: nil, kind: .malformed(reason: error.description))
                    }
                }
                rowBase += n
            }
        } catch {
            throw .parquet(error)
        }
        return examples
    }
}
