"""How English says the common words of relation names, for schemas that bring no synonyms.

A schema derived from data (DBpedia predicates such as ``deathPlace``, ``leaderName``,
``starring``) has labels but no synonyms, and texts rarely use the label's own word:
"X died in Y", "Y is led by X", "X stars in Y". This table maps a word of a relation's
label to words and phrases that say it, written from general English usage (not from
any corpus); ``lexicon.RelationLexicon`` adds them to every relation whose label has the
word. Kept to words that say little else: "in" or "of" are never listed. A phrase that
may say several relations ("comes from": a region or a country) is listed under each, so
the graph picks the one it holds.
"""

from __future__ import annotations

#: Label word -> words or phrases (lower case) that say it.
PARAPHRASES: dict[str, tuple[str, ...]] = {
    "birth": ("born", "birthplace", "native of"),
    "death": ("died", "dies", "dead", "passed away", "deceased"),
    "leader": ("led", "leads", "lead by", "led by", "headed", "heads", "leadership"),
    "location": ("located", "situated", "lies", "sits", "found in", "based in", "set in"),
    "country": (
        "located",
        "situated",
        "national",
        "nation",
        "comes from",
        "come from",
        "originates",
        "found in",
    ),
    "city": ("located", "situated", "based in", "found in"),
    "state": ("located", "situated", "found in"),
    "nationality": ("citizen", "national"),
    "starring": ("stars", "starred", "star", "acted", "actor", "actress", "played by"),
    "creator": ("created", "creates", "made by", "invented"),
    "author": ("wrote", "written", "writer", "authored"),
    "designer": ("designed", "design"),
    "architect": ("designed", "design"),
    "operator": ("operated", "operates", "run by", "runs"),
    "owner": ("owned", "owns"),
    "ingredient": ("made with", "made from", "contains", "consists", "include", "includes"),
    "ingredients": ("made with", "made from", "contains", "consists", "include", "includes"),
    "region": ("comes from", "come from", "originates", "found in", "native"),
    "club": ("plays for", "played for", "player", "team"),
    "manager": ("managed", "manages", "coach", "coached"),
    "ground": ("stadium", "home ground", "plays at", "play at"),
    "language": ("speak", "spoken", "speaks"),
    "affiliation": ("affiliated",),
    "established": ("founded", "opened", "set up", "formed"),
    "founding": ("founded", "formed", "established"),
    "publisher": ("published", "publishes"),
    "award": ("awarded", "won", "received"),
    "awards": ("awarded", "won", "received"),
    "occupation": ("worked as", "served as", "employed as", "profession", "job"),
    "material": ("made of", "made from", "made with", "built of", "built from", "constructed"),
    "alma": ("graduated", "studied", "attended", "educated", "alumnus", "degree"),
    "mater": ("graduated", "studied", "attended", "educated", "alumnus", "degree"),
    "crew": ("flew", "mission", "crewed"),
    "served": ("serves", "serving"),
    "completion": ("completed", "built", "finished"),
    "start": ("began", "begun", "started", "commenced"),
    "building": ("built", "construction"),
    "floor": ("floors", "storeys", "stories"),
    "students": ("student",),
    "staff": ("employees", "employs", "academic staff"),
    "elevation": ("above sea level", "altitude", "high"),
    "population": ("inhabitants", "residents", "people live"),
    "tenant": ("home to", "used by"),
    "nickname": ("known as", "called", "nicknamed"),
    "alternative": ("known as", "also called", "aka", "alias"),
    "demonym": ("known as", "called", "people of"),
    "part": ("belongs to", "member of"),
    "league": ("plays in", "competes in", "competed in"),
    "retirement": ("retired",),
    "selected": ("chosen", "selection"),
    "motto": ("slogan",),
    "champions": ("won", "winners", "winner", "champion", "title holders"),
    "native": ("known as", "called", "locally"),
    "capital": ("capital city",),
    "currency": ("money",),
    "religion": ("religious",),
    "aired": ("broadcast", "aired", "shown"),
    "appearance": ("appeared", "appears", "debut", "debuted"),
    "genre": ("style",),
    "dean": ("headed by",),
    "president": ("presided",),
    "ethnic": ("ethnicity", "ethnic group"),
}
