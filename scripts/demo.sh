#!/usr/bin/env bash
# The main job on the embedded default store (SQLite), on the bundled demo corpus:
# build a graph from the documents, generate grounded samples from it, check them against it.
# Installs what it needs into ./.venv first. Everything it writes goes to ./demo-out/.
source "$(dirname "$0")/_venv.sh" model
out=demo-out
rm -rf "$out" && mkdir -p "$out"
kg() { echo "\$ kgsynth $*" >&2; .venv/bin/kgsynth "$@"; }
kg build examples/docs/medical --ontology medical --store "$out/kgsynth.db"
kg build examples/docs/legal --ontology legal --store "$out/kgsynth.db"
kg stats --store "$out/kgsynth.db"
kg generate --store "$out/kgsynth.db" --n 200 --hops 1-3 --types factoid,multihop,yesno,mcq \
  --format sharegpt --seed 7 -o "$out/samples.jsonl"
echo "--- three of the samples ($out/samples.jsonl):" >&2
head -n 3 "$out/samples.jsonl" | .venv/bin/python -c '
import json, sys
for line in sys.stdin:
    record = json.loads(line)
    turns = record["conversations"]
    print("Q:", turns[0]["value"])
    print("A:", turns[1]["value"].replace("\n", "\n   "))
    print()'
