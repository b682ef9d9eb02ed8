"""How ``kgsynth serve`` runs its app: uvicorn with the C HTTP parser the service extra brings."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from kgsynth.service import create_app
from tests.service.conftest import make_settings


def test_uvicorn_parses_http_with_httptools(tmp_path: Path) -> None:
    # h11, uvicorn's pure-Python fallback, cost 0.3-0.6 ms more CPU a request (issue 12).
    config = uvicorn.Config(create_app(make_settings(tmp_path)))
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
