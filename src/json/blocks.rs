//! Where the bytes that give JSON text its shape stand in a block of 64 bytes, a bit each (the
//! block's first byte lowest): what lets a part of a document that is left out be walked from
//! one token to the next rather than a byte at a time. On x86_64 the block is classified sixteen
//! or thirty-two bytes at a time (SSE2, which every x86_64 processor has, or AVX2 where it is
//! there); [`classify_each`] says the same a byte at a time, and is what the others are tested
//! against.

/// A block's bytes of each class that matters, a bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Classes {
    pub quote: u64,
    pub backslash: u64,
    /// Below 0x20: the space bytes below among them.
    pub control: u64,
    /// Space, tab, line feed and carriage return: whitespace as JSON has it.
    pub space: u64,
    /// `{`, `}`, `[`, `]`, `:` and `,`.
    pub punctuation: u64,
}

pub(crate) const BLOCK: usize = 64;

/// The classes of a block's bytes, a byte at a time.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
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
#[cfg(target_arch = "x86_64")]
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

/// The classes of a block's bytes, sixteen at a time.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn classify_narrow(block: &[u8; BLOCK]) -> Classes {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8 as eq, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128 as or,
        _mm_set1_epi8,
    };
    // Every x86_64 processor has SSE2: the target is built with it.
    const _: () = assert!(cfg!(target_feature = "sse2"));
    let mut classes = Classes::default();
    // SAFETY: the instructions are SSE2's, which the target has (asserted above), and each load
    // reads the sixteen bytes of one lane of the block, with no alignment needed.
    unsafe {
        let splat = |b: u8| _mm_set1_epi8(b as i8);
        let [quote, backslash, below, space, tab, line, ret, open, close, colon, comma, fold] =
            [b'"', b'\\', 0x1f, b' ', b'\t', b'\n', b'\r', b'{', b'}', b':', b',', 0x20].map(splat);
        for (i, lane) in block.chunks_exact(16).enumerate() {
            let v: __m128i = _mm_loadu_si128(lane.as_ptr().cast());
            let bits = |mask: i32| u64::from(mask as u16) << (16 * i);
            classes.quote |= bits(_mm_movemask_epi8(eq(v, quote)));
            classes.backslash |= bits(_mm_movemask_epi8(eq(v, backslash)));
            // A byte below 0x20 is its own minimum with 0x1f.
            classes.control |= bits(_mm_movemask_epi8(eq(_mm_min_epu8(v, below), v)));
            let spaces = or(or(eq(v, space), eq(v, line)), or(eq(v, tab), eq(v, ret)));
            classes.space |= bits(_mm_movemask_epi8(spaces));
            // `[` and `]` are `{` and `}` without their 0x20 bit: with it set, two compare for four.
            let folded = or(v, fold);
            let punctuation = or(or(eq(folded, open), eq(folded, close)), or(eq(v, colon), eq(v, comma)));
            classes.punctuation |= bits(_mm_movemask_epi8(punctuation));
        }
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
            #[cfg(target_arch = "x86_64")]
            assert_eq!(classify_narrow(&block), classes, "{b}");
            #[cfg(target_arch = "x86_64")]
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
        #[cfg(target_arch = "x86_64")]
        #[test]
        fn sixteen_or_thirty_two_at_a_time_classify_as_one_at_a_time(bytes in proptest::collection::vec(
            prop_oneof![any::<u8>(), proptest::sample::select(b"\"\\{}[]:, \t\n\r\x1f\x20\x7b\x5b".to_vec())],
            BLOCK,
        )) {
            let block: [u8; BLOCK] = bytes.try_into().expect("a block");
            prop_assert_eq!(classify_narrow(&block), classify_each(&block));
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2.
                prop_assert_eq!(unsafe { classify_wide(&block) }, classify_each(&block));
            }
        }
    }
}
