import Foundation
import Parquet

// Reads every row group of a documents file (`id`, `content`) into Swift strings, one thread,
// and prints rows per second (best of three), for the comparison with pyarrow in
// benchmarks/parquet_speed.sh.
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: parquet-bench FILE.parquet [columns, default id,content]\n".utf8))
    exit(2)
}
let columns = arguments.count > 2 ? arguments[2].split(separator: ",").map(String.init) : ["id", "content"]
do {
    var best = Double.infinity
    var rows = 0
    var bytes = 0
    for _ in 0..<3 {
        let start = Date()
        let file = try ParquetFile(path: arguments[1])
        rows = 0
        bytes = 0
        for group in 0..<file.rowGroupCount {
            for column in columns {
                let values = try file.strings(column, rowGroup: group)
                if column == columns[0] { rows += values.count }
                bytes += values.reduce(0) { $0 + ($1?.utf8.count ?? 0) }
            }
        }
        best = min(best, Date().timeIntervalSince(start))
    }
    print("{\"rows\": \(rows), \"string_bytes\": \(bytes), \"seconds\": \(best), \"rows_per_s\": \(Double(rows) / best)}")
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
