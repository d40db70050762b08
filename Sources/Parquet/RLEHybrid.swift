/// Parquet's RLE / bit-packed hybrid encoding, for definition and repetition levels and for
/// dictionary indices (https://parquet.apache.org/docs/file-format/data-pages/encodings/).
///
/// A run header is a varint: low bit 1, a bit-packed run of `(header >> 1) * 8` values, LSB first;
/// low bit 0, one value repeated `header >> 1` times, stored in `ceil(bitWidth / 8)` bytes.
enum RLEHybrid {
    /// Decodes exactly `count` values of `bitWidth` bits (0...32) from `buffer`.
    /// A bit-packed run may pad past `count`; the padding is dropped.
    static func decode(_ buffer: UnsafeRawBufferPointer, bitWidth: Int, count: Int, into output: inout [UInt32]) throws(DecodeError) {
        guard (0...32).contains(bitWidth) else { throw .malformed("bit width \(bitWidth) outside 0...32", at: 0) }
        output.reserveCapacity(output.count + count)
        var cursor = ByteCursor(buffer)
        var left = count
        if bitWidth == 0 {
            // Every value is 0 and the runs carry no bytes worth reading.
            output.append(contentsOf: repeatElement(0, count: count))
            return
        }
        let byteWidth = (bitWidth + 7) / 8
        let mask: UInt64 = bitWidth == 32 ? 0xFFFF_FFFF : (1 << UInt64(bitWidth)) - 1
        while left > 0 {
            let header = try cursor.varint("an RLE run header")
            if header & 1 == 0 {
                let runLength = header >> 1
                let bytes = try cursor.bytes(byteWidth, "an RLE run value")
                var value: UInt32 = 0
                for i in 0..<byteWidth { value |= UInt32(bytes[i]) << UInt32(8 * i) }
                guard UInt64(value) <= mask else { throw .malformed("RLE value \(value) wider than \(bitWidth) bits", at: cursor.position) }
                let n = Int(min(runLength, UInt64(left)))
                guard n > 0 else { throw .malformed("empty RLE run", at: cursor.position) }
                output.append(contentsOf: repeatElement(value, count: n))
                left -= n
            } else {
                let groups = header >> 1
                guard groups > 0 else { throw .malformed("empty bit-packed run", at: cursor.position) }
                guard groups <= UInt64(cursor.remaining) else { throw .truncated("a bit-packed run", at: cursor.position) }
                let valuesInRun = Int(groups) * 8
                let byteCount = Int(groups) * bitWidth
                // A final run may be cut short where the page's values end.
                let available = min(byteCount, cursor.remaining)
                let bytes = try cursor.bytes(available, "a bit-packed run")
                let n = min(valuesInRun, left)
                guard n * bitWidth <= available * 8 else { throw .truncated("a bit-packed run", at: cursor.position) }
                var bitPosition = 0
                for _ in 0..<n {
                    var value: UInt64 = 0
                    var got = 0
                    var byteIndex = bitPosition >> 3
                    var shift = bitPosition & 7
                    while got < bitWidth {
                        value |= (UInt64(bytes[byteIndex]) >> UInt64(shift)) << UInt64(got)
                        got += 8 - shift
                        shift = 0
                        byteIndex += 1
                    }
                    output.append(UInt32(truncatingIfNeeded: value & mask))
                    bitPosition += bitWidth
                }
                left -= n
            }
        }
    }

    /// The number of bits needed for values up to `maximum`.
    static func bitWidth(_ maximum: Int) -> Int {
        maximum <= 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount
    }
}
