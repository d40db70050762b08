#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only, row-major view of Float32 values: `rows` rows of `columns` values, the starts of
/// consecutive rows `rowStride` values apart. It does not own its memory: whoever made it (a
/// ``Matrix``, a memory-mapped ``FloatTensor``) must outlive it.
public struct MatrixView: @unchecked Sendable {
    public let base: UnsafePointer<Float>
    public let rows: Int
    public let columns: Int
    public let rowStride: Int

    public init(base: UnsafePointer<Float>, rows: Int, columns: Int, rowStride: Int? = nil) {
        precondition(rows >= 0 && columns >= 0, "negative matrix size")
        self.base = base
        self.rows = rows
        self.columns = columns
        self.rowStride = rowStride ?? columns
        precondition(self.rowStride >= columns || rows <= 1, "row stride smaller than the row")
    }

    public subscript(row: Int, column: Int) -> Float {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns, "matrix index out of range")
        return base[row * rowStride + column]
    }

    /// One row as a buffer.
    public func row(_ r: Int) -> UnsafeBufferPointer<Float> {
        precondition(r >= 0 && r < rows, "row out of range")
        return UnsafeBufferPointer(start: base + r * rowStride, count: columns)
    }

    /// A block of rows.
    public func rows(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows out of range")
        return MatrixView(base: base + range.lowerBound * rowStride, rows: range.count, columns: columns, rowStride: rowStride)
    }

    /// A block of columns (same rows).
    public func columns(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns, "columns out of range")
        return MatrixView(base: base + range.lowerBound, rows: rows, columns: range.count, rowStride: rowStride)
    }

    /// The values in row-major order, packed.
    public func toArray() -> [Float] {
        var out = [Float]()
        out.reserveCapacity(rows * columns)
        for r in 0..<rows { out.append(contentsOf: row(r)) }
        return out
    }

    public var isContiguous: Bool { rowStride == columns || rows <= 1 }
}

/// A mutable, row-major view (see ``MatrixView``).
public struct MutableMatrixView: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Float>
    public let rows: Int
    public let columns: Int
    public let rowStride: Int

    public init(base: UnsafeMutablePointer<Float>, rows: Int, columns: Int, rowStride: Int? = nil) {
        precondition(rows >= 0 && columns >= 0, "negative matrix size")
        self.base = base
        self.rows = rows
        self.columns = columns
        self.rowStride = rowStride ?? columns
        precondition(self.rowStride >= columns || rows <= 1, "row stride smaller than the row")
    }

    public var view: MatrixView { MatrixView(base: UnsafePointer(base), rows: rows, columns: columns, rowStride: rowStride) }

    public subscript(row: Int, column: Int) -> Float {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "matrix index out of range")
            return base[row * rowStride + column]
        }
        nonmutating set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "matrix index out of range")
            base[row * rowStride + column] = newValue
        }
    }

    public func row(_ r: Int) -> UnsafeMutableBufferPointer<Float> {
        precondition(r >= 0 && r < rows, "row out of range")
        return UnsafeMutableBufferPointer(start: base + r * rowStride, count: columns)
    }

    public func rows(_ range: Range<Int>) -> MutableMatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows out of range")
        return MutableMatrixView(base: base + range.lowerBound * rowStride, rows: range.count, columns: columns, rowStride: rowStride)
    }

    public func columns(_ range: Range<Int>) -> MutableMatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns, "columns out of range")
        return MutableMatrixView(base: base + range.lowerBound, rows: rows, columns: range.count, rowStride: rowStride)
    }

    /// Sets every value to `value`.
    public func fill(_ value: Float) {
        for r in 0..<rows { row(r).update(repeating: value) }
    }

    /// Copies `source` (same shape) into this view.
    public func copy(from source: MatrixView) {
        precondition(source.rows == rows && source.columns == columns, "shape mismatch in copy")
        for r in 0..<rows {
            (base + r * rowStride).update(from: source.base + r * source.rowStride, count: columns)
        }
    }

    /// Sets every row to `vector` (length `columns`).
    public func fillRows(with vector: UnsafePointer<Float>) {
        for r in 0..<rows { (base + r * rowStride).update(from: vector, count: columns) }
    }
}

/// An owned, growable, row-major Float32 buffer, 64-byte aligned. It is a reference type so that one
/// buffer can be reused across calls: ``resize(rows:columns:)`` keeps the allocation when it is
/// large enough, so steady-state work does not allocate. Views taken from it stay valid until the
/// next resize that grows it, or its release.
public final class Matrix: @unchecked Sendable {
    public private(set) var rows: Int
    public private(set) var columns: Int
    public private(set) var capacity: Int
    public private(set) var storage: UnsafeMutablePointer<Float>

    /// A zero-filled matrix.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "negative matrix size")
        self.rows = rows
        self.columns = columns
        self.capacity = Swift.max(rows * columns, 1)
        self.storage = Matrix.allocate(capacity)
        storage.initialize(repeating: 0, count: capacity)
    }

    /// A matrix holding `values` (row-major, `rows * columns` of them).
    public convenience init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "expected \(rows * columns) values, got \(values.count)")
        self.init(rows: rows, columns: columns)
        values.withUnsafeBufferPointer { storage.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A packed copy of a view.
    public convenience init(copying view: MatrixView) {
        self.init(rows: view.rows, columns: view.columns)
        mutableView.copy(from: view)
    }

    deinit { free(storage) }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        var raw: UnsafeMutableRawPointer?
        let bytes = Swift.max(count, 1) * MemoryLayout<Float>.stride
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            fatalError("out of memory allocating \(bytes) bytes")
        }
        return raw.bindMemory(to: Float.self, capacity: Swift.max(count, 1))
    }

    /// Changes the shape. Contents are unspecified afterwards (the old values stay where they were in
    /// memory when the allocation is kept); new memory is zero-filled.
    public func resize(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "negative matrix size")
        let needed = rows * columns
        if needed > capacity {
            free(storage)
            capacity = needed
            storage = Matrix.allocate(needed)
            storage.initialize(repeating: 0, count: needed)
        }
        self.rows = rows
        self.columns = columns
    }

    public var count: Int { rows * columns }
    public var view: MatrixView { MatrixView(base: UnsafePointer(storage), rows: rows, columns: columns) }
    public var mutableView: MutableMatrixView { MutableMatrixView(base: storage, rows: rows, columns: columns) }

    public subscript(row: Int, column: Int) -> Float {
        get { view[row, column] }
        set { mutableView[row, column] = newValue }
    }

    public func row(_ r: Int) -> UnsafeMutableBufferPointer<Float> { mutableView.row(r) }

    public func toArray() -> [Float] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    public func fill(_ value: Float) { storage.update(repeating: value, count: count) }
}
