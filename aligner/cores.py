"""How many cores this process may use: the one answer for the encoder and the batch pool.

``os.cpu_count()`` counts the machine's cores; in a container, under ``taskset``
or in a Slurm allocation the process may run on fewer, and a pool or thread count
sized to the machine then oversubscribes its share.
"""

from __future__ import annotations

import os


def cores() -> int:
    """Cores this process may run on (a container's or taskset's share, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
