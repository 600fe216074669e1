//! The thread helpers of the batch and online paths: a slice cut into contiguous chunks, one
//! scoped thread per chunk, results in input order.

/// Applies `f` to contiguous chunks on `threads` scoped threads; results in chunk order.
/// `f` gets the index of the chunk's first item.
pub(crate) fn par_chunks<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(usize, &[T]) -> R + Sync) -> Vec<R> {
    let size = items.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items.chunks(size).enumerate().map(|(c, chunk)| {
            let f = &f;
            s.spawn(move || f(c * size, chunk))
        }).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

/// Applies `f` to every item on `threads` scoped threads; results in item order.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    par_chunks(items, threads, |_, chunk| chunk.iter().map(&f).collect::<Vec<R>>()).into_iter().flatten().collect()
}
