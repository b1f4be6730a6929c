//! The heap: mimalloc, asked the way C's `malloc` is asked whenever its own alignment is enough.
//!
//! mimalloc's aligned calls take a fast path only for blocks of up to a kilobyte; a larger one
//! (a request's body, the capture line, a document's tape) went through the general aligned path
//! and was over-allocated by its alignment, though every block mimalloc hands out is aligned to
//! sixteen bytes already (eight for a block of eight bytes or less). So a layout whose alignment
//! is at most sixteen and at most its size is asked of `mi_malloc`, as the standard library's
//! system allocator asks `malloc`; only a wider alignment uses the aligned calls.
//!
//! Memory freed is given back to the system at once ([`configure`]), not a second later: mimalloc
//! purges late only when it is asked for memory again, so a listener left idle after a burst of
//! big requests kept all it had used (BENCHMARKS.md, the listener's memory).

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// The alignment of every block of sixteen bytes or more that mimalloc hands out.
const MIN_ALIGN: usize = 16;

/// The process's allocator (set in `main`).
pub struct Allocator;

/// mimalloc's option (v3): how many milliseconds memory freed waits before it is given back.
const PURGE_DELAY: mi::mi_option_t = 15;

/// Set mimalloc's options, once, first thing in `main`: memory freed is given back to the system
/// at once, unless `MIMALLOC_PURGE_DELAY` says otherwise.
pub fn configure() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option is a store mimalloc reads at each purge.
        unsafe { mi::mi_option_set(PURGE_DELAY, 0) }
    }
}

/// `malloc`'s own alignment is enough for a block of this layout's size (a smaller block is
/// aligned to its own size rounded up to eight, so to any alignment not above that size).
#[inline(always)]
fn plain(align: usize, size: usize) -> bool {
    align <= MIN_ALIGN && align <= size
}

/// A new block of a layout, from mimalloc's plain call when its alignment is enough, else from
/// its aligned one (the two calls of a pair differ only in whether they zero the block).
#[inline(always)]
unsafe fn fresh(
    layout: Layout,
    plain_call: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned_call: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    // SAFETY: both calls take any size and (the aligned one) any power-of-two alignment, which
    // a layout's is.
    unsafe {
        match plain(layout.align(), layout.size()) {
            true => plain_call(layout.size()).cast(),
            false => aligned_call(layout.size(), layout.align()).cast(),
        }
    }
}

// SAFETY: each call hands the layout's size and alignment to mimalloc, whose blocks meet them
// (see `plain`); a block is freed and reallocated by mimalloc whichever call allocated it.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { fresh(layout, mi::mi_malloc, mi::mi_malloc_aligned) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { fresh(layout, mi::mi_zalloc, mi::mi_zalloc_aligned) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe {
            if plain(layout.align(), new_size) {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Fill a block with a pattern of its own place, so that a copy can be told from garbage.
    /// `p` must be valid for `len` bytes.
    unsafe fn fill(p: *mut u8, len: usize) {
        for i in 0..len {
            unsafe { p.add(i).write((i % 251) as u8) }
        }
    }

    /// `p` must be valid for `len` bytes.
    unsafe fn filled(p: *const u8, len: usize) -> bool {
        (0..len).all(|i| unsafe { p.add(i).read() } == (i % 251) as u8)
    }

    proptest! {
        /// Any size up to a few pages and any alignment up to a page: the block is aligned as
        /// asked, zeroed when asked, and a reallocation keeps its contents and its alignment.
        #[test]
        fn blocks_are_aligned_and_reallocation_keeps_them(
            size in prop_oneof![1usize..64, 1usize..20_000],
            new_size in 1usize..20_000,
            align_log in 0u32..13,
            zeroed: bool,
        ) {
            let align = 1usize << align_log;
            let layout = Layout::from_size_align(size, align).unwrap();
            unsafe {
                let p = if zeroed { Allocator.alloc_zeroed(layout) } else { Allocator.alloc(layout) };
                prop_assert!(!p.is_null());
                prop_assert_eq!(p as usize % align, 0, "alloc of {} bytes aligned to {}", size, align);
                if zeroed {
                    prop_assert!((0..size).all(|i| p.add(i).read() == 0));
                }
                fill(p, size);
                let q = Allocator.realloc(p, layout, new_size);
                prop_assert!(!q.is_null());
                prop_assert_eq!(q as usize % align, 0, "realloc to {} bytes aligned to {}", new_size, align);
                prop_assert!(filled(q, size.min(new_size)));
                Allocator.dealloc(q, Layout::from_size_align(new_size, align).unwrap());
            }
        }
    }

    /// The option set is the purge delay: its default is the second mimalloc v3 documents.
    #[test]
    fn the_option_set_is_the_purge_delay() {
        assert_eq!(unsafe { mi::mi_option_get(PURGE_DELAY) }, 1000);
    }

    #[test]
    fn the_plain_calls_are_used_only_where_their_alignment_holds() {
        assert!(plain(1, 1));
        assert!(plain(8, 8));
        assert!(plain(16, 16));
        assert!(plain(16, 4096));
        assert!(!plain(16, 8), "a block of eight bytes is aligned to eight only");
        assert!(!plain(32, 4096));
        assert!(!plain(64, 64));
    }

    /// Every size from one byte to a few hundred, through the plain calls: aligned to sixteen
    /// from sixteen bytes on, to its size rounded up to eight below (what `plain` relies on).
    #[test]
    fn small_plain_blocks_are_aligned_as_plain_assumes() {
        for size in 1..=512usize {
            for align in [1usize, 2, 4, 8, 16].into_iter().filter(|&a| plain(a, size)) {
                let layout = Layout::from_size_align(size, align).unwrap();
                let blocks: Vec<*mut u8> = (0..64).map(|_| unsafe { Allocator.alloc(layout) }).collect();
                for &p in &blocks {
                    assert_eq!(p as usize % align, 0, "{size} bytes aligned to {align}");
                }
                for p in blocks {
                    unsafe { Allocator.dealloc(p, layout) }
                }
            }
        }
    }
}
