//! Byte tests eight bytes at a time ("SIMD within a register"), which the
//! stages' text scanners share: a `u64` read little-endian from eight bytes
//! of text, and a result whose high bit is set in each byte that passes.

/// 0x01 in every byte.
pub const ONES: u64 = 0x0101_0101_0101_0101;
/// The seven low bits of every byte.
pub const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
/// The high bit of every byte.
pub const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `seven_bits` (bytes of at most 0x7f, such as
/// `word & LOW`) that lies in `low..=high`. A seven-bit value plus at most
/// 0x80 stays under 0x100, so no carry crosses into the next byte.
pub fn bytes_in_range(seven_bits: u64, low: u8, high: u8) -> u64 {
    let from_low = seven_bits + u64::from(0x80 - low) * ONES;
    let past_high = seven_bits + u64::from(0x80 - high - 1) * ONES;
    from_low & !past_high & HIGH
}

/// `word` with its ASCII capitals made lowercase and every other byte as it
/// is: 0x80 (a capital's mark) shifted right twice is the 0x20 that
/// lowercases it.
pub fn ascii_lowercase(word: u64) -> u64 {
    word | ((bytes_in_range(word & LOW, b'A', b'Z') & !word) >> 2)
}

/// One bit per byte of `word`, bit `i` for byte `i`, set when the byte
/// starts a code point (it is not a continuation byte, 0b10xx_xxxx). A
/// continuation byte has its high bit set and the next one clear, which
/// `word << 1` brings under the high bit; the multiply gathers the eight
/// high bits, each moved to its own position, into the top byte.
pub fn code_point_starts(word: u64) -> u64 {
    let starts = (!word | (word << 1)) & HIGH;
    (starts >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_bytes_lowercase_as_one_by_one() {
        for byte in 0..=255u8 {
            for at in 0..8 {
                let mut eight = [b'Q'; 8];
                eight[at] = byte;
                let lowered = ascii_lowercase(u64::from_le_bytes(eight)).to_le_bytes();
                assert_eq!(lowered, eight.map(|b| b.to_ascii_lowercase()), "{byte:#x} at {at}");
            }
        }
    }

    #[test]
    fn code_point_starts_as_one_by_one() {
        for byte in 0..=255u8 {
            for at in 0..8 {
                for filler in [b'a', 0x80, 0xc3] {
                    let mut eight = [filler; 8];
                    eight[at] = byte;
                    let expected = (0..8).fold(0u64, |all, i| all | (u64::from((eight[i] as i8) >= -0x40) << i));
                    assert_eq!(code_point_starts(u64::from_le_bytes(eight)), expected, "{byte:#x} at {at}");
                }
            }
        }
    }

    #[test]
    fn bytes_in_range_as_one_by_one() {
        let ranges = [(0, 0x7f), (b'0', b'9'), (b'A', b'Z'), (b'_', b'_'), (b'\t', b'\r'), (0x40, 0x7f), (0, 0x3f)];
        for (low, high) in ranges {
            for byte in 0..=0x7fu8 {
                for at in 0..8 {
                    let mut eight = [b'~'; 8];
                    eight[at] = byte;
                    let marked = bytes_in_range(u64::from_le_bytes(eight), low, high).to_le_bytes();
                    let expected = eight.map(|b| if (low..=high).contains(&b) { 0x80 } else { 0 });
                    assert_eq!(marked, expected, "{byte:#x} at {at} in {low:#x}..={high:#x}");
                }
            }
        }
    }
}
