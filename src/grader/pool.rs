//! Grading many answers at once: a bounded pool of worker threads, with results handed back in
//! batches as they arrive (so a caller can save once per batch rather than once per grade).

use std::collections::VecDeque;
use std::sync::{Mutex, mpsc};

/// Runs `work` over `jobs` on at most `workers` threads. `on_batch` receives `(job index,
/// result)` pairs in arrival order, in batches of whatever has arrived; an error from it stops
/// the run (jobs already started finish, their results are dropped).
pub fn run<J, T, E>(
    jobs: Vec<J>,
    workers: usize,
    work: impl Fn(&J) -> T + Sync,
    mut on_batch: impl FnMut(Vec<(usize, T)>) -> Result<(), E>,
) -> Result<(), E>
where
    J: Send + Sync,
    T: Send,
{
    let workers = workers.clamp(1, 64).min(jobs.len().max(1));
    let queue: Mutex<VecDeque<usize>> = Mutex::new((0..jobs.len()).collect());
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (queue, jobs, work, stop) = (&queue, &jobs, &work, &stop);
            scope.spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let Some(i) = queue.lock().ok().and_then(|mut q| q.pop_front()) else { return };
                    if tx.send((i, work(&jobs[i]))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        while let Ok(first) = rx.recv() {
            let batch: Vec<(usize, T)> = std::iter::once(first).chain(rx.try_iter()).collect();
            if let Err(e) = on_batch(batch) {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
                return Err(e);
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_job_is_done_once_and_errors_stop_the_run() {
        let mut seen = Vec::new();
        let r: Result<(), ()> = super::run(
            (0..50).collect(),
            8,
            |j: &i32| j * 2,
            |b| {
                seen.extend(b);
                Ok(())
            },
        );
        assert!(r.is_ok());
        seen.sort();
        assert_eq!(seen, (0..50).map(|i| (i as usize, i * 2)).collect::<Vec<_>>());
        let r = super::run((0..50).collect(), 2, |j: &i32| *j, |_| Err("stop"));
        assert_eq!(r, Err("stop"));
    }
}
