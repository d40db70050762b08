#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CKernels
import Foundation

/// A flat array of plain values that lives either in a read-only mapping (an opened index) or in
/// memory of its own (a build). `makeOwned` copies a mapped array out before the first write.
/// Freed explicitly by its owner (`release`), so that copies of the struct stay cheap.
struct HNSWArray<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>?
    private(set) var capacity = 0
    /// Non-nil while `base` points into memory that this array does not own.
    private(set) var owner: AnyObject?

    init() {}

    /// A read-only view of `count` values that `owner` keeps alive.
    init(borrowing pointer: UnsafePointer<Element>?, count: Int, owner: AnyObject) {
        base = pointer.map { UnsafeMutablePointer(mutating: $0) }
        capacity = count
        self.owner = owner
    }

    var isOwned: Bool { owner == nil }

    /// Makes the memory writable and at least `minimum` values large, keeping the first `used`.
    /// New space is zeroed.
    mutating func reserve(_ minimum: Int, used: Int) {
        if isOwned, capacity >= minimum { return }
        let newCapacity = Swift.max(minimum, isOwned ? capacity + capacity / 2 : minimum, 16)
        let stride = MemoryLayout<Element>.stride
        let fresh = malloc(newCapacity * stride)!.bindMemory(to: Element.self, capacity: newCapacity)
        if let base, used > 0 { memcpy(fresh, base, used * stride) }
        memset(fresh + used, 0, (newCapacity - used) * stride)
        release()
        base = fresh
        capacity = newCapacity
    }

    mutating func release() {
        if isOwned, let base { free(base) }
        base = nil
        capacity = 0
        owner = nil
    }
}

/// The graph of an HNSW index and its vectors (`vectorType`: Float32 or Float16 rows, kept as
/// bytes), in flat arrays:
/// - layer 0: one block of `1 + maxLinks0` UInt32 per node, the link count then the links;
/// - `nodes`: per node two UInt32, its top layer L and where its upper blocks start in `upper`;
/// - upper layers: per node of level L ≥ 1, L blocks of `1 + m` UInt32 in `upper` (layers 1...L).
///
/// Not thread-safe by itself: ``HNSWIndex`` serialises writers against readers. During a
/// parallel insertion every link list is read and written under its node's spin lock, and the
/// entry point under `global`.
final class HNSWGraph: @unchecked Sendable {
    let dimension: Int
    let parameters: HNSWParameters
    let vectorType: VectorType
    /// Bytes per stored vector.
    let rowBytes: Int
    let m: Int
    let maxLinks0: Int
    let stride0: Int
    let strideUpper: Int
    let levelMultiplier: Double

    private(set) var count = 0
    var entryPoint: Int32 = -1
    var maxLevel = -1

    var vectors = HNSWArray<UInt8>()
    var links0 = HNSWArray<UInt32>()
    var nodes = HNSWArray<UInt32>()
    var upper = HNSWArray<UInt32>()
    private(set) var upperUsed = 0
    var deleted = HNSWArray<UInt8>()
    private(set) var deletedCount = 0

    /// Per-node spin locks, present only during a parallel insertion.
    private var locks: UnsafeMutablePointer<Int32>?
    private var lockCount = 0
    let global = NSLock()

    init(dimension: Int, parameters: HNSWParameters, vectorType: VectorType) {
        self.dimension = dimension
        self.parameters = parameters
        self.vectorType = vectorType
        rowBytes = dimension * vectorType.bytesPerValue
        m = parameters.m
        maxLinks0 = parameters.maxLinks0
        stride0 = 1 + maxLinks0
        strideUpper = 1 + parameters.m
        levelMultiplier = 1 / log(Double(parameters.m))
    }

    deinit {
        vectors.release()
        links0.release()
        nodes.release()
        upper.release()
        deleted.release()
        locks?.deallocate()
    }

    /// Adopts arrays read from disk (already validated).
    func adopt(count: Int, upperUsed: Int, deletedCount: Int, entryPoint: Int32, maxLevel: Int) {
        self.count = count
        self.upperUsed = upperUsed
        self.deletedCount = deletedCount
        self.entryPoint = entryPoint
        self.maxLevel = maxLevel
    }

    // MARK: - Levels

    /// The level of the node at `position`: -ln(u)·mL with u uniform in (0, 1] drawn from the seed
    /// and the position only (SplitMix64), so it does not depend on threads or insertion batches.
    static func level(of position: Int, seed: UInt64, multiplier: Double) -> Int {
        var z = seed &+ UInt64(truncatingIfNeeded: position) &* 0x9E37_79B9_7F4A_7C15 &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let u = Double((z >> 11) + 1) * 0x1p-53
        return Swift.min(Int(-log(u) * multiplier), HNSWIndexFormat.maxLevelCap)
    }

    // MARK: - Access

    /// The stored row of `node` (`vectorType`).
    @inline(__always) func row(_ node: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(vectors.base! + node * rowBytes)
    }

    /// The vector of `node` as Float32: the row itself, or for Float16 the row widened into `buffer`
    /// (`dimension` floats of the caller's).
    @inline(__always) func floats(of node: Int, buffer: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        if vectorType == .f32 { return row(node).assumingMemoryBound(to: Float.self) }
        rk_f16_to_f32(row(node).assumingMemoryBound(to: UInt16.self), buffer, dimension)
        return UnsafePointer(buffer)
    }

    /// The block of `node` on `layer`: the count, then the links.
    @inline(__always) func linkBlock(_ node: Int, layer: Int) -> UnsafeMutablePointer<UInt32> {
        if layer == 0 { return links0.base! + node * stride0 }
        return upper.base! + Int(nodes.base![2 * node + 1]) + (layer - 1) * strideUpper
    }

    @inline(__always) func level(_ node: Int) -> Int { Int(nodes.base![2 * node]) }

    @inline(__always) func isDeleted(_ node: Int) -> Bool { deleted.base![node] != 0 }

    /// Marks a node deleted; false when it already was.
    func markDeleted(_ node: Int) -> Bool {
        deleted.reserve(count, used: count)
        if deleted.base![node] != 0 { return false }
        deleted.base![node] = 1
        deletedCount += 1
        return true
    }

    var isMapped: Bool { !links0.isOwned || !vectors.isOwned }

    // MARK: - Growth

    /// Appends `newCount` nodes whose vectors are `source` (rows of `vectorType`; nil: `vectors`
    /// already holds them), with their levels and empty link lists; returns their positions. They
    /// are not linked yet: `insert` them next.
    func appendNodes(_ source: UnsafeRawPointer?, count newCount: Int) -> Range<Int> {
        let start = count, end = count + newCount
        links0.reserve(end * stride0, used: start * stride0)
        nodes.reserve(2 * end, used: 2 * start)
        deleted.reserve(end, used: start)
        upper.reserve(upperUsed, used: upperUsed)
        if let source {
            vectors.reserve(end * rowBytes, used: start * rowBytes)
            memcpy(vectors.base! + start * rowBytes, source, newCount * rowBytes)
        } else {
            precondition(vectors.capacity >= end * rowBytes, "appendNodes: the vectors are not in place")
        }
        var needed = upperUsed
        for node in start..<end {
            let level = Self.level(of: node, seed: parameters.seed, multiplier: levelMultiplier)
            nodes.base![2 * node] = UInt32(level)
            nodes.base![2 * node + 1] = UInt32(needed)
            needed += level * strideUpper
        }
        upper.reserve(needed, used: upperUsed)
        // Zeroed on growth, but a reused capacity may hold old values: clear the new lists' counts.
        for node in start..<end { links0.base![node * stride0] = 0 }
        for i in upperUsed..<needed { upper.base![i] = 0 }
        upperUsed = needed
        count = end
        return start..<end
    }

    /// Copies mapped arrays into memory of our own, so that the graph can change.
    func makeOwned() {
        vectors.reserve(count * rowBytes, used: count * rowBytes)
        links0.reserve(count * stride0, used: count * stride0)
        nodes.reserve(2 * count, used: 2 * count)
        upper.reserve(upperUsed, used: upperUsed)
        deleted.reserve(count, used: count)
    }

    /// Nodes that a walk of layer 0 from the entry point does not reach (a check for tests and
    /// diagnostics: a parallel insertion that lost links would leave some).
    func unreachableFromEntry() -> Int {
        guard entryPoint >= 0 else { return 0 }
        var seen = [Bool](repeating: false, count: count)
        var stack = [Int(entryPoint)]
        seen[Int(entryPoint)] = true
        var reached = 1
        while let node = stack.popLast() {
            let block = linkBlock(node, layer: 0)
            for j in 0..<Int(block[0]) where !seen[Int(block[1 + j])] {
                seen[Int(block[1 + j])] = true
                reached += 1
                stack.append(Int(block[1 + j]))
            }
        }
        return count - reached
    }

    // MARK: - Locks

    func enableLocks() {
        if lockCount < count {
            locks?.deallocate()
            locks = .allocate(capacity: count)
            lockCount = count
        }
        locks!.initialize(repeating: 0, count: lockCount)
    }

    func disableLocks() {
        locks?.deallocate()
        locks = nil
        lockCount = 0
    }

    @inline(__always) var locking: Bool { locks != nil }
    @inline(__always) func lock(_ node: Int) { if let locks { rk_spin_lock(locks + node) } }
    @inline(__always) func unlock(_ node: Int) { if let locks { rk_spin_unlock(locks + node) } }
}
