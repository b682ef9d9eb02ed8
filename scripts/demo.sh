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
kg check "$out/samples.jsonl" --store "$out/kgsynth.db" -o "$out/checked.jsonl" --html "$out/report.html"
kg check examples/claims.jsonl --store "$out/kgsynth.db" -o "$out/claims-checked.jsonl" --html "$out/claims.html"
echo "--- the first sample of each type ($out/samples.jsonl), with the evidence of its first fact:" >&2
.venv/bin/python - "$out/samples.jsonl" <<'PY'
import json, sys
shown = set()
for line in open(sys.argv[1], encoding="utf-8"):
    record = json.loads(line)
    kind = record["kgsynth"]["type"]
    if kind in shown:
        continue
    shown.add(kind)
    question, answer = (turn["value"] for turn in record["conversations"])
    evidence = record["kgsynth"]["triples"][0]["evidence"][0]
    print(f"[{kind}] Q: {question}")
    print("   A: " + answer.replace("\n", "\n      "))
    print(f'   evidence: "{evidence["sentence"]}" ({evidence["document_id"]}, chars {evidence["start"]}-{evidence["end"]})')
    print()
PY
