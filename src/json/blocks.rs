//! Where the bytes that give JSON text its shape stand in a block of 64 bytes, a bit each (the
//! block's first byte lowest): what lets a part of a document that is left out be walked from
//! one token to the next rather than a byte at a time. A block is classified thirty-two bytes at
//! a time, on a processor with AVX2 (without it, sixteen at a time with SSE2 cost as much as the
//! walk a byte at a time saved, so such a processor walks a byte at a time). The tests' own
//! classifier says the same a byte at a time, and is what the other is checked against.

/// A block's bytes of each class that matters, a bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Classes {
    pub quote: u64,
    pub backslash: u64,
    /// Below 0x20: tab, line feed and carriage return among them.
    pub control: u64,
    /// Space, tab, line feed and carriage return: whitespace as JSON has it.
    pub space: u64,
    /// `{`, `}`, `[`, `]`, `:` and `,`.
    pub punctuation: u64,
}

pub(crate) const BLOCK: usize = 64;

/// The classes of a block's bytes, a byte at a time.
#[cfg(test)]
pub(crate) fn classify_each(block: &[u8; BLOCK]) -> Classes {
    let mut classes = Classes::default();
    for (i, &b) in block.iter().enumerate() {
        let bit = 1u64 << i;
        let set = |class: &mut u64, yes: bool| *class |= if yes { bit } else { 0 };
        set(&mut classes.quote, b == b'"');
        set(&mut classes.backslash, b == b'\\');
        set(&mut classes.control, b < 0x20);
        set(&mut classes.space, matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        set(&mut classes.punctuation, matches!(b, b'{' | b'}' | b'[' | b']' | b':' | b','));
    }
    classes
}

/// The classes of a block's bytes, thirty-two at a time: for a processor with AVX2.
#[target_feature(enable = "avx2")]
#[inline]
pub(crate) fn classify_wide(block: &[u8; BLOCK]) -> Classes {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8 as eq, _mm256_loadu_si256, _mm256_min_epu8, _mm256_movemask_epi8,
        _mm256_or_si256 as or, _mm256_set1_epi8 as splat,
    };
    let mut classes = Classes::default();
    for (i, lane) in block.chunks_exact(32).enumerate() {
        // SAFETY: the load reads the thirty-two bytes of `lane`, and needs no alignment.
        let v: __m256i = unsafe { _mm256_loadu_si256(lane.as_ptr().cast()) };
        let shift = 32 * i;
        let bits = |mask: i32| u64::from(mask as u32) << shift;
        classes.quote |= bits(_mm256_movemask_epi8(eq(v, splat(b'"' as i8))));
        classes.backslash |= bits(_mm256_movemask_epi8(eq(v, splat(b'\\' as i8))));
        classes.control |= bits(_mm256_movemask_epi8(eq(_mm256_min_epu8(v, splat(0x1f)), v)));
        let spaces = or(
            or(eq(v, splat(b' ' as i8)), eq(v, splat(b'\n' as i8))),
            or(eq(v, splat(b'\t' as i8)), eq(v, splat(b'\r' as i8))),
        );
        classes.space |= bits(_mm256_movemask_epi8(spaces));
        let folded = or(v, splat(0x20));
        let brackets = or(eq(folded, splat(b'{' as i8)), eq(folded, splat(b'}' as i8)));
        let punctuation = or(brackets, or(eq(v, splat(b':' as i8)), eq(v, splat(b',' as i8))));
        classes.punctuation |= bits(_mm256_movemask_epi8(punctuation));
    }
    classes
}

/// For each bit, whether an odd number of bits are set at or below it: with the quotes of a
/// block, the bytes from an opening quote up to (not with) its closing one.
pub(crate) fn prefix_xor(mut bits: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        bits ^= bits << shift;
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn each_byte_is_in_the_classes_it_should_be() {
        for b in 0..=255u8 {
            let mut block = [b'a'; BLOCK];
            block[7] = b;
            block[BLOCK - 1] = b;
            let classes = classify_each(&block);
            let at = |class: u64| class == (1 << 7 | 1 << (BLOCK - 1));
            assert_eq!(at(classes.quote), b == b'"', "{b}");
            assert_eq!(at(classes.backslash), b == b'\\', "{b}");
            assert_eq!(at(classes.control), b < 0x20, "{b}");
            assert_eq!(at(classes.space), b" \t\n\r".contains(&b), "{b}");
            assert_eq!(at(classes.punctuation), b"{}[]:,".contains(&b), "{b}");
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2.
                assert_eq!(unsafe { classify_wide(&block) }, classes, "{b}");
            }
        }
    }

    #[test]
    fn prefix_xor_sets_what_lies_inside_quotes() {
        let text = br#"{"ab": "c", "": 1}"#;
        let quotes = text.iter().enumerate().filter(|(_, b)| **b == b'"').fold(0u64, |q, (i, _)| q | 1 << i);
        let inside: String =
            (0..text.len()).map(|i| if prefix_xor(quotes) >> i & 1 == 1 { 'x' } else { '.' }).collect();
        assert_eq!(inside, ".xxx...xx...x.....");
    }

    proptest! {
        #[test]
        fn thirty_two_at_a_time_classify_as_one_at_a_time(bytes in proptest::collection::vec(
            prop_oneof![any::<u8>(), proptest::sample::select(b"\"\\{}[]:, \t\n\r\x1f\x20\x7b\x5b".to_vec())],
            BLOCK,
        )) {
            let block: [u8; BLOCK] = bytes.try_into().expect("a block");
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2.
                prop_assert_eq!(unsafe { classify_wide(&block) }, classify_each(&block));
            }
        }
    }
}
