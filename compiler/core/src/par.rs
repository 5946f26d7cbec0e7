//! Work spread over the machine's cores: [`map`], the one place the compiler starts threads.
//!
//! Results come back in input order, so parallel work stays deterministic.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// `f` applied to every item, on up to as many threads as there are cores, each with a
/// stack of `stack` bytes; the results in the order of `items`. With one core, one item or
/// no thread to be had, the work runs on the calling thread instead.
pub fn map<T: Sync, R: Send>(items: &[T], stack: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let work = || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = f(item);
                if let Some(Ok(mut slot)) = slots.get(i).map(|s| s.lock()) {
                    *slot = Some(result);
                }
            };
            let spawned = std::thread::Builder::new()
                .name("ismsc-worker".into())
                .stack_size(stack)
                .spawn_scoped(scope, work);
            if spawned.is_err() {
                break;
            }
        }
    });
    // A slot is empty only if no thread could be started to fill it.
    slots
        .into_iter()
        .zip(items)
        .map(|(slot, item)| slot.into_inner().ok().flatten().unwrap_or_else(|| f(item)))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        let out = super::map(&items, 1 << 20, |n| n * n);
        assert_eq!(out, items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u8], 1 << 20, |b| *b).is_empty());
    }
}
