"""``ServiceSettings``: where the service keeps its data and what it allows, fixed at start-up.

Everything a page could abuse is server configuration here, never a request field: the data
folder, the upload limit, the API token, the hosts a request may name, and the LLM endpoint
(resolved as the CLI resolves it, ``llm_endpoint``; no page can point the server at another
URL). The endpoint holds no key: the worker's client reads ``OPENAI_API_KEY`` when it is built,
so the key is never in these settings, a task, its log or an answer.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from kgsynth.config import LLM_BASE_URL_ENV, LLMConfig
from kgsynth.errors import ConfigError
from kgsynth.llm.endpoint import Endpoint

#: Environment variable holding the API token; binding a non-loopback address requires it.
TOKEN_ENV = "KGSYNTH_API_TOKEN"
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
    llm_endpoint: Endpoint | None = None

    @classmethod
    def for_store(cls, store: str = "kgsynth.db", **settings: object) -> ServiceSettings:
        """Settings whose data folder sits beside ``store``: ``kgsynth.db`` -> ``kgsynth.service/``."""
        path = Path(store)
        data_dir = settings.pop("data_dir", None) or path.with_name(path.stem + ".service")
        settings.setdefault("token", os.environ.get(TOKEN_ENV) or None)
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


def llm_endpoint(
    config: LLMConfig,
    name: str | None = None,
    model: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Endpoint | None:
    """The LLM endpoint the platform offers, or None when nothing names one.

    ``name`` (``kgsynth serve --llm``: a name of ``[llm.endpoints]`` or a URL), else ``[llm]
    generator`` of kgsynth.toml, else ``KGSYNTH_LLM_BASE_URL`` / ``KGSYNTH_LLM_MODEL``: the
    order ``kgsynth generate --llm`` uses (``LLMConfig.endpoint``).

    Raises:
        ConfigError: an unknown endpoint name, a URL without a model, or a bad URL.
    """
    environ = os.environ if environ is None else environ
    if all(v is None for v in (name, model, config.generator)) and not environ.get(LLM_BASE_URL_ENV):
        return None
    return config.endpoint(name, environ, model=model)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


__all__ = ["SETTINGS_ENV", "TOKEN_ENV", "ServiceSettings", "is_loopback", "llm_endpoint"]
