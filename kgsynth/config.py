"""``kgsynth.toml`` and the environment -> one validated ``Config``.

One pydantic model per ``[section]``, each with ``extra="forbid"`` so a misspelt key fails with
its name and the closest valid keys. Precedence, lowest first: code defaults, the file,
``KGSYNTH_<SECTION>__<KEY>`` environment variables, then CLI flags (applied by the CLI).
Secrets (``KGSYNTH_NEO4J_PASSWORD``, ``OPENAI_API_KEY``) are never read from the file.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kgsynth.errors import ConfigError
from kgsynth.llm.endpoint import Endpoint

DEFAULT_CONFIG_FILE = "kgsynth.toml"
ENV_PREFIX = "KGSYNTH_"
NEO4J_URI_ENV = "KGSYNTH_NEO4J_URI"
SECRET_KEYS = frozenset({"password", "api_key", "token"})


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class StoreConfig(_Section):
    """Where the graph lives: a SQLite file, ``:memory:``, a Neo4j URL, or ``neo4j`` for the env URI."""

    url: str = "kgsynth.db"
    user: str | None = None
    database: str | None = None
    #: Seconds to connect to a Neo4j server (or wait for a pooled connection) before giving up.
    timeout: float = Field(default=10.0, gt=0, allow_inf_nan=False)


class OntologyConfig(_Section):
    """Which ontology types the graph: a shipped name (``medical``, ``legal``) or a file path."""

    source: str | None = None


LLM_BASE_URL_ENV = "KGSYNTH_LLM_BASE_URL"
LLM_MODEL_ENV = "KGSYNTH_LLM_MODEL"


class LLMConfig(_Section):
    """Named OpenAI-compatible endpoints and which of them generate, judge and extract.

    ``[llm.endpoints.<name>]`` holds one ``Endpoint`` (base_url, model, timeout, prices, ...);
    ``generator`` / ``judges`` / ``extractor`` name endpoints of that table. Without a
    generator, ``KGSYNTH_LLM_BASE_URL`` and ``KGSYNTH_LLM_MODEL`` give one. The API key comes
    only from ``OPENAI_API_KEY``.
    """

    endpoints: dict[str, Endpoint] = Field(default_factory=dict)
    generator: str | None = None
    judges: tuple[str, ...] = ()
    extractor: str | None = None
    cache: str | None = None

    def endpoint(
        self, name: str | None, environ: Mapping[str, str] | None = None, model: str | None = None
    ) -> Endpoint:
        """The endpoint called ``name`` (None: the generator, else the environment's); ``model`` overrides.

        Raises:
            ConfigError: naming the endpoints there are, or the variables to set.
        """
        environ = os.environ if environ is None else environ
        name = name or self.generator
        if name is not None and name in self.endpoints:
            found = self.endpoints[name]
            return found.model_copy(update={"model": model}) if model else found
        if name is not None and name.startswith(("http://", "https://")):
            return _env_endpoint(name, model or environ.get(LLM_MODEL_ENV))
        if name is not None:
            known = ", ".join(sorted(self.endpoints)) or "(none)"
            raise ConfigError(
                f'LLM endpoint "{name}" is not in [llm.endpoints] of kgsynth.toml (endpoints: {known}); '
                "or give a URL such as http://127.0.0.1:8080/v1."
            )
        base_url = environ.get(LLM_BASE_URL_ENV)
        if not base_url:
            raise ConfigError(
                f"no LLM endpoint: pass --llm URL or a name of [llm.endpoints], set [llm] generator in "
                f"kgsynth.toml, or set {LLM_BASE_URL_ENV} and {LLM_MODEL_ENV}."
            )
        return _env_endpoint(base_url, model or environ.get(LLM_MODEL_ENV))


def _env_endpoint(base_url: str, model: str | None) -> Endpoint:
    if not model:
        raise ConfigError(f"no LLM model for {base_url}: pass --model or set {LLM_MODEL_ENV}.")
    try:
        return Endpoint(base_url=base_url, model=model)
    except ValidationError as exc:
        raise ConfigError(
            f"LLM endpoint {base_url}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}."
        ) from exc


class Config(BaseModel):
    """The whole resolved configuration; ``path`` is the file it came from, if any."""

    model_config = ConfigDict(extra="forbid")

    store: StoreConfig = StoreConfig()
    ontology: OntologyConfig = OntologyConfig()
    llm: LLMConfig = LLMConfig()
    path: str | None = None

    @classmethod
    def load(cls, path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
        """Read ``path`` (or ``./kgsynth.toml`` if it exists), then apply environment overrides.

        Raises:
            ConfigError: the file is missing (when named), not valid TOML, or has an unknown key.
        """
        environ = os.environ if environ is None else environ
        data: dict[str, Any] = {}
        source: Path | None = Path(path) if path is not None else None
        if source is None and Path(DEFAULT_CONFIG_FILE).is_file():
            source = Path(DEFAULT_CONFIG_FILE)
        if source is not None:
            data = _read_toml(source)
        from_env = _apply_environment(data, environ)
        return _validate(data, source, from_env)

    def resolved_store_url(self, environ: Mapping[str, str] | None = None) -> str:
        """The store URL, with ``neo4j`` expanded from ``KGSYNTH_NEO4J_URI``."""
        environ = os.environ if environ is None else environ
        if self.store.url != "neo4j":
            return self.store.url
        uri = environ.get(NEO4J_URI_ENV)
        if not uri:
            raise ConfigError(
                f'store url is "neo4j" but {NEO4J_URI_ENV} is not set. Set it, e.g. bolt://localhost:7687.'
            )
        return uri

    def digest(self) -> str:
        """Short hash of the settings (not the file path), recorded in every exported sample."""
        payload = self.model_dump_json(exclude={"path"})
        return hashlib.sha256(payload.encode()).hexdigest()[:12]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found. Create one with: kgsynth init") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}).") from exc


def _apply_environment(data: dict[str, Any], environ: Mapping[str, str]) -> dict[tuple[str, ...], str]:
    """``KGSYNTH_STORE__URL=x`` sets ``data["store"]["url"] = "x"``.

    Returns which variable set each key (``("store", "url")``), and each section only the
    environment names (``("stor",)``), so an error there is blamed on the variable, not the file.
    """
    origins: dict[tuple[str, ...], str] = {}
    for name, value in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX) :].lower().partition("__")
        if key in SECRET_KEYS:
            continue
        if section not in data:
            data[section] = {}
            origins[(section,)] = name
        if isinstance(data[section], dict):
            data[section][key] = value
            origins[(section, key)] = name
    return origins


def _validate(data: dict[str, Any], source: Path | None, from_env: dict[tuple[str, ...], str]) -> Config:
    try:
        return Config.model_validate({**data, "path": str(source) if source else None})
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(str(part) for part in error["loc"])
        variable = from_env.get(loc[:2]) or from_env.get(loc[:1])
        where = f"environment variable {variable}: " if variable else f"{source or 'configuration'}: "
        location = ".".join(loc)
        if error["type"] == "extra_forbidden":
            raise ConfigError(f'{where}unknown setting "{location}".{_closest(loc, variable)}') from exc
        raise ConfigError(f'{where}setting "{location}": {error["msg"]}.') from exc


def _closest(loc: tuple[str, ...], variable: str | None = None) -> str:
    """' Did you mean "store.url"?' for a misspelt key, or the closest variable name if it came
    from one (' Did you mean KGSYNTH_STORE__URL?'); else the valid keys."""
    if variable is not None:  # compare whole "section.key" names: either part may be misspelt
        wanted = f"{loc[0]}.{variable.partition('__')[2].lower()}" if len(loc) == 1 else ".".join(loc[:2])
        valid = [f"{name}.{key}" for name, section in _sections().items() for key in section.model_fields]
    elif len(loc) == 1:
        wanted, valid = loc[0], list(_sections())
    else:
        section = _sections().get(loc[0])
        if section is None:
            return ""
        wanted, valid = ".".join(loc[:2]), [f"{loc[0]}.{key}" for key in section.model_fields]
    match = difflib.get_close_matches(wanted, valid, n=1)
    if match:
        return f" Did you mean {_env_name(match[0]) if variable else _quoted(match[0])}?"
    return " Valid keys: " + ", ".join(valid) + "."


def _sections() -> dict[str, type[BaseModel]]:
    """Section name -> its model, from ``Config``'s fields."""
    return {
        name: field.annotation
        for name, field in Config.model_fields.items()
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
    }


def _env_name(dotted: str) -> str:
    section, _, key = dotted.partition(".")
    return f"{ENV_PREFIX}{section.upper()}__{key.upper()}"


def _quoted(dotted: str) -> str:
    return f'"{dotted}"'


def render_config(config: Config) -> str:
    """The resolved configuration as TOML, secrets masked (they are never stored in it anyway)."""
    lines: list[str] = []
    for section_name in ("store", "ontology"):
        section = getattr(config, section_name)
        lines.append(f"[{section_name}]")
        for key, value in section.model_dump().items():
            if value is None:
                lines.append(f"# {key} is not set")
            elif key in SECRET_KEYS:
                lines.append(f'{key} = "****"')
            else:
                lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
