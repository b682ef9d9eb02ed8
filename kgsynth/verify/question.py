"""A question and its answer read as a query over the graph: statements about named and unnamed entities.

A question is not a claim until its answer is put into it (issue 11). Each sentence of the
question is read as one statement ``subject -relation-> object`` whose ends are terms
(``question_terms.py``): named entities, or unnamed ones ("a certain drug", "this drug",
"which agreement"). The answer then fills the term asked for ("Name one symptom that
ifosfamide causes." + "vomiting"); a yes/no answer gives the polarity of the last sentence,
the question's proposition; of a multiple-choice question only the chosen option (by
letter or text) is the answer, the other options are no claims. The query is verified as a
path in the graph (``query_check.py``): "Warfarin treats a certain disease. This disease
is an adverse effect of ..." holds when some disease d has both facts. Count and comparison
questions ("How many drugs cause nausea?" + "4"; "Which treats more symptoms, A or B?") are
read as the question for the entities counted (``question_shapes.py``), and the graph's
count is compared with the answer. "Do A and B share an adverse effect?" is two statements about
one unnamed entity, with the relation its noun names (``question_share.py``).

A sentence is read in this order (``question_order.py`` decides which end is the subject):
its terms; "Is X a drug that ..." / "X is a symptom of ..." make X that unnamed entity;
its relation phrase (the lexicon's phrases outside the terms, else the relation whose word
stems it uses, else "has"/"the N of" with a relation whose label is that noun or whose
range is that type). A question some sentence of which cannot be read this way (no
relation, or not exactly two terms) is returned as None, and the caller checks it the old way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kgsynth.model import Schema
from kgsynth.nlp.facts import TextFacts
from kgsynth.verify.lexicon import RelationLexicon
from kgsynth.verify.link import StoreLinker
from kgsynth.verify.qa import AUXILIARIES, split_answer
from kgsynth.verify.question_order import find_relation, order
from kgsynth.verify.question_shapes import (
    HOW_MANY,
    MORE,
    compared_entities,
    count_answer,
    counted_var,
    joined_by_both,
)
from kgsynth.verify.question_share import ShareReader
from kgsynth.verify.question_terms import Atom, Term, TermFinder, VariableState
from kgsynth.verify.question_words import QuestionWords, question_words

_OPTION = re.compile(r"^[ \t]*\(?([A-Ha-h])[.):][ \t]+(\S.*?)[ \t]*$", re.MULTILINE)
_ANSWER_LETTER = re.compile(r"^\s*\(?([A-Ha-h])(?:[.):](?:\s+(.*))?)?\s*$", re.DOTALL)
_FINAL_ANSWER = re.compile(r"(?:^|\n)\s*(?:final\s+)?answer\s*:\s*(.+?)\s*$", re.IGNORECASE | re.DOTALL)
_SENTENCE_END = re.compile(r"[.?!](?=\s|$)")


@dataclass(frozen=True)
class Query:
    """A question's statements, the answer put into them, and the answer's polarity (yes/no only)."""

    text: str
    atoms: tuple[Atom, ...]
    answers: tuple[Term, ...] = ()
    polarity: bool | None = None
    rule: str = ""
    #: A count question ("How many drugs cause nausea?" + "4"): the number stated.
    count: int | None = None
    #: The variable whose distinct values are counted (count and comparison questions).
    counted: int | None = None
    #: A comparison ("Which treats more symptoms, A or B?"): the entities compared.
    candidates: tuple[Term, ...] = ()

    @property
    def asked(self) -> int | None:
        """The variable the answer fills, if the question asks for an entity."""
        return next((t.var for a in self.atoms for t in (a.subject, a.object) if t.asked), None)


class QuestionReader:
    """Reads QA pairs into queries with one schema's relation phrases and entity types."""

    def __init__(
        self,
        schema: Schema,
        linker: StoreLinker,
        lexicon: RelationLexicon,
        words: QuestionWords | None = None,
    ) -> None:
        self.schema = schema
        self.lexicon = lexicon
        self.words = words or question_words()
        self.terms = TermFinder(schema, linker, self.words, lexicon)
        self.shares = ShareReader(schema, lexicon, self.terms, self.words)
        #: Words that start a question's sentence: a dot before one ends the sentence even after "Ltd".
        self._starters = frozenset(
            {w.split()[0] for w in (*self.words.new, *self.words.back, *self.words.asked)}
            | set(self.words.ask_verbs)
            | AUXILIARIES
        )

    def read(self, question: str, answer: str, facts: TextFacts) -> Query | None:
        """The query ``question`` + ``answer`` make, or None when a sentence cannot be read."""
        how_many = HOW_MANY.search(question)
        if how_many is not None:
            return self._count(question, answer, facts, how_many)
        compared = compared_entities(question)
        if compared is not None:
            return self._comparison(question, answer, facts, compared)
        return self._read(question, answer, facts)

    def statement(self, text: str, facts: TextFacts) -> Query | None:
        """A text that is one sentence on what two entities share ("A and B share the side effect
        X."), read as its two statements; None for any other text (the claim reader reads it)."""
        spans = _sentences(text, len(text), self._starters)
        if len(spans) != 1 or text.rstrip().endswith("?"):
            return None
        state = VariableState.empty()
        atoms = self._sentence(text, *spans[0], facts, state)
        if not atoms or any(a.rule != "question:share" for a in atoms) or any(t.asked for t in state.terms):
            return None
        return Query(text, tuple(atoms), rule="text:share")

    def _count(self, question: str, answer: str, facts: TextFacts, how_many: re.Match[str]) -> Query | None:
        """ "How many drugs cause nausea?" + "4": read as "Which drugs cause nausea?", the answer a number."""
        number = count_answer(_final_answer(answer))
        if number is None:
            return None
        a, b = how_many.span(1)
        asked = self._read(question[:a] + "which".ljust(b - a) + question[b:], "", facts, open_answer=True)
        if asked is None or asked.asked is None:
            return None
        return replace(asked, text=question, count=number, counted=asked.asked, rule="qa:count")

    def _comparison(
        self, question: str, answer: str, facts: TextFacts, compared: tuple[int, int, list[tuple[int, int]]]
    ) -> Query | None:
        """ "Which treats more symptoms, A or B?" + "B": the entity asked for is one of A and B, and the
        noun after "more" is what is counted for each."""
        start, end, spans = compared
        blanked = question[:start] + " " * (end - start) + question[end:]
        read = self._read(blanked, "", facts, open_answer=True, outside=(start, end))
        more = counted_var(blanked, read)
        if read is None or more is None:
            read, more = self._more_of_relation(blanked, start, spans), 1
        if read is None or read.asked is None:
            return None
        type_name = next(
            (t.type for a in read.atoms for t in (a.subject, a.object) if t.var == read.asked), None
        )
        candidates = tuple(self.terms.answer(question[s:e], type_name, s) for s, e in spans)
        chosen = _chosen(_final_answer(answer), {})
        if chosen is None:
            return None
        picked = [c for c in candidates if c.text.casefold() == chosen.casefold()]
        if not picked:
            reply = self.terms.answer(chosen, type_name, len(question) + 1)
            picked = [c for c in candidates if set(c.ids) & set(reply.ids)]
        if len(picked) != 1:
            return None
        return replace(
            read,
            text=question,
            answers=(picked[0],),
            counted=more,
            candidates=candidates,
            rule="qa:comparison",
        )

    def _more_of_relation(self, text: str, end: int, spans: list[tuple[int, int]]) -> Query | None:
        """ "Which has more known interactions, A or B?": the words after "more" name a relation;
        what is counted is its other end (the compared entity's side decided by the schema's types)."""
        more = MORE.search(text, 0, end)
        if more is None:
            return None
        # "more effective dates": the relation's phrase is in the singular ("effective date")
        singular = text[: more.end()] + re.sub(r"(?<=\w\w\w)s\b", " ", text[more.end() : end]) + text[end:]
        relation = find_relation(singular, more.end(), end, [], self.lexicon, self.schema, self.terms)
        if relation is None:
            return None
        asked = Term("var", text[: more.start()].strip(), 0, more.start(), None, var=0, asked=True)
        counted = Term("var", text[more.start() : end].strip(), more.start(), end, None, var=1)
        kinds = {self._type_named(text, s, e) for s, e in spans} - {None}
        domain = self.schema.relation_type(relation.name).domain
        first = not domain or not kinds or any(self.schema.is_a(k, d) for k in kinds for d in domain)
        subject, object_ = (asked, counted) if first else (counted, asked)
        return Query(text, (Atom(subject, relation.name, object_, 0, end, "question:more_of_relation"),))

    def _type_named(self, text: str, start: int, end: int) -> str | None:
        """The type of the entity ``text[start:end]`` names, if it names one."""
        term = self.terms.answer(text[start:end], None, start)
        return term.type if term.ids else None

    def _read(
        self,
        question: str,
        answer: str,
        facts: TextFacts,
        *,
        open_answer: bool = False,
        outside: tuple[int, int] | None = None,
    ) -> Query | None:
        """The query of a question; ``open_answer``: only the statements and the entity asked for."""
        if outside is not None:
            facts = facts.model_copy(
                update={
                    "mentions": tuple(m for m in facts.mentions if not outside[0] <= m.start < outside[1])
                }
            )
        stem_end, options = _options(question)
        reply, polarity = split_answer(_final_answer(answer))
        state = VariableState.empty()
        atoms: list[Atom] = []
        for start, end in _sentences(question, stem_end, self._starters):
            if self._asks_back(question[start:end]):
                # "X can treat several conditions. Name one of them.": the answer is that unnamed entity.
                if not _ask_last(atoms, state):
                    return None
                continue
            read = self._sentence(question, start, end, facts, state)
            if read is None:
                return None
            atoms += read
        if not atoms:
            return None
        atoms = [_asking(a, state) for a in atoms]
        asked = [t for t in state.terms if t.asked]
        if open_answer:
            return Query(question, tuple(atoms)) if len(asked) == 1 else None
        yes_no = question[atoms[-1].start : atoms[-1].end].split()[:1]
        if polarity is not None and not reply and not asked:
            is_question = bool(yes_no) and yes_no[0].lower() in AUXILIARIES
            return Query(question, tuple(atoms), polarity=polarity, rule="qa:yes_no") if is_question else None
        if not asked or polarity is not None:
            return None
        chosen = _chosen(reply or answer, options)
        if chosen is None:
            return None
        at = len(question) + 1
        names = self._answer_names(chosen, asked[0].type, at)
        if not names:
            return None
        rule = "qa:multiple_choice" if options else "qa:asked"
        return Query(question, tuple(atoms), answers=tuple(names), rule=rule)

    def _asks_back(self, sentence: str) -> bool:
        """Whether the sentence only asks for the entity just introduced ("Name one of them.")."""
        said = " ".join(re.findall(r"[\w']+", sentence.lower()))
        return any(said == f"{verb} {back}" for verb in self.words.ask_verbs for back in self.words.ask_back)

    def _sentence(
        self, text: str, start: int, end: int, facts: TextFacts, state: VariableState
    ) -> list[Atom] | None:
        state.next_sentence()
        variables = self.terms.variables(text, start, end, state)
        mentions = [m for m in facts.mentions if start <= m.start and m.end <= end]
        terms = sorted(variables + self.terms.entities(mentions, variables), key=lambda t: t.start)
        terms = _appositions(text, terms, state)
        terms = self._noun_of_value(text, terms, state)
        shared = self.shares.atoms(text, start, end, terms, state)
        if shared is not None:
            return shared  # "Do A and B share an adverse effect?": A -p- x and B -p- x
        both = joined_by_both(text, terms)
        if both is not None:
            # "Is there a disease that both A and B treat?": the same statement of A and of B.
            first, second = both
            atoms: list[Atom] = []
            for other in (second, first):
                blanked = text[: other.start] + " " * (other.end - other.start) + text[other.end :]
                read = self._clause(blanked, start, end, [t for t in terms if t is not other], state)
                if read is None:
                    return None
                atoms += read
            return atoms
        split = self._relative_clause(text, terms)
        if split is not None:
            # "Name a symptom of a disease that lisinopril is used to treat": two statements, the
            # middle term shared ("a symptom of a disease"; "a disease that lisinopril ... treat").
            head = self._clause(text, start, split, terms[:2], state)
            tail = self._clause(text, terms[1].start, end, terms[1:], state)
            return head + tail if head is not None and tail is not None else None
        return self._clause(text, start, end, terms, state)

    def _noun_of_value(self, text: str, terms: list[Term], state: VariableState) -> list[Term]:
        """ "The drug class of a certain drug is X", "Is X the drug class of this drug?": "the N of T"
        is the relation N, not an unnamed entity, and X is its value (it takes the noun's place)."""
        if len(terms) != 3:
            return terms
        for i in (0, 1):
            noun, owner = terms[i], terms[i + 1]
            value = terms[2] if i == 0 else terms[0]
            fresh = noun.kind == "var" and (noun.var or 0) >= state.before_sentence and not noun.asked
            of = text[noun.end : owner.start].strip().lower() == "of"
            gap = text[owner.end : value.start] if i == 0 else text[value.end : noun.start]
            copula = gap.strip().lower() in ("", "is", "are", "was", "were")
            starts_the = text[noun.start : noun.end].lower().startswith("the ")
            if fresh and of and copula and starts_the:
                merged = replace(value, start=noun.start, end=noun.end, type=value.type or noun.type)
                return [merged, owner]
        return terms

    def _relative_clause(self, text: str, terms: list[Term]) -> int | None:
        """Where a relative clause on the second of three terms starts ("a disease that X treats")."""
        if len(terms) != 3:
            return None
        between = text[terms[1].end : terms[2].start].split()
        if between and between[0].lower() in self.words.relative_words:
            return terms[1].end
        return None

    def _clause(
        self, text: str, start: int, end: int, terms: list[Term], state: VariableState
    ) -> list[Atom] | None:
        relation = find_relation(text, start, end, terms, self.lexicon, self.schema, self.terms)
        if relation is None:
            return None
        if len(terms) == 1 and relation.of_after and terms[0].start > relation.end:
            # "Name the expiration date of this agreement": the asked entity is the relation's noun.
            type_name = next(iter(self.schema.relation_type(relation.name).range), None)
            asked = state.term(
                text[relation.start : relation.end],
                (relation.start, relation.end),
                type_name,
                "",
                True,
                self.words,
            )
            terms = [asked, terms[0]]
        if len(terms) != 2:
            return None
        subject, object_, rule = order(text, start, end, terms, relation, self.schema, self.words)
        return [Atom(subject, relation.name, object_, start, end, rule)]

    def _answer_names(self, reply: str, type_name: str | None, at: int) -> list[Term]:
        """The names a (list) answer gives: the longest runs of its pieces that name a graph entity
        ("Randy and the Mob" stays one title; "A, B and C" are three)."""
        whole = self.terms.answer(reply, type_name, at)
        if whole.ids:
            return [whole]
        longest_first = sorted(self.words.answer_separators, key=len, reverse=True)
        separators = "|".join(re.escape(s) for s in longest_first)
        parts = re.split(f"({separators})", reply)
        pieces, glue = parts[0::2], parts[1::2]
        if len(pieces) < 2:
            return [whole]
        names: list[Term] = []
        i = 0
        while i < len(pieces):
            for j in range(len(pieces), i, -1):
                run = enumerate(pieces[i:j], i)
                text = "".join(p + (glue[k] if k < j - 1 else "") for k, p in run).strip()
                term = self.terms.answer(text, type_name, at)
                if term.ids or j == i + 1:
                    names.append(term)
                    i = j
                    break
        return [n for n in names if n.text]


def _ask_last(atoms: list[Atom], state: VariableState) -> bool:
    """Make the last unnamed entity of the question so far the one asked for; False if there is none."""
    if any(t.asked for t in state.terms):
        return True  # "Which law governs it? Name one if there are several.": already asked
    last = next((t for t in reversed(state.terms) if t.kind == "var" and t.var is not None), None)
    if last is None or not atoms:
        return False
    state.terms[last.var or 0] = replace(last, asked=True)
    return True


def _asking(atom: Atom, state: VariableState) -> Atom:
    """The atom with its variables marked asked as ``state`` now has them."""

    def marked(term: Term) -> Term:
        if term.kind == "var" and term.var is not None and state.terms[term.var].asked and not term.asked:
            return replace(term, asked=True)
        return term

    return replace(atom, subject=marked(atom.subject), object=marked(atom.object))


def _appositions(text: str, terms: list[Term], state: VariableState) -> list[Term]:
    """ "Is X a drug that ...", "X is a symptom of ...": the new unnamed entity right after X is X."""
    out: list[Term] = []
    for term in terms:
        previous = out[-1] if out else None
        between = text[previous.end : term.start].strip().lower() if previous else ""
        if (
            previous is not None
            and previous.kind == "var"
            and previous.asked
            and previous.type is None
            and term.kind == "var"
            and not term.asked
            and text[term.start : term.end].lower().split()[0] in ("a", "an")
            and between in ("is", "are", "was", "were")
        ):
            # "Which of these is a symptom of X?": the entity asked for is that symptom.
            typed = replace(previous, type=term.type)
            state.terms[previous.var or 0] = state.terms[term.var or 0] = typed
            out[-1] = typed
            continue
        if (
            previous is not None
            and previous.kind == "entity"
            and term.kind == "var"
            and not term.asked
            and text[term.start : term.end].lower().split()[0] in ("a", "an")
            and between in ("", "is", "are", "was", "were")
        ):
            state.terms[term.var or 0] = replace(previous, text=previous.text)
            out[-1] = replace(previous, end=term.end) if not between else previous
            continue
        out.append(_resolved(term, state))
    return out


def _resolved(term: Term, state: VariableState) -> Term:
    """A variable that an apposition made a named entity is that entity."""
    if term.kind == "var" and term.var is not None and state.terms[term.var].kind == "entity":
        named = state.terms[term.var]
        return replace(named, start=term.start, end=term.end)
    return term


def _options(question: str) -> tuple[int, dict[str, str]]:
    """Where the question's stem ends, and its lettered options (``{"A": "bipolar disorder"}``)."""
    options = {m.group(1).upper(): m.group(2) for m in _OPTION.finditer(question)}
    if len(options) < 2:
        return len(question), {}
    return next(_OPTION.finditer(question)).start(), options


def _chosen(reply: str, options: dict[str, str]) -> str | None:
    """The answer's text: a lettered option's text when the question has options."""
    if not options:
        return reply.strip().rstrip(".").strip() or None
    letter = _ANSWER_LETTER.match(reply)
    if letter and letter.group(1).upper() in options:
        return options[letter.group(1).upper()]
    wanted = reply.strip().rstrip(".").strip().lower()
    return next((text for text in options.values() if text.lower() == wanted), None)


def _final_answer(answer: str) -> str:
    """The answer after a reasoning chain's last "Answer:" line, else the answer as given."""
    found = _FINAL_ANSWER.search(answer)
    return found.group(1) if found and "\n" in answer else answer


def _sentences(text: str, end: int, starters: frozenset[str]) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text, 0, end):
        following = text[match.end() : end].split()[:1]
        starts = bool(following) and following[0][:1].isupper() and following[0].lower() in starters
        if match.group() == "." and _abbreviation_before(text, match.start()) and not starts:
            continue
        spans.append((start, match.end()))
        start = match.end()
    if text[start:end].strip():
        spans.append((start, end))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans if text[s:e].strip()]


def _abbreviation_before(text: str, at: int) -> bool:
    """A dot of "Inc." or "N.V." (a capitalised short word or an initial) ends no sentence."""
    word = re.search(r"(\S+)$", text[:at])
    token = word.group(1) if word else ""
    return bool(token) and ((len(token) <= 3 and token[:1].isupper()) or "." in token)
