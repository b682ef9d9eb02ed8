#!/usr/bin/env bash
# The main job on the embedded default store, on the bundled demo data.
# Installs what it needs into ./.venv first. Output goes to ./demo-out/.
source "$(dirname "$0")/_venv.sh" model
out=demo-out
rm -rf "$out" && mkdir -p "$out"
kg=".venv/bin/kgsynth"
set -x
"$kg" import examples/rdf/pharma.ttl --store "$out/kgsynth.db" --ontology medical
"$kg" stats --store "$out/kgsynth.db"
