"""English and Chinese surface grammar for rendered text: articles, plurals, capitals, spacing.

Templates name entities exactly as the graph does, but a sentence still needs "an ACE
inhibitor", "3 drug classes" and a capital at its start. These helpers are exposed to the
templates as filters (``a``, ``plural``, ``cap``, ``the``) and applied to every rendered
question, answer and reasoning step by ``tidy``. They are rule-based, no model: good enough
for type labels and most names, and testable case by case (tests/generate/test_grammar.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

# ----------------------------------------------------------------- articles

#: Words spelt with a vowel but said with a consonant ("a user", "a one-off", "a European").
_CONSONANT_SOUND = re.compile(
    r"^(uni(?!n)|unan|use|usu|uti|ure|uro|eu|ewe|one(?!r)|once|ubiq|uk|ufo)", re.IGNORECASE
)
#: Words spelt with a consonant but said with a vowel ("an hour", "an honest").
_VOWEL_SOUND = re.compile(r"^(hour|honest|honou?r|heir)", re.IGNORECASE)
#: Letters whose spoken name starts with a vowel sound: "an MRI", "an NSAID", "an HIV test".
_VOWEL_LETTERS = set("AEFHILMNORSX")
_ARTICLE = re.compile(r"^(a|an|the|this|that|these|those)\s", re.IGNORECASE)
_INDEFINITE = re.compile(r"^(a|an)\s", re.IGNORECASE)
#: Prepositions that end a noun phrase's head or a relation label ("treated by").
PREPOSITIONS = frozenset(
    [
        "by",
        "of",
        "to",
        "with",
        "in",
        "for",
        "from",
        "at",
        "on",
        "into",
        "onto",
        "as",
        "against",
        "under",
        "over",
        "within",
        "about",
        "between",
    ]
)


@lru_cache(maxsize=8192)  # type labels and names repeat across a run
def indefinite_article(phrase: str) -> str:
    """``"a"`` or ``"an"`` for ``phrase``, by how its first word is said.

    Example:
        >>> indefinite_article("ACE inhibitor"), indefinite_article("drug"), indefinite_article("hour")
        ('an', 'a', 'an')
    """
    word = phrase.strip().split(" ", 1)[0].strip("\"'“”(")
    if not word:
        return "a"
    if word[0].isdigit():
        return "an" if _digits_say_vowel(word) else "a"
    if _is_initialism(word):
        return "an" if word[0].upper() in _VOWEL_LETTERS else "a"
    if _VOWEL_SOUND.match(word):
        return "an"
    if word[0].lower() in "aeiou":
        return "a" if _CONSONANT_SOUND.match(word) else "an"
    return "a"


def _is_initialism(word: str) -> bool:
    """Read letter by letter: all capitals ("MRI", "NSAID") or capitals mixed with digits ("H2")."""
    head = word.split("-", 1)[0]
    letters = re.sub(r"[^A-Za-z]", "", head)
    if len(letters) == 1:  # "X-ray", "T cell": a lone capital is said by its name
        return letters.isupper() and len(head) == 1
    # Acronyms said as words ("ACE", "AIDS", "OPEC") mostly start the same way as their letter
    # names; the known misses ("a NATO member") are rare in graph entity names.
    return letters.isupper()


def _digits_say_vowel(word: str) -> bool:
    """Numbers said with a vowel first: 8, 11, 18, 80..., 800..., 11,000, 18 million."""
    digits = re.match(r"[\d,]+", word)
    number = digits.group(0).replace(",", "") if digits else ""
    if number.startswith("8"):
        return True
    return number[:2] in ("11", "18") and len(number) % 3 == 2


def with_article(phrase: str) -> str:
    """``phrase`` with its indefinite article: "an ACE inhibitor"; unchanged if it already has one."""
    if _ARTICLE.match(phrase):
        return phrase
    return f"{indefinite_article(phrase)} {phrase}"


def bare(phrase: str) -> str:
    """``phrase`` without a leading "a"/"an": "a party to" -> "party to"."""
    return _INDEFINITE.sub("", phrase.strip(), count=1)


def plural_predicate(phrase: str) -> str:
    """A "be" phrase agreeing with a plural subject: "a party to" -> "parties to"; "treated by" stays."""
    return plural(bare(phrase)) if _INDEFINITE.match(phrase.strip()) else phrase


def with_the(phrase: str) -> str:
    """``phrase`` with "the", unless it already starts with an article: "the Supply Agreement"."""
    return phrase if _ARTICLE.match(phrase) else f"the {phrase}"


# ----------------------------------------------------------------- plurals

_IRREGULAR = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "foot": "feet",
    "tooth": "teeth",
    "mouse": "mice",
    "goose": "geese",
    "analysis": "analyses",
    "diagnosis": "diagnoses",
    "prognosis": "prognoses",
    "thesis": "theses",
    "criterion": "criteria",
    "phenomenon": "phenomena",
    "datum": "data",
    "medium": "media",
    "bacterium": "bacteria",
    "life": "lives",
    "knife": "knives",
    "wife": "wives",
    "leaf": "leaves",
    "half": "halves",
    "shelf": "shelves",
    "thief": "thieves",
    "hero": "heroes",
    "potato": "potatoes",
    "tomato": "tomatoes",
    "echo": "echoes",
    "veto": "vetoes",
    "index": "indices",
    "appendix": "appendices",
    "vertex": "vertices",
    "matrix": "matrices",
}
_UNCHANGED = {"series", "species", "sheep", "deer", "fish", "news", "data", "equipment", "information"}


def plural(noun: str, count: int = 2) -> str:
    """``noun`` in the plural unless ``count`` is 1; in a phrase, the head noun changes.

    The head is the last word, or the word before the first preposition ("adverse effects of",
    "parties to"): "drug class" -> "drug classes", "body part" -> "body parts".
    """
    if count == 1 or not noun.strip():
        return noun
    words = noun.split(" ")
    head = next((i - 1 for i, w in enumerate(words) if i > 0 and w.lower() in PREPOSITIONS), len(words) - 1)
    words[head] = _plural_word(words[head])
    return " ".join(words)


def _plural_word(word: str) -> str:
    lower = word.lower()
    if lower in _UNCHANGED or not word[-1:].isalpha():
        return word
    if lower in _IRREGULAR:
        return _match_case(word, _IRREGULAR[lower])
    if word.isupper() and len(word) > 1:  # acronyms: "NSAIDs"
        return word + "s"
    if re.search(r"(s|x|z|ch|sh)$", lower):
        return word + "es"
    if re.search(r"[^aeiou]y$", lower):
        return word[:-1] + "ies"
    return word + "s"


def _match_case(original: str, replacement: str) -> str:
    return replacement[:1].upper() + replacement[1:] if original[:1].isupper() else replacement


# ----------------------------------------------------------------- capitals and spacing

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SPACE_BEFORE_PUNCT = re.compile(r"\s+(?=[?.,!;:)\]%])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[])\s+")
_SPACE_AROUND_CJK_PUNCT = re.compile(r"[ \t]*([\u3000-\u303f\uff00-\uffef])[ \t]*")
#: Runs of spaces, tabs and no-break spaces that are not already one plain space (those stay).
_SPACES = re.compile(r"[ \t\u00a0]{2,}|[\t\u00a0]")
_WORD = re.compile(r"\S+")
#: What templates print (as ``{{ nl }}``) for a line break that must survive tidying.
LINE_BREAK = "\x1e"


def capitalise(text: str) -> str:
    """Upper-case the first letter, unless the first word is mixed-case on purpose ("mRNA", "iPhone")."""
    for position, char in enumerate(text):
        if char.isalpha():
            word = _WORD.match(text, position)
            rest = word.group(0)[1:] if word else ""
            # rest.islower(): no capital in it (the common case), so the scan can be skipped
            if char.isupper() or (not rest.islower() and any(c.isupper() for c in rest)):
                return text
            return text[:position] + char.upper() + text[position + 1 :]
        if not (char.isspace() or char in "\"'“‘(["):
            return text
    return text


def tidy(text: str, language: str = "en", *, sentence: bool = True) -> str:
    """Normalise spacing and the first capital of rendered text, per language.

    Templates are written for readability, so their output may carry line breaks, doubled
    spaces or a space before "?"; every rendered string goes through here once. Only the
    ``LINE_BREAK`` marker (``{{ nl }}`` in a template) becomes a line break in the output.
    With ``sentence=False`` (answers, which are often a bare entity name) the first letter is
    left as the graph spells it.
    """
    text = text.replace("\n", " ")  # a template's own line breaks are layout, not output
    if LINE_BREAK in text:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split(LINE_BREAK)]
        text = "\n".join(line for line in lines if line)
    else:  # the common case: one line
        text = _SPACES.sub(" ", text).strip()
    text = _SPACE_BEFORE_PUNCT.sub("", text)
    if "(" in text or "[" in text:
        text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    if language.startswith("zh"):
        return _SPACE_AROUND_CJK_PUNCT.sub(r"\1", text)
    return capitalise(text) if sentence else text


# ----------------------------------------------------------------- labels from names

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def words_of(name: str) -> str:
    """A schema name as words: "has_symptom" -> "has symptom", "birthPlace" -> "birth place".

    All-capital parts stay ("ATCCode" -> "ATC code"); others are lower-cased.
    """
    parts: list[str] = []
    for chunk in re.split(r"[_\-\s.]+", name.strip()):
        for word in _CAMEL.split(chunk):
            if word:
                parts.append(word if word.isupper() and len(word) > 1 else word.lower())
    return " ".join(parts)


def type_label(name: str, label: str = "") -> str:
    """How an entity type reads in an English sentence: "DrugClass" -> "drug class"."""
    if name == "Thing" and not label:
        return "entity"
    text = label.strip() or name
    return (
        words_of(text)
        if " " not in text
        else " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in text.split())
    )


__all__ = [
    "LINE_BREAK",
    "PREPOSITIONS",
    "bare",
    "capitalise",
    "indefinite_article",
    "plural",
    "plural_predicate",
    "tidy",
    "type_label",
    "with_article",
    "with_the",
    "words_of",
]
