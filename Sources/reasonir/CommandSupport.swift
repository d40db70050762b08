import ArgumentParser
import Foundation
import ReasonIR

extension BM25Variant: ExpressibleByArgument {}
extension EvaluationDataset.BRIGHTQueryField: ExpressibleByArgument {}

/// Which retriever a command uses.
enum RetrieverChoice: String, ExpressibleByArgument, CaseIterable {
    case bm25
    case dense
}

/// Writes a line to stderr.
func warn(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Runs `body`; a library error is printed as `error: <description>` (which names the file, line
/// or field) and the command exits non-zero instead of trapping.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        warn("error: \(error)")
        throw ExitCode.failure
    }
}

/// `reportingErrors` for async commands.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        warn("error: \(error)")
        throw ExitCode.failure
    }
}

/// Prints a JSON value built from dictionaries, arrays, strings and numbers.
func printJSON(_ value: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: value, options: [.withoutEscapingSlashes, .sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// The BM25 options shared by `eval` and `search`.
struct BM25Options: ParsableArguments {
    @Option(help: "BM25 scoring: bright (BRIGHT's, gensim's LuceneBM25Model on both sides) or lucene (Anserini's).")
    var bm25Variant: BM25Variant = .bright

    @Option(help: "BM25 k1.")
    var k1: Double = 0.9

    @Option(help: "BM25 b.")
    var b: Double = 0.4

    var parameters: BM25Parameters { BM25Parameters(k1: k1, b: b) }
}
