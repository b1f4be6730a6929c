//! Many documents judged on every core: a feeder walks the inputs and hands the entries out in
//! order through a short queue, workers judge them, and their results are put back in order for
//! the sink. Both queues are bounded, so what is held at once is bounded too, however slow the
//! sink.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use super::{Inputs, Item, Judging, one};
use crate::error::{Error, Result};
use crate::input::Entry;

/// How many batches wait in each queue between the threads: with [`BATCH`], the bound on what
/// is held at once.
const AHEAD: usize = 4;

/// How many entries a worker takes at a time, at first and at most. Each batch handed over can
/// wake a thread, which costs about as much as judging a document, so batches grow from the first
/// (which lets a few inputs still share the cores, and the first results come soon) to the most
/// (which bounds what a worker can still hold when the others are done).
const BATCH: (usize, usize) = (16, 256);

/// The largest document judged to warm a schema (one read of [`crate::input::read_listed`]):
/// judging a bigger one twice would cost more than the wait it saves.
const WARM_UP_MAX: u64 = 64 << 10;

/// What the feeder hands the workers.
enum Job {
    /// The first document found in a directory still being listed, judged at once and the result
    /// dropped: judging it compiles the schema of its kind (most of a directory is often of one
    /// kind), which then is done when the listing ends and the batches come, instead of keeping
    /// every worker but one waiting for it. It is judged again in its place. Only a document of
    /// at most [`WARM_UP_MAX`] is judged so.
    WarmUp(Entry),
    /// The next batch of entries in order, with its number.
    Batch(usize, Vec<Entry>),
}

/// Judge every entry of `inputs` on `cores` workers, handing what each gives to `give` in the
/// order of the inputs, until `give` breaks or fails.
pub(super) fn run(
    inputs: Inputs<'_>,
    judging: Judging<'_>,
    cores: usize,
    give: &mut dyn FnMut(Item) -> Result<ControlFlow<()>>,
) -> Result<()> {
    let (jobs_tx, jobs_rx) = sync_channel::<Job>(AHEAD);
    // Shared by the workers, and gone with the last of them, which stops the feeder.
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));
    let (tx, rx) = sync_channel::<(usize, Vec<Item>)>(AHEAD);
    std::thread::scope(|scope| {
        scope.spawn(move || feed(inputs, &jobs_tx));
        for _ in 0..cores {
            let (tx, jobs_rx) = (tx.clone(), Arc::clone(&jobs_rx));
            scope.spawn(move || work(&jobs_rx, &tx, judging));
        }
        drop((tx, jobs_rx));
        // Owned here, so that on an error or a stop it is dropped at once, on return, which stops
        // the feeder and the workers.
        let mut waiting = BTreeMap::new();
        let mut want = 0;
        for (i, items) in rx {
            waiting.insert(i, items);
            while let Some(items) = waiting.remove(&want) {
                for item in items {
                    if give(item)?.is_break() {
                        return Ok(());
                    }
                }
                want += 1;
            }
        }
        Ok::<(), Error>(())
    })
}

/// Hand the entries out in batches, in order, and the first files found ahead to warm up; until
/// the workers are gone.
fn feed(inputs: Inputs<'_>, jobs: &SyncSender<Job>) {
    let (mut size, mut i) = (BATCH.0, 0);
    let mut batch = Vec::with_capacity(size);
    let sent = |job| if jobs.send(job).is_err() { ControlFlow::Break(()) } else { ControlFlow::Continue(()) };
    inputs.feed(1, &mut |entry| {
        if let Entry::Ahead { .. } = entry {
            return sent(Job::WarmUp(entry));
        }
        batch.push(entry);
        if batch.len() < size {
            return ControlFlow::Continue(());
        }
        size = (size * 2).min(BATCH.1);
        let full = std::mem::replace(&mut batch, Vec::with_capacity(size));
        i += 1;
        sent(Job::Batch(i - 1, full))
    });
    if !batch.is_empty() {
        let _ = jobs.send(Job::Batch(i, batch));
    }
}

/// Judge the batches taken from `jobs`, and send back what each gives, until there are no more
/// or nobody takes the results.
fn work(jobs: &Mutex<Receiver<Job>>, results: &SyncSender<(usize, Vec<Item>)>, judging: Judging<'_>) {
    let warm_up = Judging { max_size: judging.max_size.min(WARM_UP_MAX), ..judging };
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let (i, batch) = match job {
            Ok(Job::Batch(i, batch)) => (i, batch),
            Ok(Job::WarmUp(entry)) => {
                drop(one(entry, warm_up));
                continue;
            }
            Err(_) => return,
        };
        let items = batch.into_iter().map(|entry| one(entry, judging)).collect();
        if results.send((i, items)).is_err() {
            return;
        }
    }
}
