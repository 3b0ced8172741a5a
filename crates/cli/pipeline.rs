//! The parallel, order-keeping pipeline behind batch commands.
//!
//! ```text
//! reader thread --chunks--> N worker threads --results--> this thread
//!   (cut input)               (parse, score, format)        (reorder, write)
//! ```
//!
//! One thread cuts the input into chunks of whole records
//! ([`ResponseChunks`]); workers turn each chunk into finished output bytes
//! independently; the calling thread puts the results back in input order
//! and writes them. A fixed number of chunk buffers circulates (reader →
//! worker → writer → reader), so at most that many chunks are in memory at
//! once whatever the input size, and the reorder buffer can never grow past
//! it. Results do not depend on the number of threads: chunk boundaries
//! depend only on the input, and each row is computed from its own values.
//!
//! If writing fails (a closed pipe, a bad row in fail-fast mode) the
//! channels are dropped, which stops the reader and the workers.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Result;
use crossbeam_channel::{bounded, unbounded};
use rolefit_import::{ImportError, RawChunk, ResponseChunks};

/// What a worker made of one chunk, for the writer.
pub trait ChunkResult: Send {
    /// The chunk's input buffer, handed back for reuse.
    fn take_buffer(&mut self) -> Vec<u8>;
}

/// Runs the pipeline: `work` turns a chunk into a result on one of
/// `threads` workers, each with its own state from `state`; `write` gets the
/// results in input order. `progress` is told the input bytes consumed.
pub fn run<R, S, T>(
    mut chunks: ResponseChunks<R>,
    threads: usize,
    state: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, RawChunk) -> T + Sync,
    mut write: impl FnMut(T, u64) -> Result<()>,
) -> Result<()>
where
    R: Read + Send,
    T: ChunkResult,
{
    let threads = threads.max(1);
    let in_flight = 2 * threads + 2;
    let bytes_read = Arc::new(AtomicU64::new(chunks.bytes_read()));
    // Buffers circulate through this channel; holding one is the right to
    // have a chunk in flight.
    let (buffers_tx, buffers_rx) = bounded::<Vec<u8>>(in_flight);
    for _ in 0..in_flight {
        buffers_tx.send(Vec::new()).expect("the channel has room");
    }
    let (chunks_tx, chunks_rx) = unbounded::<RawChunk>();
    let (results_tx, results_rx) = unbounded::<(u64, Result<T, ImportError>)>();

    std::thread::scope(|scope| -> Result<()> {
        let reader_results = results_tx.clone();
        let reader_bytes = Arc::clone(&bytes_read);
        scope.spawn(move || {
            let mut seq = 0;
            while let Ok(buffer) = buffers_rx.recv() {
                match chunks.next_chunk(buffer) {
                    Ok(Some(chunk)) => {
                        seq = chunk.seq + 1;
                        reader_bytes.store(chunks.bytes_read(), Ordering::Relaxed);
                        if chunks_tx.send(chunk).is_err() {
                            return;
                        }
                    }
                    Ok(None) => return,
                    Err(e) => {
                        let _ = reader_results.send((seq, Err(e)));
                        return;
                    }
                }
            }
        });
        for _ in 0..threads {
            let chunks_rx = chunks_rx.clone();
            let results_tx = results_tx.clone();
            let (state, work) = (&state, &work);
            scope.spawn(move || {
                let mut s = state();
                while let Ok(chunk) = chunks_rx.recv() {
                    let seq = chunk.seq;
                    if results_tx.send((seq, Ok(work(&mut s, chunk)))).is_err() {
                        return;
                    }
                }
            });
        }
        drop((chunks_rx, results_tx));

        let mut next = 0u64;
        let mut pending: BTreeMap<u64, Result<T, ImportError>> = BTreeMap::new();
        let outcome = (|| -> Result<()> {
            for (seq, result) in results_rx.iter() {
                pending.insert(seq, result);
                while let Some(result) = pending.remove(&next) {
                    let mut result = result?;
                    let buffer = result.take_buffer();
                    write(result, bytes_read.load(Ordering::Relaxed))?;
                    // The reader may have finished; then nobody needs it.
                    let _ = buffers_tx.try_send(buffer);
                    next += 1;
                }
            }
            Ok(())
        })();
        // Stop the reader and the workers if we stopped early.
        drop(buffers_tx);
        drop(results_rx);
        outcome
    })
}
