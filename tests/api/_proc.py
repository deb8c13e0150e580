"""CPU time and resident memory of a live server and its worker, read from /proc."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def server_pids(root: int) -> list[int]:
    """The server process and its children (the supervisor's worker)."""
    pids = [root]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == root:
                pids.append(int(entry))
    return pids


def cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICK


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def process_tree(root: int) -> list[int]:
    """The server process and all its descendants (worker, query processes, spare)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def tree_rss_mb(root: int) -> float:
    """Resident memory of the whole process tree; processes that ended meanwhile count 0."""
    total = 0.0
    for pid in process_tree(root):
        with contextlib.suppress(OSError):
            total += rss_mb([pid])
    return total


def tree_cpu_s(root: int) -> float:
    """CPU time of the process tree's live members (utime + stime)."""
    total = 0.0
    for pid in process_tree(root):
        with contextlib.suppress(OSError):
            total += cpu_s([pid])
    return total
