//! Bit masks of [`CHUNK`]-byte chunks of text: bit `k` set when byte `k` is of a class. On
//! x86_64 the bytes are compared 32 at a time with AVX2 where the processor has it (checked
//! at run time, as `memchr` does), else 16 at a time with SSE2, and the bits gathered by
//! `movemask` (two instructions for what [`crate::extract::words::pack`] does in a dozen);
//! elsewhere byte by byte, as the references of the tests.

use crate::extract::words::CHUNK;

/// Word bytes (ASCII letters, digits, `'` and `-`, as `extract::words` reads them) and bytes
/// of 0x80 and above, of `chunk`.
#[inline(always)]
pub(crate) fn word_and_high(chunk: &[u8; CHUNK]) -> (u32, u32) {
    alnum_and_high::<b'\'', b'-'>(chunk)
}

/// ASCII letters and digits and the bytes `A` and `B` (the word bytes of a reader), and bytes
/// of 0x80 and above, of `chunk`.
#[inline(always)]
pub(crate) fn alnum_and_high<const A: u8, const B: u8>(chunk: &[u8; CHUNK]) -> (u32, u32) {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2() {
            // SAFETY: the processor has AVX2 (checked at run time), which is all that the
            // function's `target_feature` requires; it reads only `chunk`.
            return unsafe { avx2::alnum_and_high::<A, B>(chunk) };
        }
        // SAFETY: SSE2 is part of the x86_64 baseline, enabled on every x86_64 target, so the
        // function's `target_feature` holds wherever this runs; it reads only `chunk`.
        unsafe { sse2::alnum_and_high::<A, B>(chunk) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        alnum_and_high_reference::<A, B>(chunk)
    }
}

/// The bytes where the sentence splitter stops, of `chunk`: `.`, `"`, `!`, `?`, and 0xE2 and
/// 0xC2 (the first bytes of `“`, `”`, `…` and `«`).
#[inline(always)]
pub(crate) fn sentence_stops(chunk: &[u8; CHUNK]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2() {
            // SAFETY: as in `alnum_and_high`.
            return unsafe { avx2::sentence_stops(chunk) };
        }
        // SAFETY: as in `alnum_and_high`.
        unsafe { sse2::sentence_stops(chunk) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        sentence_stops_reference(chunk)
    }
}

/// [`word_and_high`] and [`sentence_stops`] of `chunk` at once, from the same loads: the
/// chunk walk of [`crate::extract::words::for_each_word_and_stops`], which classifies the text
/// of a block once for the word table and the sentence splitter.
#[inline(always)]
pub(crate) fn word_high_and_stops(chunk: &[u8; CHUNK]) -> (u32, u32, u32) {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2() {
            // SAFETY: as in `alnum_and_high`.
            return unsafe { avx2::word_high_and_stops(chunk) };
        }
        // SAFETY: as in `alnum_and_high`.
        unsafe { sse2::word_high_and_stops(chunk) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let (word, high) = word_and_high(chunk);
        (word, high, sentence_stops_reference(chunk))
    }
}

/// Whether the processor has AVX2: std's run-time check, which reads a cached word after the
/// first call. Loops that classify many chunks check it once and call the AVX2 forms below
/// from a function compiled for AVX2, where they are inlined.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn has_avx2() -> bool {
    #[cfg(test)]
    if tests::NO_AVX2.with(std::cell::Cell::get) {
        return false;
    }
    std::arch::is_x86_feature_detected!("avx2")
}

/// Runs `f` on this thread with [`has_avx2`] answering no, so the tests reach the SSE2 forms
/// on a processor with AVX2 too.
#[cfg(all(test, target_arch = "x86_64"))]
pub(crate) fn without_avx2<T>(f: impl FnOnce() -> T) -> T {
    tests::NO_AVX2.with(|c| c.set(true));
    let out = f();
    tests::NO_AVX2.with(|c| c.set(false));
    out
}

/// Bit `k` set when `class(chunk[k])`.
#[inline(always)]
fn mask_of(chunk: &[u8; CHUNK], class: impl Fn(u8) -> bool) -> u32 {
    let mut m = 0u32;
    for (k, &b) in chunk.iter().enumerate() {
        m |= u32::from(class(b)) << k;
    }
    m
}

/// [`alnum_and_high`] byte by byte.
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
pub(crate) fn alnum_and_high_reference<const A: u8, const B: u8>(
    chunk: &[u8; CHUNK],
) -> (u32, u32) {
    (
        mask_of(chunk, |b| b.is_ascii_alphanumeric() || b == A || b == B),
        mask_of(chunk, |b| b >= 0x80),
    )
}

/// [`sentence_stops`] byte by byte.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn sentence_stops_reference(chunk: &[u8; CHUNK]) -> u32 {
    mask_of(chunk, |b| {
        matches!(b, b'.' | b'"' | b'!' | b'?' | 0xE2 | 0xC2)
    })
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x,
        _mm_set1_epi8, _mm_sub_epi8,
    };

    use crate::extract::words::CHUNK;

    /// The 16 bytes of `chunk` from `at`.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn load(chunk: &[u8; CHUNK], at: usize) -> __m128i {
        let mut lo = [0u8; 8];
        let mut hi = [0u8; 8];
        lo.copy_from_slice(&chunk[at..at + 8]);
        hi.copy_from_slice(&chunk[at + 8..at + 16]);
        _mm_set_epi64x(i64::from_le_bytes(hi), i64::from_le_bytes(lo))
    }

    /// Bytes equal to `b`, as 0xFF.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn eq(x: __m128i, b: u8) -> __m128i {
        _mm_cmpeq_epi8(x, _mm_set1_epi8(b as i8))
    }

    /// Bytes from `lo` to `lo + span` (unsigned), as 0xFF: `x - lo` is at most `span`.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn within(x: __m128i, lo: u8, span: u8) -> __m128i {
        let d = _mm_sub_epi8(x, _mm_set1_epi8(lo as i8));
        _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(span as i8)), d)
    }

    /// The bits of the 0xFF bytes of `x` (every byte 0 or 0xFF), or of the high bits.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn bits(x: __m128i) -> u32 {
        // the sign bit of each byte, 16 bits, zero-extended
        _mm_movemask_epi8(x) as u32
    }

    /// The word bytes (ASCII letters and digits, `A` and `B`) of `x`, as 0xFF.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn alnum<const A: u8, const B: u8>(x: __m128i) -> __m128i {
        // a letter: lowered by setting 0x20 (no byte of 0x80 and above lands on one)
        let letter = within(_mm_or_si128(x, _mm_set1_epi8(0x20)), b'a', 25);
        let digit = within(x, b'0', 9);
        _mm_or_si128(
            _mm_or_si128(letter, digit),
            _mm_or_si128(eq(x, A), eq(x, B)),
        )
    }

    /// The sentence stops of `x`, as 0xFF. 0xC2 and 0xE2 are the bytes that are 0xE2 with
    /// 0x20 set.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn stops(x: __m128i) -> __m128i {
        let lowered = _mm_or_si128(x, _mm_set1_epi8(0x20));
        _mm_or_si128(
            _mm_or_si128(eq(x, b'.'), eq(x, b'"')),
            _mm_or_si128(_mm_or_si128(eq(x, b'!'), eq(x, b'?')), eq(lowered, 0xE2)),
        )
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn word_high_and_stops(chunk: &[u8; CHUNK]) -> (u32, u32, u32) {
        let mut word = 0u32;
        let mut high = 0u32;
        let mut stop = 0u32;
        for half in 0..2 {
            let x = load(chunk, 16 * half);
            word |= bits(alnum::<b'\'', b'-'>(x)) << (16 * half);
            high |= bits(x) << (16 * half);
            stop |= bits(stops(x)) << (16 * half);
        }
        (word, high, stop)
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn alnum_and_high<const A: u8, const B: u8>(chunk: &[u8; CHUNK]) -> (u32, u32) {
        let mut word = 0u32;
        let mut high = 0u32;
        for half in 0..2 {
            let x = load(chunk, 16 * half);
            word |= bits(alnum::<A, B>(x)) << (16 * half);
            high |= bits(x) << (16 * half);
        }
        (word, high)
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn sentence_stops(chunk: &[u8; CHUNK]) -> u32 {
        let mut m = 0u32;
        for half in 0..2 {
            let x = load(chunk, 16 * half);
            m |= bits(stops(x)) << (16 * half);
        }
        m
    }
}

/// The AVX2 forms, for functions compiled for AVX2 (`#[target_feature(enable = "avx2")]`)
/// that checked [`has_avx2`] once.
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2 {
    use std::arch::x86_64::{
        __m128i, __m256i, _mm_loadu_si128, _mm256_adds_epu8, _mm256_and_si256,
        _mm256_broadcastsi128_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_min_epu8,
        _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8, _mm256_shuffle_epi8,
        _mm256_srli_epi16, _mm256_sub_epi8,
    };

    use crate::extract::words::CHUNK;

    /// The 32 bytes of `chunk`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn load(chunk: &[u8; CHUNK]) -> __m256i {
        // SAFETY: `chunk` has 32 readable bytes, all that an unaligned 32-byte load reads.
        unsafe { _mm256_loadu_si256(chunk.as_ptr().cast::<__m256i>()) }
    }

    /// Bytes equal to `b`, as 0xFF.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn eq(x: __m256i, b: u8) -> __m256i {
        _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b as i8))
    }

    /// Bytes from `lo` to `lo + span` (unsigned), as 0xFF: `x - lo` is at most `span`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn within(x: __m256i, lo: u8, span: u8) -> __m256i {
        let d = _mm256_sub_epi8(x, _mm256_set1_epi8(lo as i8));
        _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(span as i8)), d)
    }

    /// The bits of the 0xFF bytes of `x` (every byte 0 or 0xFF), or of the high bits.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn bits(x: __m256i) -> u32 {
        _mm256_movemask_epi8(x) as u32
    }

    /// `x` with 0x20 set in every byte: ASCII letters lowered, 0xC2 made 0xE2.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn lowered(x: __m256i) -> __m256i {
        _mm256_or_si256(x, _mm256_set1_epi8(0x20))
    }

    /// As the SSE2 `alnum`, `lowered` being `x` lowered.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn alnum<const A: u8, const B: u8>(x: __m256i, lowered: __m256i) -> __m256i {
        let letter = within(lowered, b'a', 25);
        let digit = within(x, b'0', 9);
        _mm256_or_si256(
            _mm256_or_si256(letter, digit),
            _mm256_or_si256(eq(x, A), eq(x, B)),
        )
    }

    /// As the SSE2 `stops`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn stops(x: __m256i, lowered: __m256i) -> __m256i {
        _mm256_or_si256(
            _mm256_or_si256(eq(x, b'.'), eq(x, b'"')),
            _mm256_or_si256(_mm256_or_si256(eq(x, b'!'), eq(x, b'?')), eq(lowered, 0xE2)),
        )
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn alnum_and_high<const A: u8, const B: u8>(chunk: &[u8; CHUNK]) -> (u32, u32) {
        let x = load(chunk);
        (bits(alnum::<A, B>(x, lowered(x))), bits(x))
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) fn sentence_stops(chunk: &[u8; CHUNK]) -> u32 {
        let x = load(chunk);
        bits(stops(x, lowered(x)))
    }

    /// Classes of bytes for [`word_high_and_stops`], by nibbles: a byte is in class bit `b`
    /// when `HIGH_NIBBLE[byte >> 4]` and `LOW_NIBBLE[byte & 15]` both have bit `b`. Each bit
    /// is a product of a set of high nibbles and a set of low nibbles, so the AND of the two
    /// look-ups is exact. Word bytes (bits 0 to 3): `A-O` and `a-o` (high 4 or 6, low 1 to
    /// 15), `P-Z` and `p-z` (high 5 or 7, low 0 to 10), digits (high 3, low 0 to 9), `'` and
    /// `-` (high 2, low 7 or 13). Sentence stops (bits 4 to 6): `!`, `"` and `.` (high 2, low
    /// 1, 2 or 14), `?` (high 3, low 15), 0xC2 and 0xE2 (high 12 or 14, low 2).
    const HIGH_NIBBLE: [u8; 16] = {
        let mut t = [0u8; 16];
        t[2] = 0b1000 | 0b1_0000;
        t[3] = 0b0100 | 0b10_0000;
        t[4] = 0b0001;
        t[5] = 0b0010;
        t[6] = 0b0001;
        t[7] = 0b0010;
        t[0xC] = 0b100_0000;
        t[0xE] = 0b100_0000;
        t
    };

    /// See [`HIGH_NIBBLE`].
    const LOW_NIBBLE: [u8; 16] = {
        let mut t = [0u8; 16];
        let mut l = 0;
        while l < 16 {
            let mut bits = 0u8;
            if l >= 1 {
                bits |= 0b0001;
            }
            if l <= 10 {
                bits |= 0b0010;
            }
            if l <= 9 {
                bits |= 0b0100;
            }
            if l == 7 || l == 13 {
                bits |= 0b1000;
            }
            if l == 1 || l == 2 || l == 14 {
                bits |= 0b1_0000;
            }
            if l == 15 {
                bits |= 0b10_0000;
            }
            if l == 2 {
                bits |= 0b100_0000;
            }
            t[l] = bits;
            l += 1;
        }
        t
    };

    /// A 16-byte table in both lanes, for `_mm256_shuffle_epi8`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn table(t: &[u8; 16]) -> __m256i {
        // SAFETY: `t` has 16 readable bytes, all that an unaligned 16-byte load reads.
        _mm256_broadcastsi128_si256(unsafe { _mm_loadu_si128(t.as_ptr().cast::<__m128i>()) })
    }

    /// The bits of the bytes of `x` that have some bit of `mask` set (every byte below 0x80
    /// after the AND): a saturating add of 0x7F sets the high bit of the non-zero ones.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn any_bits(x: __m256i, mask: u8) -> u32 {
        bits(_mm256_adds_epu8(
            _mm256_and_si256(x, _mm256_set1_epi8(mask as i8)),
            _mm256_set1_epi8(0x7F),
        ))
    }

    /// The word bytes, the bytes of 0x80 and above and the sentence stops of `chunk`, as
    /// [`super::word_high_and_stops`]: the classes looked up by nibbles (two shuffles, see
    /// [`HIGH_NIBBLE`]) instead of compared one value or range at a time.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn word_high_and_stops(chunk: &[u8; CHUNK]) -> (u32, u32, u32) {
        let x = load(chunk);
        let nibble = _mm256_set1_epi8(0x0F);
        let low = _mm256_and_si256(x, nibble);
        let high = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
        let class = _mm256_and_si256(
            _mm256_shuffle_epi8(table(&HIGH_NIBBLE), high),
            _mm256_shuffle_epi8(table(&LOW_NIBBLE), low),
        );
        (any_bits(class, 0x0F), bits(x), any_bits(class, 0x70))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Set by [`without_avx2`]: [`has_avx2`] answers no on this thread.
        pub(crate) static NO_AVX2: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    fn masks_agree(chunk: &[u8; CHUNK]) {
        assert_eq!(
            word_and_high(chunk),
            alnum_and_high_reference::<b'\'', b'-'>(chunk),
            "{chunk:?}"
        );
        // the mention scan's word bytes
        assert_eq!(
            alnum_and_high::<b'_', b'_'>(chunk),
            alnum_and_high_reference::<b'_', b'_'>(chunk),
            "{chunk:?}"
        );
        assert_eq!(
            sentence_stops(chunk),
            sentence_stops_reference(chunk),
            "{chunk:?}"
        );
        let (word, high) = alnum_and_high_reference::<b'\'', b'-'>(chunk);
        let all = (word, high, sentence_stops_reference(chunk));
        assert_eq!(word_high_and_stops(chunk), all, "{chunk:?}");
        // both x86_64 forms, whichever the dispatch takes on this processor
        #[cfg(target_arch = "x86_64")]
        {
            // SAFETY: SSE2 is part of the x86_64 baseline.
            unsafe {
                assert_eq!(sse2::word_high_and_stops(chunk), all, "{chunk:?}");
                assert_eq!(sse2::sentence_stops(chunk), all.2, "{chunk:?}");
                assert_eq!(
                    sse2::alnum_and_high::<b'_', b'_'>(chunk),
                    alnum_and_high_reference::<b'_', b'_'>(chunk),
                    "{chunk:?}"
                );
            }
            if has_avx2() {
                // SAFETY: the processor has AVX2, checked just before.
                unsafe {
                    assert_eq!(avx2::word_high_and_stops(chunk), all, "{chunk:?}");
                    assert_eq!(avx2::sentence_stops(chunk), all.2, "{chunk:?}");
                    assert_eq!(
                        avx2::alnum_and_high::<b'_', b'_'>(chunk),
                        alnum_and_high_reference::<b'_', b'_'>(chunk),
                        "{chunk:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_byte_in_every_place() {
        for b in 0..=255u8 {
            for at in [0, 7, 8, 15, 16, 17, 31] {
                let mut chunk = [b'x'; CHUNK];
                chunk[at] = b;
                masks_agree(&chunk);
                let mut chunk = [b; CHUNK];
                chunk[at] = b' ';
                masks_agree(&chunk);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn masks_agree_with_the_references(bytes in proptest::array::uniform32(0u8..)) {
            masks_agree(&bytes);
        }
    }
}
