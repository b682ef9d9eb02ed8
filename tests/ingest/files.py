"""Writers of small input files for the ingest tests (a PDF needs more than ``write_text``)."""

from __future__ import annotations

import json
from pathlib import Path


def write_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF showing ``lines`` in Helvetica, with a correct cross-reference table."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    data = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(data)
    data += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    data += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    data += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(data)
    return path


def write_jsonl(path: Path, records: list[object]) -> Path:
    """One JSON value per line (strings are written as they are, to make malformed lines)."""
    lines = [record if isinstance(record, str) else json.dumps(record) for record in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_pubtator(path: Path, documents: list[tuple[str, str, str]]) -> Path:
    """PubTator blocks (pmid, title, abstract), each with one annotation line, blank-line separated."""
    blocks = [
        f"{pmid}|t|{title}\n{pmid}|a|{abstract}\n{pmid}\t0\t4\t{title[:4]}\tChemical\tD000001\n"
        for pmid, title, abstract in documents
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path
