"""Extraction workers end with the build that started them, even when it is killed outright.

spaCy's ``nlp.pipe(n_process=N)`` forks N workers that wait on a queue for texts. If the build
process is killed with SIGKILL (or dies any way that skips its clean-up), nothing ever tells
them to stop: they wait forever (issue 11). While ``workers_end_with_this_process()`` is active,
every process forked from this one asks the Linux kernel for SIGTERM when its parent dies
(``prctl(PR_SET_PDEATHSIG)``), and also watches its parent pid from a thread, in case the
kernel call is unavailable (not Linux) or the parent died before it was made.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
#: How often the watchdog thread of a worker checks that its parent is still there.
WATCH_SECONDS = 0.5

#: The pid whose forked children must end with it, while a build with workers runs.
_guarded_parent: int | None = None
_hook_installed = False


@contextmanager
def workers_end_with_this_process() -> Iterator[None]:
    """Within the block, processes forked from this one end when this process dies."""
    global _guarded_parent
    _install_hook()
    previous, _guarded_parent = _guarded_parent, os.getpid()
    try:
        yield
    finally:
        _guarded_parent = previous


def _install_hook() -> None:
    global _hook_installed
    if not _hook_installed and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_in_forked_child)
        _hook_installed = True


def _in_forked_child() -> None:
    """Runs in every forked child: a worker of a guarded build ties its life to its parent."""
    global _guarded_parent
    parent, _guarded_parent = _guarded_parent, None  # the worker's own children are not guarded
    if parent is None:
        return
    _ask_for_a_signal_when_the_parent_dies()
    # ``parent`` forked this process, so another parent pid means it died already (perhaps before
    # this hook ran, under load), and no signal will come for it.
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="kgsynth-parent-watch", daemon=True).start()


def _ask_for_a_signal_when_the_parent_dies() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except OSError as exc:  # the watchdog thread still ends the worker, only a little later
        logger.debug("prctl(PR_SET_PDEATHSIG) unavailable: %s", exc)


def _watch(parent: int) -> None:
    """End this worker once its parent is gone (it is then re-parented, so ``getppid`` changes)."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)
