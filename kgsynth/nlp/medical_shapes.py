"""Medical name shapes beyond single-word stems: disease adjectives, drug codes, eponyms.

Three rule families that ``medical_terms`` calls, each reading only the words themselves:

* **Disease adjectives.** Biomedical text names a disease by its adjective as often as by
  its noun ("hypertensive rats", "epileptic women", "nephrotoxic effects"). An adjective is
  a disease mention when a regular derivation turns it back into a disease noun
  (hypertensive -> hypertension, psychotic -> psychosis, cardiotoxic -> cardiotoxicity)
  that the disease-word test accepts. Negating prefixes ("anti-", "non-", "normo-") and
  drug nouns after the adjective ("hypoglycemic agents") rule it out.
* **Development codes.** Compounds without an INN are written as a sponsor code: letters,
  an optional hyphen, and three or more digits ("SM-5887", "AMN082", "MK-801").
* **Eponyms.** "Kaposi's sarcoma", "Graves' disease", "Kearns-Sayre syndrome": a
  capitalised name, possessive or hyphen-joined, belongs to the disease that follows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Doc, Token

#: Adjective ending -> noun endings it derives from, tried in order.
#: ``strict`` derivations are too productive to trust the suffix test: their noun must be listed.
_ADJECTIVE_TO_NOUN: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("tensive", ("tension",), False),
    ("toxic", ("toxicity",), False),
    ("leptic", ("lepsy",), False),
    ("otic", ("osis",), False),
    ("etic", ("etes",), True),
    ("kinetic", ("kinesia",), False),
    ("algesic", ("algesia",), False),
    ("matous", ("ma",), False),
    ("atic", ("a",), True),
    ("ian", ("ism",), True),
    ("sive", ("sion",), True),
    ("emic", ("emia",), False),
    ("penic", ("penia",), False),
    ("ic", ("ia", "y", "e"), True),
    ("oid", ("oidism",), True),
)
#: Adjectives whose derived noun passes the tests but which describe no disease.
_NOT_DISEASE_ADJECTIVES = frozenset(
    {
        "systemic",
        "endemic",
        "epidemic",
        "pandemic",
        "academic",
        "polemic",
        "pharmacokinetic",
        "toxicokinetic",
        "hypnotic",
        "narcotic",
        "osmotic",
        "mitotic",
        "apoptotic",
        "symbiotic",
        "antibiotic",
        "cytotoxic",
        "neuroleptic",
        "biotic",
    }
)
#: Disease nouns the suffix test cannot tell from ordinary words; general medical vocabulary.
DISEASE_NOUNS = frozenset(
    {
        "diabetes",
        "epilepsy",
        "asthma",
        "convulsion",
        "convulsions",
        "depression",
        "hypertension",
        "hypotension",
        "psychosis",
        "schizophrenia",
        "asystole",
        "anemia",
        "anaemia",
        "hypoxia",
        "ischemia",
        "ischaemia",
        "edema",
        "oedema",
        "parkinsonism",
        "catalepsy",
        "hypothyroidism",
        "hyperthyroidism",
        "dystonia",
        "ataxia",
        "aphasia",
        "arrhythmia",
        "neutropenia",
        "leukemia",
        "leukaemia",
        "hyperalgesia",
        "allodynia",
        "dyskinesia",
        "akinesia",
        "cachexia",
        "anorexia",
        "nephrosis",
        "cirrhosis",
        "autism",
        "alcoholism",
    }
)
#: Derived nouns that are not diseases even though their shape says so.
_NOT_DISEASE_NOUNS = frozenset({"analgesia", "anesthesia", "anaesthesia", "neurolepsy", "antibiosis"})
_NEGATING_PREFIXES = ("anti", "non", "normo", "un", "pro")
#: Nouns after which a disease adjective names a drug or its action, not the disease.
_DRUG_NOUNS = frozenset(
    {
        "agent",
        "agents",
        "drug",
        "drugs",
        "medication",
        "medications",
        "therapy",
        "treatment",
        "treatments",
        "compound",
        "compounds",
        "activity",
        "properties",
        "potency",
        "action",
        "actions",
        "dose",
        "doses",
        "regimen",
        "regimens",
    }
)
_CODE = re.compile(r"^[A-Z][A-Za-z]{1,4}-?\d{3,6}[A-Za-z]?$")
#: Code-shaped names of enzymes, cell lines, trials and registries, not compounds.
_NOT_CODE_PREFIXES = ("CYP", "HLA", "NCT", "PMID", "ISO", "ICD", "MB", "MDA", "HEK", "CHO", "COS", "ATCC")
_EPONYM = re.compile(r"^[A-Z][a-z]{2,}$")
_JOINED_EPONYM = re.compile(r"^[A-Z][a-z]{2,}-[A-Z][a-z]{2,}$")


def disease_adjective(token: Token, is_disease_word: Callable[[str], bool]) -> bool:
    """Whether ``token`` is an adjective naming a disease ("hypertensive", "epileptic")."""
    lower = token.lower_
    if (
        not token.is_alpha
        or len(lower) < 7
        or lower.startswith(_NEGATING_PREFIXES)
        or lower in _NOT_DISEASE_ADJECTIVES
    ):
        return False
    if token.pos_ and token.pos_ not in ("ADJ", "PROPN", "NOUN", "VERB"):
        return False
    nxt = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""
    if nxt in _DRUG_NOUNS:
        return False
    return any(
        noun in DISEASE_NOUNS or (not strict and noun not in _NOT_DISEASE_NOUNS and is_disease_word(noun))
        for noun, strict in adjective_nouns(lower)
    )


def adjective_nouns(adjective: str) -> list[tuple[str, bool]]:
    """Nouns a disease adjective may derive from, with their strictness: "psychotic" -> psychosis."""
    out = []
    for ending, nouns, strict in _ADJECTIVE_TO_NOUN:
        if adjective.endswith(ending) and len(adjective) > len(ending):
            stem = adjective[: -len(ending)]
            out.extend((stem + noun, strict) for noun in nouns)
    return out


def drug_code_end(doc: Doc, i: int) -> int:
    """End of a development code starting at token ``i`` ("SM-5887" is three tokens), or ``i``."""
    token = doc[i]
    if token.text.upper().startswith(_NOT_CODE_PREFIXES):
        return i
    if _CODE.match(token.text):
        return i + 1
    if (
        i + 2 < len(doc)
        and token.text.isalpha()
        and token.text.isupper()
        and len(token.text) <= 4
        and doc[i + 1].text == "-"
        and not token.whitespace_
        and not doc[i + 1].whitespace_
        and _CODE.match(f"{token.text}-{doc[i + 2].text}")
    ):
        return i + 3
    return i


def eponym_start(doc: Doc, start: int) -> int:
    """Move a disease span's start over a possessive or hyphenated eponym just before it."""
    i = start
    if i >= 1 and _JOINED_EPONYM.match(doc[i - 1].text):
        return i - 1  # one token when the tokenizer keeps the hyphen: "Zollinger-Ellison"
    if i >= 3 and _EPONYM.match(doc[i - 1].text) and doc[i - 2].text == "-" and not doc[i - 2].whitespace_:
        i -= 1  # "Kearns - Sayre syndrome" as three tokens: start from "Sayre", the loop takes "Kearns"
    if i >= 2 and doc[i - 1].text in ("'s", "'", "’s", "’") and _EPONYM.match(doc[i - 2].text):
        i -= 2
    while (
        i >= 2
        and doc[i - 1].text == "-"
        and not doc[i - 1].whitespace_
        and not doc[i - 2].whitespace_
        and doc[i - 2].is_alpha
        and (doc[i].text[:1].isupper() or doc[i - 2].lower_ in ("non", "graft", "host", "versus"))
    ):
        i -= 2
    return i
