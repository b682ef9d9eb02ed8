"""The web platform: ``kgsynth serve`` (FastAPI + server-rendered pages + a worker process).

Upload documents -> extraction task -> synthesis task -> review -> versioned dataset -> blend
and download. The web layer has no logic of its own: it queues tasks (``tasks.py``) that a
separate worker process (``worker.py``) runs by calling the library (``runners/``), and
its pages and JSON API (``pages.py``, ``api.py``) call the same ``actions``. Needs the
``service`` extra: ``pip install "kgsynth[service]"``.
"""

from __future__ import annotations

from kgsynth.service.app import create_app
from kgsynth.service.settings import ServiceSettings

# The worker (kgsynth.service.worker) is not imported here: it runs as ``python -m``.
__all__ = ["ServiceSettings", "create_app"]
