/// Keeps the best `k` of a stream of candidates with a bounded min-heap: O(n log k).
struct TopK<Candidate> {
    let k: Int
    /// True when `a` ranks before `b` (better score, or the tie-break says so).
    let ranksBefore: (Candidate, Candidate) -> Bool
    private var heap: [Candidate] = []

    init(k: Int, ranksBefore: @escaping (Candidate, Candidate) -> Bool) {
        self.k = k
        self.ranksBefore = ranksBefore
        heap.reserveCapacity(min(k, 1 << 16))
    }

    var count: Int { heap.count }

    /// The worst candidate kept so far; the heap's root.
    var worst: Candidate? { heap.first }

    mutating func insert(_ candidate: Candidate) {
        guard k > 0 else { return }
        if heap.count < k {
            heap.append(candidate)
            siftUp(heap.count - 1)
        } else if ranksBefore(candidate, heap[0]) {
            heap[0] = candidate
            siftDown(0)
        }
    }

    /// The kept candidates, best first.
    func sorted() -> [Candidate] {
        heap.sorted(by: ranksBefore)
    }

    // The root is the candidate that ranks last.
    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard ranksBefore(heap[parent], heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var last = parent
            if left < heap.count, ranksBefore(heap[last], heap[left]) { last = left }
            if right < heap.count, ranksBefore(heap[last], heap[right]) { last = right }
            if last == parent { return }
            heap.swapAt(parent, last)
            parent = last
        }
    }
}
