"""CPU time of one call, for the in-process tools (bench/hit_cost.py, bench/save_floor.py)."""

from __future__ import annotations

import time
from collections.abc import Callable


def cpu_per_call(call: Callable[[], object], calls: int, *, warmup: int) -> float:
    """Seconds of this process's CPU a call, over `calls` calls after `warmup` unmeasured ones."""
    for _ in range(warmup):
        call()
    started = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - started) / calls
