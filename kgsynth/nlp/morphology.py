"""Regular English inflection, enough to match trigger words and names without a lemmatizer.

The blank fallback pipeline has no lemmatizer, and gazetteer entries are written in one
form, so relation triggers ("induce") and lexicon names ("seizure") are expanded to their
regular inflections here and matched on lower-cased text instead.
"""

from __future__ import annotations

_VOWELS = frozenset("aeiou")
#: Words ending in -s that are not plurals (singularising them would break the name).
_NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ous", "sis", "xis")
_NOT_PLURAL_WORDS = frozenset(
    {
        "diabetes",
        "herpes",
        "rabies",
        "measles",
        "mumps",
        "scabies",
        "series",
        "species",
        "news",
        "lens",
        "pancreas",
        "tetanus",
        "virus",
        "status",
        "aids",
        "gas",
        "bus",
        "bias",
        "atlas",
        "this",
        "has",
        "was",
        "is",
        "its",
        "as",
        "always",
        "perhaps",
        "whereas",
        "thus",
        "various",
        "previous",
        "hereinafter",
        "unless",
        "less",
        "across",
        "plus",
        "minus",
        "yes",
        "lupus",
        "nucleus",
        "fetus",
        "uterus",
        "bronchus",
        "thrombus",
        "embolus",
        "stenosis",
        "diagnosis",
        "sepsis",
        "psoriasis",
        "syphilis",
        "metastasis",
        "arthritis",
        "paralysis",
        "parkinsons",
    }
)


def verb_forms(verb: str) -> tuple[str, ...]:
    """The regular forms of a (lower-case) verb or multiword verb phrase, base form included.

    Only the first word is inflected ("lead to" -> "leads to", "led to" is not produced:
    irregular pasts are listed by hand where a pattern needs them).

    >>> verb_forms("induce")
    ('induce', 'induces', 'induced', 'inducing')
    """
    first, _, rest = verb.partition(" ")
    tail = f" {rest}" if rest else ""
    forms = [first]
    if first.endswith("e") and not first.endswith("ee"):
        forms += [first + "s", first + "d", first[:-1] + "ing"]
    elif first.endswith("y") and len(first) > 2 and first[-2] not in _VOWELS:
        forms += [first[:-1] + "ies", first[:-1] + "ied", first + "ing"]
    elif first.endswith(("s", "sh", "ch", "x", "z")):
        forms += [first + "es", first + "ed", first + "ing"]
    else:
        forms += [first + "s", first + "ed", first + "ing"]
        if _ends_cvc(first):
            forms += [first + first[-1] + "ed", first + first[-1] + "ing"]
    return tuple(dict.fromkeys(f + tail for f in forms))


def base_verb(word: str) -> str:
    """Undo a third-person -s on a synonym written as "induces" / "leads to" (else unchanged)."""
    first, _, rest = word.partition(" ")
    tail = f" {rest}" if rest else ""
    if first.endswith("ies") and len(first) > 4:
        return first[:-3] + "y" + tail
    if first.endswith(("sses", "shes", "ches", "xes", "zes")):
        return first[:-2] + tail
    if first.endswith("s") and not first.endswith("ss") and len(first) > 3:
        return first[:-1] + tail
    return word


def plural(noun: str) -> str:
    """Regular plural of the last word of ``noun`` ("heart attack" -> "heart attacks")."""
    head, sep, last = noun.rpartition(" ")
    lower = last.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        last = last + "es"
    elif lower.endswith("y") and len(lower) > 2 and lower[-2] not in _VOWELS:
        last = last[:-1] + "ies"
    else:
        last = last + "s"
    return f"{head}{sep}{last}"


def singular(noun: str) -> str:
    """Regular singular of the last word of ``noun``; words that only look plural stay as they are.

    >>> singular("seizures"), singular("arrhythmias"), singular("diabetes")
    ('seizure', 'arrhythmia', 'diabetes')
    """
    head, sep, last = noun.rpartition(" ")
    lower = last.lower()
    if (
        len(lower) <= 3
        or not lower.endswith("s")
        or lower in _NOT_PLURAL_WORDS
        or lower.endswith(_NOT_PLURAL_ENDINGS)
        or not last[:-1].isalpha()
        or (last.isupper() and len(last) <= 6)
    ):
        return noun
    if lower.endswith("ies") and len(lower) > 4:
        last = last[:-3] + ("Y" if last[-3].isupper() else "y")
    elif lower.endswith(("sses", "shes", "ches", "xes", "zes")):
        last = last[:-2]
    else:
        last = last[:-1]
    return f"{head}{sep}{last}"


def _ends_cvc(word: str) -> bool:
    """Short consonant-vowel-consonant verbs double their last letter ("stop" -> "stopped")."""
    return (
        len(word) >= 3
        and len(word) <= 4
        and word[-1] not in _VOWELS | {"w", "x", "y"}
        and word[-2] in _VOWELS
        and word[-3] not in _VOWELS
    )
