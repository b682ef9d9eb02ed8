"""Other ways English writes a place's name: demonyms, common short forms and abbreviations.

"Buzz Aldrin was an American" names the United States; "the U.S. Navy" and "a UK band"
do too. Place names also shorten their common words ("St. Louis" for Saint Louis, "Mt.
Hood", "Ft. Worth"), and US states their names in the AP style ("St. Paul, Minn."): both
are expanded, and "Saint"/"Mount"/"Fort" are shortened, since a graph may store either.
Written from general knowledge, not from any corpus, and kept small: the countries and a
few regions texts most often name this way. The graph-guided linker (``neighbour_link.py``)
uses it to expand a mention before comparing it with the names of the entities around the
ones already linked, so "American" only ever links to an entity whose name contains
"United States".
"""

from __future__ import annotations

import re

#: Place name -> the words that stand for it (demonyms, their plurals, abbreviations).
PLACE_FORMS: dict[str, tuple[str, ...]] = {
    "United States": ("American", "Americans", "US", "U.S.", "U.S", "USA", "U.S.A.", "America"),
    "United Kingdom": ("British", "Briton", "Britons", "UK", "U.K.", "Britain"),
    "England": ("English",),
    "Scotland": ("Scottish", "Scots"),
    "Wales": ("Welsh",),
    "Ireland": ("Irish",),
    "Canada": ("Canadian", "Canadians"),
    "Mexico": ("Mexican", "Mexicans"),
    "Brazil": ("Brazilian", "Brazilians"),
    "Argentina": ("Argentine", "Argentinian", "Argentinians"),
    "France": ("French",),
    "Germany": ("German", "Germans"),
    "Italy": ("Italian", "Italians"),
    "Spain": ("Spanish", "Spaniard", "Spaniards"),
    "Portugal": ("Portuguese",),
    "Netherlands": ("Dutch",),
    "Belgium": ("Belgian", "Belgians"),
    "Denmark": ("Danish", "Dane", "Danes"),
    "Sweden": ("Swedish", "Swede", "Swedes"),
    "Norway": ("Norwegian", "Norwegians"),
    "Finland": ("Finnish", "Finn", "Finns"),
    "Poland": ("Polish", "Pole", "Poles"),
    "Greece": ("Greek", "Greeks"),
    "Turkey": ("Turkish", "Turk", "Turks"),
    "Russia": ("Russian", "Russians"),
    "Ukraine": ("Ukrainian", "Ukrainians"),
    "Austria": ("Austrian", "Austrians"),
    "Switzerland": ("Swiss",),
    "Romania": ("Romanian", "Romanians"),
    "Hungary": ("Hungarian", "Hungarians"),
    "Czech Republic": ("Czech", "Czechs"),
    "Azerbaijan": ("Azerbaijani", "Azerbaijanis", "Azeri"),
    "India": ("Indian", "Indians"),
    "Pakistan": ("Pakistani", "Pakistanis"),
    "China": ("Chinese",),
    "Japan": ("Japanese",),
    "Korea": ("Korean", "Koreans"),
    "Indonesia": ("Indonesian", "Indonesians"),
    "Malaysia": ("Malaysian", "Malaysians"),
    "Philippines": ("Filipino", "Filipinos", "Philippine"),
    "Thailand": ("Thai",),
    "Vietnam": ("Vietnamese",),
    "Australia": ("Australian", "Australians"),
    "New Zealand": ("New Zealander", "New Zealanders"),
    "South Africa": ("South African", "South Africans"),
    "Egypt": ("Egyptian", "Egyptians"),
    "Israel": ("Israeli", "Israelis"),
    "Iran": ("Iranian", "Iranians", "Persian"),
    "Iraq": ("Iraqi", "Iraqis"),
    "Nigeria": ("Nigerian", "Nigerians"),
    "Ottoman Empire": ("Ottoman", "Ottomans"),
    "Soviet Union": ("Soviet", "USSR", "U.S.S.R."),
    "European Union": ("European", "EU", "E.U."),
}

#: US states -> their AP-style abbreviations (only those with a dot or longer than two letters:
#: postal codes such as "IN", "OR" and "ME" are ordinary words too).
STATE_FORMS: dict[str, tuple[str, ...]] = {
    "Alabama": ("Ala.",), "Arizona": ("Ariz.",), "Arkansas": ("Ark.",), "California": ("Calif.",),
    "Colorado": ("Colo.",), "Connecticut": ("Conn.",), "Delaware": ("Del.",), "Florida": ("Fla.",),
    "Georgia": ("Ga.",), "Illinois": ("Ill.",), "Indiana": ("Ind.",), "Kansas": ("Kan.", "Kans."),
    "Kentucky": ("Ky.",), "Louisiana": ("La.",), "Maryland": ("Md.",), "Massachusetts": ("Mass.",),
    "Michigan": ("Mich.",), "Minnesota": ("Minn.",), "Mississippi": ("Miss.",), "Missouri": ("Mo.",),
    "Montana": ("Mont.",), "Nebraska": ("Neb.", "Nebr."), "Nevada": ("Nev.",), "New Hampshire": ("N.H.",),
    "New Jersey": ("N.J.",), "New Mexico": ("N.M.",), "New York": ("N.Y.",), "North Carolina": ("N.C.",),
    "North Dakota": ("N.D.",), "Oklahoma": ("Okla.",), "Oregon": ("Ore.",), "Pennsylvania": ("Pa.", "Penn."),
    "Rhode Island": ("R.I.",), "South Carolina": ("S.C.",), "South Dakota": ("S.D.",),
    "Tennessee": ("Tenn.",), "Texas": ("Tex.",), "Vermont": ("Vt.",), "Virginia": ("Va.",),
    "Washington": ("Wash.",),
    "West Virginia": ("W.Va.",), "Wisconsin": ("Wis.", "Wisc."), "Wyoming": ("Wyo.",),
}  # fmt: skip
#: Words place names shorten, both ways: a text may write either, and so may the graph.
_WORD_FORMS: dict[str, str] = {
    "st": "Saint",
    "saint": "St.",
    "mt": "Mount",
    "mount": "Mt.",
    "ft": "Fort",
    "fort": "Ft.",
}
_BY_FORM: dict[str, str] = {form.casefold(): place for place, forms in PLACE_FORMS.items() for form in forms}
#: With their dot only: without it "Miss", "Ill" and "Mass" are ordinary words.
_STATE_BY_FORM: dict[str, str] = {
    form.casefold(): state for state, forms in STATE_FORMS.items() for form in forms
}
_WORDISH = re.compile(r"[\w.]+")


def place_expansions(text: str) -> list[str]:
    """``text`` with each demonym or short form replaced by its place: "US Navy" -> ["United States Navy"].

    Empty when no word of ``text`` is such a form.
    """
    words = _WORDISH.findall(text)
    replaced = [_replacement(w) for w in words]
    if replaced == words:
        return []
    return [" ".join(replaced)]


def _replacement(word: str) -> str:
    folded = word.casefold()
    bare = folded.rstrip(".")
    return (
        _BY_FORM.get(folded)
        or _BY_FORM.get(bare)
        or _STATE_BY_FORM.get(folded)
        or _WORD_FORMS.get(bare)
        or word
    )
