"""A question and its answer combined into one declarative statement, by a few plain rules.

The claim reader works on statements, so a QA pair is first rewritten (no parser needed;
the verb is found with the schema's trigger phrases, see ``lexicon.RelationLexicon``):

* a yes/no question ("Does aspirin treat headache?", "Is aspirin indicated for X?", "Can
  X cause Y?") answered yes becomes the statement with the auxiliary put back before the
  verb ("aspirin treats headache", "aspirin is indicated for X"); answered no, the same
  with "not" ("aspirin does not treat headache"). Without a recognisable verb the
  auxiliary goes before the first article ("Is aspirin an NSAID?" -> "aspirin is an
  NSAID"), else the body is prefixed "it is (not) true that".
* a wh-question whose wh-phrase is the subject ("Which drug treats headache?", "What is
  treated by aspirin?") gets the answer in place of the wh-phrase;
* a wh-question with an auxiliary after the wh-phrase asks for an object ("What does
  aspirin treat?", "What is aspirin used to treat?", "Where is X located?"): the body with
  its auxiliary restored, then the answer ("where"/"when" add "in");
* a copular "What is X?" / "Who is the leader of X?" becomes "X is ANSWER";
* an answer that is a sentence of its own (five words or more, after any "Yes,"/"No,")
  is checked as it stands; its yes/no prefix is dropped;
* a request for an explanation ("Explain how X is related to Y.", "How is X connected to
  Y?", "What links X to Y?", "What is the relationship between X and Y?") asserts nothing:
  its answer, however short, is checked alone ("How is X related to Y?" must not be read as
  "X is related to Y", which the medical ontology's "related to" pattern would take for a
  causal claim).

Anything else is checked as "question answer" and will usually yield no claim, which the
result then says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kgsynth.nlp.morphology import verb_forms
from kgsynth.verify.lexicon import RelationLexicon

_DO = frozenset({"do", "does", "did"})
_BE = frozenset({"is", "are", "was", "were", "be"})
_HAVE = frozenset({"has", "have", "had"})
_MODALS = frozenset({"can", "could", "will", "would", "shall", "should", "may", "might", "must"})
AUXILIARIES = _DO | _BE | _HAVE | _MODALS
_WH = frozenset({"what", "which", "who", "whom", "whose", "where", "when"})
_ARTICLES = frozenset({"a", "an", "the"})
_YES = frozenset({"yes", "true", "correct", "right", "indeed", "yep", "yeah", "y"})
_NO = frozenset({"no", "false", "incorrect", "wrong", "not", "nope", "n"})
_TOKEN = re.compile(r"\w[\w'.-]*\w|\w|[^\w\s]")
_SENTENCE_ANSWER_WORDS = 5
_EXPLANATION_REQUEST = re.compile(
    r"^(?:please\s+)?(?:explain|describe)\b"
    r"|^how\s+(?:is|are|was|were|do|does|did)\b.*\b(?:related|connected|linked)\b"
    r"|^what\s+(?:links|connects|relates)\b"
    r"|^what\s+(?:is|are)\s+the\s+(?:relationship|relation|connection|link)s?\s+between\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Statement:
    """The statement a QA pair makes, and the rule that made it."""

    text: str
    rule: str


def qa_statement(question: str, answer: str, lexicon: RelationLexicon) -> Statement:
    """Combine ``question`` and ``answer`` into one statement (see the module docstring).

    Example:
        >>> from kgsynth.model import RelationType, Schema
        >>> lexicon = RelationLexicon(Schema(relation_types=(RelationType(name="treats"),)))
        >>> qa_statement("What does aspirin treat?", "headache", lexicon).text
        'aspirin treats headache'
    """
    if _EXPLANATION_REQUEST.search(question.strip()):
        return Statement(answer.strip(), "qa:explanation")
    words = _TOKEN.findall(question.strip().rstrip("?").strip())
    reply, polarity = split_answer(answer)
    if len(reply.split()) >= _SENTENCE_ANSWER_WORDS:
        return Statement(reply, "qa:answer_sentence")
    if not words:
        return Statement(reply, "qa:answer_only")
    first = words[0].lower()
    if first in AUXILIARIES and polarity is not None:
        return Statement(_yes_no(words, polarity, lexicon), "qa:yes_no")
    if first in _WH:
        made = _wh(words, reply, lexicon)
        if made is not None:
            return made
    return Statement(f"{' '.join(words)} {reply}".strip(), "qa:fallback")


def split_answer(answer: str) -> tuple[str, bool | None]:
    """The answer without a leading yes/no word, and that word's polarity (None if there is none)."""
    text = answer.strip()
    match = re.match(r"^\s*([A-Za-z]+)\b[\s,.!;:-]*", text)
    if match and match.group(1).lower() in _YES | _NO:
        polarity = match.group(1).lower() in _YES
        return text[match.end() :].strip(), polarity
    return text, None


def _yes_no(words: list[str], positive: bool, lexicon: RelationLexicon) -> str:
    aux, body = words[0].lower(), words[1:]
    found = lexicon.first_phrase(body)
    if found is not None and found[0] > 0:
        start = found[0]
        if aux in _DO:
            verb = body[start] if not positive else _inflect(body[start], aux)
            middle = [verb] if positive else [aux, "not", verb]
            return _join(body[:start] + middle + body[start + 1 :])
        return _join(body[:start] + [aux] + ([] if positive else ["not"]) + body[start:])
    article = next((i for i, w in enumerate(body) if i > 0 and w.lower() in _ARTICLES), None)
    if article is not None and aux not in _DO:
        return _join(body[:article] + [aux] + ([] if positive else ["not"]) + body[article:])
    return ("it is true that " if positive else "it is not true that ") + _join(body)


def _wh(words: list[str], reply: str, lexicon: RelationLexicon) -> Statement | None:
    wh, rest = words[0].lower(), words[1:]
    aux_at = next((i for i, w in enumerate(rest) if w.lower() in AUXILIARIES), None)
    found = lexicon.first_phrase(rest)
    if found is not None and (aux_at is None or found[0] < aux_at):
        # "Which drug treats headache?": the wh-phrase is the subject.
        return Statement(_join([reply, *rest[found[0] :]]), "qa:wh_subject")
    if aux_at is None:
        return None
    aux, before, body = rest[aux_at].lower(), rest[:aux_at], rest[aux_at + 1 :]
    in_body = lexicon.first_phrase(body)
    if aux in _BE and in_body is not None and in_body[0] == 0:
        # "Which disease is treated by aspirin?", "What is treated by aspirin?"
        return Statement(_join([reply, aux, *body]), "qa:wh_subject")
    if (
        aux in _BE
        and not before
        and in_body is None
        and wh in ("what", "who", "which")
        and not _participle(body)
    ):
        return Statement(_join([*body, aux, reply]), "qa:wh_copula")  # "Who is the leader of X?"
    tail = (["in"] if wh in ("where", "when") else []) + [reply]
    if in_body is not None and in_body[0] > 0:
        at = in_body[0]
        if aux in _DO:
            return Statement(
                _join([*body[:at], _inflect(body[at], aux), *body[at + 1 :], *tail]), "qa:wh_object"
            )
        return Statement(_join([*body[:at], aux, *body[at:], *tail]), "qa:wh_object")
    if aux in _DO:
        return Statement(_join(body + tail), "qa:wh_object")
    if len(body) >= 2 and _participle(body):
        # "When was X born?" -> "X was born in ..."
        return Statement(_join([*body[:-1], aux, body[-1], *tail]), "qa:wh_object")
    return Statement(_join([*body, aux, *tail]), "qa:wh_object")


def _participle(body: list[str]) -> bool:
    """Whether the body ends in a past participle ("located", "born", "written"), by its ending."""
    return bool(body) and body[-1].lower().endswith(("ed", "en", "wn", "rn"))


def _inflect(verb: str, aux: str) -> str:
    """The verb as "does"/"did" would have it: "treat" -> "treats" / "treated"; "do" keeps the base."""
    lower = verb.lower()
    if aux == "do":
        return verb
    forms = verb_forms(lower)
    if aux == "does":
        return forms[1] if len(forms) > 1 else lower
    past = [f for f in forms if f.endswith("ed")]
    return past[0] if past else lower


def _join(words: list[str]) -> str:
    text = " ".join(w for w in words if w)
    return re.sub(r"\s+([,.;:!?)])", r"\1", re.sub(r"([(])\s+", r"\1", text)).strip()
