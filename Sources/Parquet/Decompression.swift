import CSnappy
import CZlib
import CZstd

/// Inflates a page's bytes with the column chunk's codec, into a buffer of the size the page
/// header promises (a different size is a damaged file).
enum Decompression {
    static func decompress(_ input: UnsafeRawBufferPointer, codec: Int, uncompressedSize: Int) throws(DecodeError) -> [UInt8] {
        if codec == CompressionCodec.uncompressed.rawValue {
            guard input.count == uncompressedSize else {
                throw .malformed("uncompressed page holds \(input.count) bytes, its header says \(uncompressedSize)", at: 0)
            }
            return Array(input)
        }
        let name = CompressionCodec.name(codec)
        guard CompressionCodec(rawValue: codec).map({ [.snappy, .zstd, .gzip].contains($0) }) == true else {
            throw DecodeError(kind: .unsupportedCompression(name: name), offset: 0)
        }
        guard uncompressedSize <= 1 << 31 else { throw .malformed("page of \(uncompressedSize) bytes", at: 0) }
        guard let src = input.baseAddress, !input.isEmpty else {
            throw .malformed("empty \(name) page", at: 0)
        }
        // At least one byte, so the output always has an address to hand to C.
        var output = [UInt8](repeating: 0, count: max(uncompressedSize, 1))
        defer { if uncompressedSize == 0 { output.removeAll() } }
        let produced: Int? = output.withUnsafeMutableBytes { out -> Int? in
            guard let dst = out.baseAddress else { return nil }
            switch CompressionCodec(rawValue: codec) {
            case .snappy:
                var length = 0
                guard snappy_uncompressed_length(src.assumingMemoryBound(to: CChar.self), input.count, &length) == SNAPPY_OK,
                      length == uncompressedSize else { return nil }
                length = uncompressedSize
                guard snappy_uncompress(src.assumingMemoryBound(to: CChar.self), input.count,
                                        dst.assumingMemoryBound(to: CChar.self), &length) == SNAPPY_OK else { return nil }
                return length
            case .zstd:
                let n = ZSTD_decompress(dst, uncompressedSize, src, input.count)
                return ZSTD_isError(n) != 0 ? nil : Int(n)
            case .gzip:
                return inflate(src, count: input.count, into: dst, capacity: uncompressedSize)
            default:
                return nil
            }
        }
        guard let produced else { throw .malformed("\(name) data does not decompress", at: 0) }
        guard produced == uncompressedSize else {
            throw .malformed("\(name) page inflates to \(produced) bytes, its header says \(uncompressedSize)", at: 0)
        }
        return output
    }

    /// zlib's inflate with gzip (or zlib) headers detected (window bits 15 + 32).
    private static func inflate(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutableRawPointer, capacity: Int) -> Int? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        guard count <= Int(UInt32.max), capacity <= Int(UInt32.max) else { return nil }
        stream.next_in = UnsafeMutablePointer(mutating: src.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(count)
        stream.next_out = dst.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(capacity)
        let status = CZlib.inflate(&stream, Z_FINISH)
        guard status == Z_STREAM_END else { return nil }
        return Int(stream.total_out)
    }
}
