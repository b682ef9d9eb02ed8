"""The front-end files ship in the package, pinned by the npm lockfile (no CDN)."""

from __future__ import annotations

import json
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[2] / "kgsynth" / "service"


def test_vendored_files_are_the_versions_the_lockfile_pins() -> None:
    lock = json.loads((SERVICE / "assets" / "package-lock.json").read_text(encoding="utf-8"))
    copied = json.loads((SERVICE / "static" / "vendor" / "versions.json").read_text(encoding="utf-8"))
    pinned = {name: lock["packages"][f"node_modules/{name}"]["version"] for name in copied}
    assert copied == pinned
    assert pinned["htmx.org"].startswith("2.")  # htmx 4 is a rewrite


def test_vendored_files_equal_node_modules_when_installed() -> None:
    modules = SERVICE / "assets" / "node_modules"
    sources = {
        "htmx.min.js": "htmx.org/dist/htmx.min.js",
        "sse.min.js": "htmx-ext-sse/dist/sse.min.js",
        "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    }
    for name, source in sources.items():
        shipped = (SERVICE / "static" / "vendor" / name).read_bytes()
        assert len(shipped) > 1000
        if modules.is_dir():  # after `npm ci` in kgsynth/service/assets
            assert shipped == (modules / source).read_bytes(), name


def test_templates_load_scripts_from_the_package_only() -> None:
    for template in (SERVICE / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, template.name
        assert "<script>" not in text and " on" + "click=" not in text, template.name
