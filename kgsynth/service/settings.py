"""``ServiceSettings``: where the service keeps its data and what it allows, fixed at start-up.

Everything a page could abuse is server configuration here, never a request field: the data
folder, the upload limit, the API token, the hosts a request may name, and the LLM endpoint
(read from the environment; no page can point the server at another URL).
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from kgsynth.errors import ConfigError

#: Environment variable holding the API token; binding a non-loopback address requires it.
TOKEN_ENV = "KGSYNTH_API_TOKEN"
#: Environment variable naming an OpenAI-compatible endpoint (server configuration only).
LLM_ENDPOINT_ENV = "KGSYNTH_LLM_ENDPOINT"
#: Environment variable through which ``kgsynth serve`` hands its settings to the worker process.
SETTINGS_ENV = "KGSYNTH_SERVICE_SETTINGS"
DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ServiceSettings(BaseModel):
    """Settings of one ``kgsynth serve``; the worker process is started with the same ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    store: str = "kgsynth.db"
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    token: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    max_upload_bytes: int = Field(DEFAULT_MAX_UPLOAD_BYTES, ge=1)
    lease_seconds: float = Field(30.0, gt=0)
    model: str = "auto"
    llm_endpoint: str | None = None

    @classmethod
    def for_store(cls, store: str = "kgsynth.db", **settings: object) -> ServiceSettings:
        """Settings whose data folder sits beside ``store``: ``kgsynth.db`` -> ``kgsynth.service/``."""
        path = Path(store)
        data_dir = settings.pop("data_dir", None) or path.with_name(path.stem + ".service")
        settings.setdefault("token", os.environ.get(TOKEN_ENV) or None)
        settings.setdefault("llm_endpoint", os.environ.get(LLM_ENDPOINT_ENV) or None)
        return cls(store=store, data_dir=Path(str(data_dir)), **settings)

    def check_bind(self) -> None:
        """Refuse to listen beyond loopback without a token.

        Raises:
            ConfigError: ``host`` is not a loopback address and no token is set.
        """
        if not is_loopback(self.host) and not self.token:
            raise ConfigError(
                f"--host {self.host} is reachable from other machines: set {TOKEN_ENV} to a secret "
                "first (every request must then carry it), or serve on 127.0.0.1."
            )

    def hosts(self) -> frozenset[str]:
        """Host header values a request may carry (against DNS rebinding)."""
        names = {"127.0.0.1", "localhost", "::1", "[::1]", self.host, *self.allowed_hosts}
        return frozenset(name.lower() for name in names)

    @property
    def tasks_db(self) -> Path:
        """The SQLite file of tasks, samples, reviews and datasets."""
        return self.data_dir / "tasks.db"


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


__all__ = ["LLM_ENDPOINT_ENV", "SETTINGS_ENV", "TOKEN_ENV", "ServiceSettings", "is_loopback"]
