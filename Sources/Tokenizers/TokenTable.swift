/// A token → id table keyed by the exact UTF-8 bytes of each token (as Rust's `HashMap<String, u32>`
/// is; Swift's `String` equality would merge canonically equivalent tokens). Lookups take a
/// byte buffer, so the WordPiece loop never builds a `String` to probe the vocabulary.
struct TokenTable: Sendable {
    private var keyBytes: [UInt8] = []
    /// Entry `e` is `keyBytes[keyStarts[e] ..< keyStarts[e + 1]]`.
    private var keyStarts: [Int32] = [0]
    private(set) var ids: [Int32] = []
    /// The token text of each entry (what `Encoding.tokens` shows).
    private(set) var strings: [String] = []
    /// Entry index + 1 in each slot; 0 marks an empty slot.
    private var slots: [Int32]
    private var mask: Int
    /// The longest key, in bytes: longer probes cannot match.
    private(set) var maxKeyLength = 0

    init(minimumCapacity: Int = 16) {
        var size = 16
        while size < minimumCapacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { ids.count }

    /// Adds `token` with `id`, or replaces the id of an equal (byte for byte) token already there.
    mutating func insert(_ token: String, id: Int32) {
        var utf8 = Array(token.utf8)
        insert(bytes: &utf8, string: token, id: id)
    }

    /// Adds the bytes of `token` after dropping its first `dropFirstBytes` bytes.
    mutating func insert(_ token: String, droppingFirstBytes drop: Int, id: Int32) {
        var utf8 = Array(token.utf8.dropFirst(drop))
        insert(bytes: &utf8, string: token, id: id)
    }

    private mutating func insert(bytes: inout [UInt8], string: String, id: Int32) {
        let found = bytes.withUnsafeBufferPointer { entry(for: $0) }
        if let e = found {
            ids[e] = id
            strings[e] = string
            return
        }
        if (ids.count + 1) * 2 > slots.count { grow() }
        keyBytes.append(contentsOf: bytes)
        keyStarts.append(Int32(keyBytes.count))
        ids.append(id)
        strings.append(string)
        maxKeyLength = max(maxKeyLength, bytes.count)
        let h = bytes.withUnsafeBufferPointer { Self.hash($0) }
        place(entry: ids.count - 1, hash: h)
    }

    private mutating func place(entry: Int, hash: Int) {
        var s = hash & mask
        while slots[s] != 0 { s = (s + 1) & mask }
        slots[s] = Int32(entry + 1)
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        for e in 0..<ids.count {
            let h = keyBytes.withUnsafeBufferPointer { kb in
                Self.hash(UnsafeBufferPointer(rebasing: kb[Int(keyStarts[e])..<Int(keyStarts[e + 1])]))
            }
            place(entry: e, hash: h)
        }
    }

    /// The entry whose key equals `key`, if any.
    @inline(__always)
    func entry(for key: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = key.count
        if n > maxKeyLength { return nil }
        var s = Self.hash(key) & mask
        return slots.withUnsafeBufferPointer { slots in
            keyStarts.withUnsafeBufferPointer { starts in
                keyBytes.withUnsafeBufferPointer { bytes in
                    while true {
                        let e = Int(slots[s])
                        if e == 0 { return nil }
                        let lo = Int(starts[e - 1]), hi = Int(starts[e])
                        if hi - lo == n {
                            var k = 0
                            while k < n, bytes[lo + k] == key[k] { k += 1 }
                            if k == n { return e - 1 }
                        }
                        s = (s + 1) & mask
                    }
                }
            }
        }
    }

    /// The id of `token`, matched byte for byte.
    func id(of token: String) -> Int32? {
        var token = token
        return token.withUTF8 { entry(for: $0) }.map { ids[$0] }
    }

    /// FNV-1a, 64 bits.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }
}
