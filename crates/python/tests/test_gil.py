"""The GIL is released while scoring: another Python thread runs during a
call of score_arrow. No timing: with a switch interval longer than the
test, the main thread never hands the GIL over on its own, so the other
thread can only have run if the call released it."""

from __future__ import annotations

import sys
import threading
import time

import pyarrow as pa

import rolefit

from conftest import synthetic


def test_another_thread_runs_while_a_batch_is_scored():
    batch = pa.RecordBatch.from_pandas(synthetic(200_000, seed=3), preserve_index=False)
    counter = [0]
    started = threading.Event()
    stop = threading.Event()

    def count() -> None:
        started.set()
        while not stop.is_set():
            counter[0] += 1
            # Hands the GIL back, so the main thread gets it when it asks.
            time.sleep(0.0001)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    worker = threading.Thread(target=count, daemon=True)
    try:
        worker.start()
        started.wait()
        before = counter[0]
        result = rolefit.score_arrow(batch, top=3, threads=1)
        during = counter[0] - before
    finally:
        stop.set()
        sys.setswitchinterval(interval)
        worker.join()
    assert result.num_rows > 0
    assert during > 0, "no other thread ran while scoring: the GIL was held"
