import CKernels
import Foundation
import Tensor

extension HNSWGraph {
    /// Links the nodes `range` (already appended) into the graph, `threads` at a time.
    ///
    /// In parallel, as in hnswlib: every link list is read and written under its node's spin lock;
    /// a node being inserted holds its own lock throughout, so nobody walks or extends its lists
    /// half made, and a node that raises the top level also holds `global` throughout. Besides its
    /// own, a thread holds at most one lock at a time, that of a node already linked on the layer
    /// it works on; as a node is linked on a layer only after its search there, two threads never
    /// wait for each other. The vectors do not change meanwhile, so distances need no lock. The
    /// graph then depends on the threads' interleaving; with one thread it is reproducible.
    func insert(_ range: Range<Int>, threads: Int, progress: ((Int) -> Void)? = nil) {
        guard !range.isEmpty else { return }
        var remaining = range
        let ef = parameters.efConstruction
        let single = HNSWScratch(nodes: count, maxLinks: maxLinks0, ef: ef, dimension: dimension)
        // The first node of an empty graph becomes the entry point; insert it (and a few
        // more, which are cheap) alone, so the threads start from a graph with some reach.
        while entryPoint < 0 || (threads > 1 && remaining.count > 0 && count - remaining.count < 16) {
            guard let node = remaining.first else { break }
            insertNode(node, scratch: single)
            remaining = remaining.dropFirst()
            progress?(1)
        }
        if remaining.isEmpty { return }
        if threads <= 1 || remaining.count < 64 {
            for (i, node) in remaining.enumerated() {
                insertNode(node, scratch: single)
                if i % 256 == 255 { progress?(256) }
            }
            progress?(remaining.count % 256)
            return
        }
        enableLocks()
        defer { disableLocks() }
        let pool = ThreadPool(threadCount: threads)
        let scratches = (0..<threads).map { _ in HNSWScratch(nodes: count, maxLinks: maxLinks0, ef: ef, dimension: dimension) }
        let lower = remaining.lowerBound
        // Small chunks in order: the graph grows roughly in insertion order, as with one thread.
        let chunk = 64
        let chunks = (remaining.count + chunk - 1) / chunk
        pool.parallelFor(chunks) { c, worker in
            let start = lower + c * chunk
            let end = Swift.min(start + chunk, remaining.upperBound)
            for node in start..<end { insertNode(node, scratch: scratches[worker]) }
            progress?(end - start)
        }
    }

    /// Inserts one appended node: descend greedily to its level, then on each layer from there
    /// down to 0 search with a beam of `efConstruction`, pick its links with the heuristic and
    /// link back.
    func insertNode(_ node: Int, scratch: HNSWScratch) {
        let query = floats(of: node, buffer: scratch.insertedVector)
        let nodeLevel = level(node)
        lock(node)
        scratch.inserting = node
        defer {
            scratch.inserting = -1
            unlock(node)
        }

        global.lock()
        var entry = Int(entryPoint)
        let topLevel = maxLevel
        let raisesTop = nodeLevel > topLevel
        if !raisesTop { global.unlock() }
        defer {
            if raisesTop {
                entryPoint = Int32(node)
                maxLevel = nodeLevel
                global.unlock()
            }
        }
        if entry < 0 { return }  // the first node: nothing to link to

        var current = HNSWCandidate(distance: distance(query, entry, scratch: scratch), node: UInt32(entry))
        if topLevel > nodeLevel {
            for layer in stride(from: topLevel, to: nodeLevel, by: -1) {
                current = greedy(query, from: current, layer: layer, scratch: scratch)
            }
        }
        for layer in stride(from: Swift.min(nodeLevel, topLevel), through: 0, by: -1) {
            searchLayer(query, entry: current, layer: layer, ef: parameters.efConstruction, scratch: scratch)
            scratch.results.drainSorted(into: &scratch.sorted)
            if scratch.sorted.isEmpty { continue }  // everything reached is deleted
            entry = Int(scratch.sorted[0].node)
            current = scratch.sorted[0]
            selectNeighbours(from: scratch.sorted, limit: m, into: &scratch.selected, scratch: scratch)
            // The node's own list (under its own lock, held already), then links back to it.
            for (j, neighbour) in scratch.selected.enumerated() { scratch.adding[j] = neighbour.node }
            addLinks(to: node, layer: layer, scratch.adding, count: scratch.selected.count, scratch: scratch)
            for neighbour in scratch.selected {
                scratch.adding[0] = UInt32(node)
                addLinks(to: Int(neighbour.node), layer: layer, scratch.adding, count: 1, scratch: scratch)
            }
        }
    }

    /// hnswlib's heuristic (Malkov & Yashunin, algorithm 4): walk the candidates nearest first and
    /// keep one only when it is nearer to the base than to every candidate kept before it, so the
    /// links spread in different directions. `candidates` is sorted nearest first; when they are
    /// fewer than `limit` all are kept.
    func selectNeighbours(from candidates: [HNSWCandidate], limit: Int, into selected: inout [HNSWCandidate],
                          scratch: HNSWScratch) {
        selected.removeAll(keepingCapacity: true)
        if candidates.count <= limit {
            selected.append(contentsOf: candidates)
            return
        }
        let ids = scratch.ids
        let dists = scratch.distances
        for candidate in candidates {
            if selected.count >= limit { break }
            let vector = floats(of: Int(candidate.node), buffer: scratch.candidateVector)
            var good = true
            var start = 0
            // Four at a time through the gather kernel; stop at the first kept node nearer.
            while good && start < selected.count {
                let n = Swift.min(4, selected.count - start)
                for j in 0..<n { ids[j] = selected[start + j].node }
                distances(vector, ids, n, into: dists)
                for j in 0..<n where dists[j] < candidate.distance { good = false }
                start += n
            }
            if good { selected.append(candidate) }
        }
    }

    /// Adds links from `node` to `count` nodes (`adding`) on `layer`, under the node's lock; links
    /// it has already are skipped. When they do not all fit, the old and new links together are
    /// pruned with the heuristic, by distance to `node`.
    private func addLinks(to node: Int, layer: Int, _ adding: UnsafePointer<UInt32>, count: Int, scratch: HNSWScratch) {
        let limit = layer == 0 ? maxLinks0 : m
        let block = linkBlock(node, layer: layer)
        let own = node == scratch.inserting  // locked already
        if !own { lock(node) }
        defer { if !own { unlock(node) } }
        let n = Int(block[0])
        // Old links, then the new ones that are not there yet.
        let all = scratch.listCopy
        all.update(from: block + 1, count: n)
        var total = n
        for i in 0..<count where !(0..<n).contains(where: { all[$0] == adding[i] }) {
            all[total] = adding[i]
            total += 1
        }
        if total <= limit {
            for j in n..<total { block[1 + j] = all[j] }
            block[0] = UInt32(total)
            return
        }
        let base = floats(of: node, buffer: scratch.baseVector)
        distances(base, all, total, into: scratch.distances)
        // The scratch arrays are taken out and put back, so that no copy is made on write.
        var candidates = scratch.pruneCandidates, kept = scratch.pruneKept
        scratch.pruneCandidates = []
        scratch.pruneKept = []
        candidates.removeAll(keepingCapacity: true)
        for j in 0..<total { candidates.append(HNSWCandidate(distance: scratch.distances[j], node: all[j])) }
        sortNearestFirst(&candidates)
        selectNeighbours(from: candidates, limit: limit, into: &kept, scratch: scratch)
        for (j, neighbour) in kept.enumerated() { block[1 + j] = neighbour.node }
        block[0] = UInt32(kept.count)
        scratch.pruneCandidates = candidates
        scratch.pruneKept = kept
    }
}
