#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CKernels

/// A node and its distance to the query (smaller is nearer: minus the inner product, or the
/// squared L2 distance). Ties are broken by the node's position, so every order is total.
struct HNSWCandidate {
    var distance: Float
    var node: UInt32

    @inline(__always) static func nearer(_ a: HNSWCandidate, _ b: HNSWCandidate) -> Bool {
        a.distance < b.distance || (a.distance == b.distance && a.node < b.node)
    }
}

/// A binary heap of candidates in memory of its own. `farthestFirst` keeps the farthest
/// candidate on top (the results of a beam search); otherwise the nearest (the frontier).
struct HNSWHeap {
    private(set) var base: UnsafeMutablePointer<HNSWCandidate>
    private(set) var count = 0
    private var capacity: Int
    let farthestFirst: Bool

    init(capacity: Int, farthestFirst: Bool) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
        self.farthestFirst = farthestFirst
    }

    func release() { base.deallocate() }

    @inline(__always) var top: HNSWCandidate { base[0] }
    @inline(__always) var isEmpty: Bool { count == 0 }

    @inline(__always) mutating func removeAll() { count = 0 }

    /// True when `a` belongs above `b`.
    @inline(__always) private func above(_ a: HNSWCandidate, _ b: HNSWCandidate) -> Bool {
        farthestFirst ? HNSWCandidate.nearer(b, a) : HNSWCandidate.nearer(a, b)
    }

    mutating func push(_ candidate: HNSWCandidate) {
        if count == capacity { grow() }
        var child = count
        count += 1
        while child > 0 {
            let parent = (child - 1) >> 1
            let p = base[parent]
            if !above(candidate, p) { break }
            base[child] = p
            child = parent
        }
        base[child] = candidate
    }

    @discardableResult
    mutating func pop() -> HNSWCandidate {
        let result = base[0]
        count -= 1
        if count > 0 { siftDown(base[count]) }
        return result
    }

    /// Replaces the top with `candidate` (a pop and a push in one pass).
    mutating func replaceTop(_ candidate: HNSWCandidate) {
        siftDown(candidate)
    }

    private mutating func siftDown(_ candidate: HNSWCandidate) {
        let n = count
        var parent = 0
        while true {
            var child = 2 * parent + 1
            if child >= n { break }
            if child + 1 < n, above(base[child + 1], base[child]) { child += 1 }
            if !above(base[child], candidate) { break }
            base[parent] = base[child]
            parent = child
        }
        base[parent] = candidate
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<HNSWCandidate>.allocate(capacity: capacity * 2)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// Empties the heap into `out`, nearest first (by popping: no sort buffer is allocated).
    mutating func drainSorted(into out: inout [HNSWCandidate]) {
        let n = count
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: UnsafeBufferPointer(start: base, count: n))
        out.withUnsafeMutableBufferPointer { buffer in
            // Farthest first pops fill the array from the back; nearest first from the front.
            for i in 0..<n { buffer[farthestFirst ? n - 1 - i : i] = pop() }
        }
    }
}

/// Per-thread working memory of searches and insertions: a generation-stamped visited set
/// (cleared by bumping a 16-bit tag, wiped only when it wraps), the two heaps, buffers for
/// one link list, and three vectors' room for Float16 rows widened while inserting (the node,
/// the base of a list being pruned, a candidate). Reused across queries; never shared between
/// threads at the same time.
final class HNSWScratch {
    private(set) var visited: UnsafeMutablePointer<UInt16>
    private var visitedCapacity: Int
    private(set) var tag: UInt16 = 0
    var frontier: HNSWHeap
    var results: HNSWHeap
    /// Room for one link list (ids, distances), a copy of a list read under its lock (or a list
    /// and the links being added to it), and links to add.
    let ids: UnsafeMutablePointer<UInt32>
    let distances: UnsafeMutablePointer<Float>
    let listCopy: UnsafeMutablePointer<UInt32>
    let adding: UnsafeMutablePointer<UInt32>
    let listCapacity: Int
    /// Insertion: sorted candidates and the selected neighbours.
    var sorted: [HNSWCandidate] = []
    var selected: [HNSWCandidate] = []
    /// Pruning a full link list: its candidates and the ones kept.
    var pruneCandidates: [HNSWCandidate] = []
    var pruneKept: [HNSWCandidate] = []
    /// The node this thread is inserting (its lock is held), or -1.
    var inserting = -1
    let insertedVector: UnsafeMutablePointer<Float>
    let baseVector: UnsafeMutablePointer<Float>
    let candidateVector: UnsafeMutablePointer<Float>

    init(nodes: Int, maxLinks: Int, ef: Int, dimension: Int) {
        visitedCapacity = Swift.max(nodes, 1)
        visited = .allocate(capacity: visitedCapacity)
        visited.initialize(repeating: 0, count: visitedCapacity)
        frontier = HNSWHeap(capacity: 4 * ef, farthestFirst: false)
        results = HNSWHeap(capacity: ef + 1, farthestFirst: true)
        listCapacity = maxLinks + 1
        ids = .allocate(capacity: 2 * listCapacity + 4)
        distances = .allocate(capacity: 2 * listCapacity + 4)
        listCopy = .allocate(capacity: 2 * listCapacity + 4)
        adding = .allocate(capacity: listCapacity + 4)
        insertedVector = .allocate(capacity: dimension)
        baseVector = .allocate(capacity: dimension)
        candidateVector = .allocate(capacity: dimension)
    }

    deinit {
        insertedVector.deallocate()
        baseVector.deallocate()
        candidateVector.deallocate()
        visited.deallocate()
        frontier.release()
        results.release()
        ids.deallocate()
        distances.deallocate()
        listCopy.deallocate()
        adding.deallocate()
    }

    /// Starts a new visit over `nodes` nodes and returns its tag.
    func beginVisit(nodes: Int) -> UInt16 {
        if nodes > visitedCapacity {
            visited.deallocate()
            visitedCapacity = nodes + nodes / 2
            visited = .allocate(capacity: visitedCapacity)
            visited.initialize(repeating: 0, count: visitedCapacity)
            tag = 0
        }
        tag &+= 1
        if tag == 0 {
            visited.update(repeating: 0, count: visitedCapacity)
            tag = 1
        }
        return tag
    }
}

/// Sorts a short list nearest first without allocating (link lists: at most 3m entries).
func sortNearestFirst(_ list: inout [HNSWCandidate]) {
    list.withUnsafeMutableBufferPointer { buffer in
        for i in 1..<Swift.max(1, buffer.count) {
            let item = buffer[i]
            var j = i
            while j > 0 && HNSWCandidate.nearer(item, buffer[j - 1]) {
                buffer[j] = buffer[j - 1]
                j -= 1
            }
            buffer[j] = item
        }
    }
}

extension HNSWGraph {
    /// Distances from `query` to `count` nodes (`ids`), into `out`.
    @inline(__always)
    func distances(_ query: UnsafePointer<Float>, _ ids: UnsafePointer<UInt32>, _ count: Int,
                   into out: UnsafeMutablePointer<Float>) {
        if count == 0 { return }
        let rows = UnsafeRawPointer(vectors.base!)
        switch (parameters.metric, vectorType) {
        case (.innerProduct, .f32):
            rk_dot_f32_gather(query, rows.assumingMemoryBound(to: Float.self), dimension, ids, count, dimension, out)
        case (.innerProduct, .f16):
            rk_dot_f16_gather(query, rows.assumingMemoryBound(to: UInt16.self), dimension, ids, count, dimension, out)
        case (.l2, .f32):
            rk_l2sq_f32_gather(query, rows.assumingMemoryBound(to: Float.self), dimension, ids, count, dimension, out)
        case (.l2, .f16):
            rk_l2sq_f16_gather(query, rows.assumingMemoryBound(to: UInt16.self), dimension, ids, count, dimension, out)
        }
        if parameters.metric == .innerProduct { for j in 0..<count { out[j] = -out[j] } }
    }

    /// The distance from `query` to one node (through the same kernel as lists, so equal vectors
    /// always get equal distances).
    @inline(__always)
    func distance(_ query: UnsafePointer<Float>, _ node: Int, scratch: HNSWScratch) -> Float {
        scratch.ids[0] = UInt32(truncatingIfNeeded: node)
        distances(query, scratch.ids, 1, into: scratch.distances)
        return scratch.distances[0]
    }

    /// The links of `node` on `layer`, copied under the node's lock during a parallel insertion.
    @inline(__always)
    func links(_ node: Int, layer: Int, scratch: HNSWScratch) -> (UnsafePointer<UInt32>, Int) {
        let block = linkBlock(node, layer: layer)
        if !locking || node == scratch.inserting { return (UnsafePointer(block + 1), Int(block[0])) }
        lock(node)
        let n = Int(block[0])
        scratch.listCopy.update(from: block + 1, count: n)
        unlock(node)
        return (UnsafePointer(scratch.listCopy), n)
    }

    /// Greedy descent (a beam of one) on `layer`, from `start`: the nearest node it reaches.
    func greedy(_ query: UnsafePointer<Float>, from start: HNSWCandidate, layer: Int,
                scratch: HNSWScratch) -> HNSWCandidate {
        var current = start
        var changed = true
        while changed {
            changed = false
            let (list, n) = links(Int(current.node), layer: layer, scratch: scratch)
            if n == 0 { break }
            scratch.ids.update(from: list, count: n)
            distances(query, scratch.ids, n, into: scratch.distances)
            for j in 0..<n {
                let candidate = HNSWCandidate(distance: scratch.distances[j], node: scratch.ids[j])
                if HNSWCandidate.nearer(candidate, current) {
                    current = candidate
                    changed = true
                }
            }
        }
        return current
    }

    /// Beam search of width `ef` on `layer` from `entry`. Leaves up to `ef` nearest nodes in
    /// `scratch.results` (farthest on top). Deleted nodes are walked through but not returned.
    func searchLayer(_ query: UnsafePointer<Float>, entry: HNSWCandidate, layer: Int, ef: Int,
                     scratch: HNSWScratch) {
        let tag = scratch.beginVisit(nodes: count)
        let visited = scratch.visited
        let ids = scratch.ids
        let dists = scratch.distances
        let deletedFlags = deleted.base!
        let anyDeleted = deletedCount > 0
        scratch.frontier.removeAll()
        scratch.results.removeAll()
        visited[Int(entry.node)] = tag
        scratch.frontier.push(entry)
        if !anyDeleted || deletedFlags[Int(entry.node)] == 0 { scratch.results.push(entry) }
        var worst = scratch.results.isEmpty ? Float.infinity : entry.distance

        while !scratch.frontier.isEmpty {
            let current = scratch.frontier.top
            if current.distance > worst && scratch.results.count >= ef { break }
            scratch.frontier.pop()
            let (list, n) = links(Int(current.node), layer: layer, scratch: scratch)
            for j in 0..<n { rk_prefetch(visited + Int(list[j])) }
            var fresh = 0
            for j in 0..<n {
                let node = list[j]
                if visited[Int(node)] != tag {
                    visited[Int(node)] = tag
                    ids[fresh] = node
                    fresh += 1
                }
            }
            if fresh == 0 { continue }
            distances(query, ids, fresh, into: dists)
            for j in 0..<fresh {
                let d = dists[j]
                if scratch.results.count < ef || d < worst {
                    let candidate = HNSWCandidate(distance: d, node: ids[j])
                    scratch.frontier.push(candidate)
                    if !anyDeleted || deletedFlags[Int(candidate.node)] == 0 {
                        if scratch.results.count < ef {
                            scratch.results.push(candidate)
                        } else if HNSWCandidate.nearer(candidate, scratch.results.top) {
                            scratch.results.replaceTop(candidate)
                        }
                        worst = scratch.results.top.distance
                    }
                }
            }
        }
    }

    /// The `k` nearest live nodes to `query` with a beam of `max(ef, k)`, nearest first.
    func search(_ query: UnsafePointer<Float>, k: Int, ef: Int, scratch: HNSWScratch,
                into out: inout [HNSWCandidate]) {
        out.removeAll(keepingCapacity: true)
        guard entryPoint >= 0, k > 0 else { return }
        var current = HNSWCandidate(distance: distance(query, Int(entryPoint), scratch: scratch), node: UInt32(entryPoint))
        if maxLevel > 0 {
            for layer in stride(from: maxLevel, through: 1, by: -1) {
                current = greedy(query, from: current, layer: layer, scratch: scratch)
            }
        }
        searchLayer(query, entry: current, layer: 0, ef: Swift.max(ef, k), scratch: scratch)
        scratch.results.drainSorted(into: &out)
        if out.count > k { out.removeLast(out.count - k) }
    }
}
