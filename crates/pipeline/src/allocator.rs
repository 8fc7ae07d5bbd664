//! When freed memory goes back to the system: calls into mimalloc (the
//! binary's global allocator) that store an option or ask it to return freed
//! pages, with no pointer involved. One of the workspace's three places with
//! `unsafe` code (the others are a CPU-checked call in `normalize`'s dedup and
//! the setting of polars' thread count in `main`).

/// mimalloc's `mi_option_purge_delay` (its C enum's 16th value; the Rust
/// bindings name no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How soon pages freed in the per-document pass are returned to the system.
/// The pass frees and allocates the same sizes again and again (row buffers,
/// per-document vectors), and a returned page costs a fault when it is used
/// again. mimalloc's default, 10 ms, made 108,000 page faults and 0.30-0.33 s
/// of system time in a 20 MB run at 1 thread; a second makes 63,000 and
/// 0.22 s, and the run 2.8 s instead of 3.1 s. The pass's peak grows by about
/// 35 MB at 20 MB, and not with the corpus (it is what a second of batches
/// frees): the run's peak is the aggregates', which start with [`Purge::AtOnce`]
/// (100k articles: 313 MB against 318 MB).
const PASS_PURGE_DELAY_MS: std::ffi::c_long = 1000;

/// When freed pages go back to the system.
#[derive(Clone, Copy, Debug)]
pub enum Purge {
    /// After [`PASS_PURGE_DELAY_MS`]: the per-document pass frees and
    /// allocates the same sizes again and again.
    Soon,
    /// Now, and at once from here on: for the aggregates, whose peak is the
    /// run's, after a pass whose workers are gone.
    AtOnce,
}

#[allow(unsafe_code)]
pub fn purge_freed_memory(when: Purge) {
    match when {
        // SAFETY: mi_option_set stores an integer in mimalloc's option table;
        // purge_delay is read on every purge, and any value >= 0 is documented.
        Purge::Soon => unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PASS_PURGE_DELAY_MS) },
        Purge::AtOnce => {
            // SAFETY: as above; mi_collect takes no pointer and only returns
            // this thread's free pages and the pages waiting to be purged.
            unsafe {
                libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
                libmimalloc_sys::mi_collect(true);
            }
        }
    }
}
