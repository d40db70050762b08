import Retrieval

/// `transform` over `items` with at most `limit` calls in flight, results in the order of
/// `items`; reports each finished call. The first error cancels the rest and is thrown.
func boundedMap<Item: Sendable, Result: Sendable>(
    _ items: [Item], limit: Int, progress: any ProgressReporter, task: String, unit: String,
    _ transform: @escaping @Sendable (Item) async throws -> Result
) async throws -> [Result] {
    var results = [Result?](repeating: nil, count: items.count)
    progress.report(ProgressUpdate(task: task, completed: 0, total: items.count, unit: unit))
    try await withThrowingTaskGroup(of: (Int, Result).self) { group in
        var next = 0
        var done = 0
        func launch() {
            let index = next
            let item = items[index]
            next += 1
            group.addTask { (index, try await transform(item)) }
        }
        while next < items.count && next < limit { launch() }
        while let (index, result) = try await group.next() {
            results[index] = result
            done += 1
            progress.report(ProgressUpdate(task: task, completed: done, total: items.count, unit: unit))
            if next < items.count { launch() }
        }
    }
    progress.finish(ProgressUpdate(task: task, completed: items.count, total: items.count, unit: unit))
    return results.map { $0! }
}
