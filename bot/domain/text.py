"""
Text rules: forgiving name matching, safe display of user text, and splitting long text into pages.

Matching is forgiving and storage is exact: names are stored as typed and compared through
``normalise()``, so ``Yorkshire & Humberside`` is found by ``yorkshire and humberside`` and ``Zoë`` by
``zoe``. Everything here is pure: no Discord, no I/O, no clock.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import fuzz, process

from bot.errors import Conflict, InvalidInput, NotFound

T = TypeVar("T")

#: Scores of the match tiers, best first. A fuzzy hit scores ``FUZZY_SCALE * similarity``, which is always
#: below ``SUBSTRING``; an empty query scores ``EMPTY`` for every name.
EXACT = 1.0
COMPACT = 0.95
PREFIX = 0.9
WORD_PREFIX = 0.8
SUBSTRING = 0.6
FUZZY_SCALE = 0.5
EMPTY = 0.1

#: The tiers precise enough for ``resolve()`` to pick a single hit without asking.
_RESOLVING_TIERS = (EXACT, COMPACT, PREFIX, WORD_PREFIX)

#: How similar (rapidfuzz's ``fuzz.ratio`` over 100: twice the longest common subsequence over the two lengths,
#: 0..1) a name must be to count as a fuzzy match.
FUZZY_THRESHOLD = 0.6

_ZWSP = "\u200b"


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """
    Return the forgiving match key of ``text``.

    Case is folded, accents are dropped (NFKD, combining marks removed), ``&`` reads as ``and``, and
    every other character that is not a letter, digit or (non-accent) mark (punctuation such as ``/ - ' ’ ( ) +``,
    symbols, emoji) becomes a word break; runs of spaces collapse and the ends are stripped. So
    ``Cymru/Wales`` becomes ``cymru wales`` and ``LGBT+`` becomes ``lgbt``. The result is idempotent:
    ``normalise(normalise(x)) == normalise(x)``.
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    out: list[str] = []
    for char in folded:
        if unicodedata.combining(char):
            continue
        if char == "&":
            out.append(" and ")
        elif unicodedata.category(char)[0] in "LNM":
            out.append(char)
        else:
            out.append(" ")
    # A second fold catches the few characters whose decomposition is not yet casefolded.
    result = " ".join("".join(out).split())
    again = unicodedata.normalize("NFKD", result.casefold())
    if again != result:
        return normalise(again)
    return result


@lru_cache(maxsize=16384)
def _name_form(name: str) -> tuple[str, str, tuple[str, ...]]:
    """
    The match key of a stored name, that key without spaces, and its words.

    Cached because autocomplete scores the same guild's names on every keystroke; the tuple is never mutated.
    """
    key = normalise(name)
    return key, key.replace(" ", ""), tuple(key.split())


@dataclass(frozen=True, slots=True)
class _Query:
    """A normalised query, prepared once and scored against many names."""

    text: str
    compact: str
    words: tuple[str, ...]
    #: What was typed, case-folded, when it holds only symbols (``%``, ``_``): those are matched literally.
    symbols: str = ""
    #: Each name word seen so far and its similarity to each query word: a guild's names share few words
    #: (first names, surnames, numbers), so most are scored once per query rather than once per name.
    _word_scores: dict[str, tuple[float, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, query: str) -> "_Query":
        """Prepare ``query``: its match key, the key without spaces, its words, or the symbols typed."""
        text = normalise(query)
        symbols = "" if text else " ".join(query.casefold().split())
        return cls(text=text, compact=text.replace(" ", ""), words=tuple(text.split()), symbols=symbols)

    def score(self, name: str) -> float | None:
        """Score one name; cheap tiers first, fuzzy similarity only when none of them matched."""
        if not self.text:
            # Symbols alone (``%``) must not read as an empty query, which would offer every name.
            if self.symbols:
                return SUBSTRING if self.symbols in name.casefold() else None
            return EMPTY
        key, compact, name_words = _name_form(name)
        if not key:
            return None
        if key == self.text:
            return EXACT
        if compact == self.compact:
            return COMPACT
        if key.startswith(self.text) or compact.startswith(self.compact):
            return PREFIX
        if all(any(word.startswith(part) for word in name_words) for part in self.words):
            return WORD_PREFIX
        if self.compact in compact:
            return SUBSTRING
        similarity = self._similarity(key, name_words)
        if similarity >= FUZZY_THRESHOLD:
            return FUZZY_SCALE * similarity
        return None

    def _similarity(self, key: str, name_words: tuple[str, ...]) -> float:
        """Return the better of whole-string similarity and the mean best similarity of each query word."""
        whole = _ratio(self.text, key)
        rows = [self._scores_of(word) for word in name_words]
        total = sum(max(row[part] for row in rows) for part in range(len(self.words)))
        return max(whole, total / len(self.words))

    def _scores_of(self, word: str) -> tuple[float, ...]:
        """The similarity of one name word to each query word, remembered for the rest of this query."""
        found = self._word_scores.get(word)
        if found is None:
            found = tuple(_ratio(part, word) for part in self.words)
            self._word_scores[word] = found
        return found


def _ratio(a: str, b: str) -> float:
    """
    Return how alike ``a`` and ``b`` are (0..1) when it reaches ``FUZZY_THRESHOLD``, else 0.

    rapidfuzz's ``fuzz.ratio``: twice the longest common subsequence over the sum of the lengths. It is never
    below difflib's ratio (whose matching blocks form a common subsequence), so nothing difflib found is lost;
    the cut-off lets it stop early on a hopeless pair.
    """
    return float(fuzz.ratio(a, b, score_cutoff=FUZZY_THRESHOLD * 100)) / 100


def match_score(query: str, name: str) -> float | None:
    """
    Score how well ``query`` matches ``name``, on their normalised forms; ``None`` when it does not.

    Tiers, best first: exact (``EXACT``); equal ignoring spaces (``COMPACT``: ``womens`` and ``Women's``);
    the whole name starts with the query (``PREFIX``); every query word starts some word of the name, in
    any order (``WORD_PREFIX``: ``Wales`` and ``Cymru/Wales``, ``health male`` and ``Health Service Group
    (Male)``); the query occurs inside the name (``SUBSTRING``); then similar spelling (fuzzy, scored
    ``FUZZY_SCALE`` times a similarity of at least ``FUZZY_THRESHOLD``: ``Tom Baker`` and ``Tom Barker``).
    An empty query matches every name with the low score ``EMPTY``; a query of symbols only (``%``, ``_``),
    which ``normalise()`` empties, is no wildcard: it matches (``SUBSTRING``) just the names containing it.
    """
    return _Query.of(query).score(name)


class _NameIndex:
    """
    One list of names prepared for ranking many queries against it: what a guild's autocomplete sees per keystroke.

    The match keys, the keys without spaces, and every distinct name word with the names holding it. Ranking then
    scores the names in bulk (rapidfuzz's ``process.extract`` in C, substring tests in comprehensions) instead of
    one name at a time, with exactly the scores ``_Query.score`` gives.
    """

    __slots__ = ("compacts", "keys", "names", "postings")

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = tuple(dict.fromkeys(names))
        forms = [_name_form(name) for name in self.names]
        self.keys = [key for key, _, _ in forms]
        self.compacts = [compact for _, compact, _ in forms]
        #: Each distinct name word, and the positions of the names holding it (each once).
        self.postings: dict[str, list[int]] = {}
        for index, (_, _, words) in enumerate(forms):
            for word in dict.fromkeys(words):
                self.postings.setdefault(word, []).append(index)

    def precise(self, query: _Query) -> dict[int, float]:
        """The names in a precise tier (exact to substring), by position, with their scores."""
        text, compact = query.text, query.compact
        found: dict[int, float] = {}
        for index in self._word_prefixed(query.words):
            found[index] = WORD_PREFIX
        for index in [i for i, name in enumerate(self.compacts) if compact in name]:
            name = self.compacts[index]
            if self.keys[index] == text:
                found[index] = EXACT
            elif name == compact:
                found[index] = COMPACT
            elif name.startswith(compact):
                found[index] = PREFIX
            elif index not in found:
                found[index] = SUBSTRING
        return found

    def _word_prefixed(self, parts: tuple[str, ...]) -> set[int]:
        """The positions of the names where every query word starts some name word."""
        hits: set[int] | None = None
        for part in dict.fromkeys(parts):
            holding = {i for word, where in self.postings.items() if word.startswith(part) for i in where}
            hits = holding if hits is None else hits & holding
            if not hits:
                return set()
        return hits or set()

    def fuzzy(self, query: _Query, skip: dict[int, float]) -> dict[int, float]:
        """The names outside ``skip`` similar enough to the query, with their fuzzy scores."""
        cutoff = FUZZY_THRESHOLD * 100
        similar: dict[int, float] = {}
        for _, score, index in process.extract(
            query.text, self.keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            similar[index] = float(score) / 100
        # Per query word, the best similarity of each name's words; a word below the threshold counts 0.
        totals: dict[int, float] = {}
        vocabulary = list(self.postings)
        for part in query.words:
            best: dict[int, float] = {}
            for word, score, _ in process.extract(part, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None):
                for index in self.postings[word]:
                    best[index] = max(best.get(index, 0.0), float(score) / 100)
            for index, score in best.items():
                totals[index] = totals.get(index, 0.0) + score
        for index, total in totals.items():
            similar[index] = max(similar.get(index, 0.0), total / len(query.words))
        return {
            index: FUZZY_SCALE * score
            for index, score in similar.items()
            if score >= FUZZY_THRESHOLD and index not in skip and self.keys[index]
        }


@lru_cache(maxsize=64)
def _index_of(names: tuple[str, ...]) -> _NameIndex:
    """
    The prepared index of a list of names, kept for the next keystroke.

    Keyed by the names themselves, so a changed list is simply another entry: no invalidation to get wrong.
    Bounded: 64 lists of a few hundred names are a few MB.
    """
    return _NameIndex(names)


def _ranked(query: str, names: Iterable[str]) -> list[tuple[float, str]]:
    """Every name matching ``query`` with its score, best first, ties by match key then as stored; each once."""
    prepared = _Query.of(query)
    index = _index_of(tuple(names))
    if prepared.text:
        scores = index.precise(prepared)
        scores.update(index.fuzzy(prepared, scores))
        scored = [(score, index.keys[i], index.names[i]) for i, score in scores.items()]
    else:
        # Nothing typed, or symbols only: no tiers to search, just every name or the ones holding the symbols.
        scored = [
            (score, key, name)
            for name, key in zip(index.names, index.keys, strict=True)
            if (score := prepared.score(name)) is not None
        ]
    scored.sort(key=lambda entry: (-entry[0], entry[1], entry[2]))
    return [(score, name) for score, _, name in scored]


#: Longer than any stored name could be (names are at most 100 characters): not worth matching.
MAX_QUERY = 200


def best_matches(query: str, names: Iterable[str], limit: int = 25) -> list[str]:
    """
    Return the names matching ``query``, best first, at most ``limit`` (Discord shows 25 choices).

    Equal scores are ordered alphabetically (by match key, then as stored); a name given twice appears once.
    """
    if limit <= 0 or len(query) > MAX_QUERY:
        return []
    return [name for _, name in _ranked(query, names)[:limit]]


#: At most this many names are listed in an ambiguity message.
_MAX_LISTED = 10


def resolve(
    query: str,
    items: Sequence[T],
    key: Callable[[T], str],
    *,
    what: str,
    plural: str | None = None,
) -> T:
    """
    Find the one item whose name (``key(item)``) the user meant by ``query``.

    The best precise tier decides: an exact match (after ``normalise()``), else equal ignoring spaces, else a
    prefix of the whole name, else every word a prefix of a name word. One hit in the best tier that has any
    wins; several raise ``Conflict`` listing them. Substring and fuzzy hits never resolve: they raise
    ``NotFound`` with up to three of the closest names as suggestions. ``what`` names the kind of thing
    (``candidate``), ``plural`` its plural when it is not ``what + "s"``. Names and the query are shown in
    the message through ``plain()``, and so are the ``suggestions`` carried by ``NotFound``.
    """
    if len(query) > MAX_QUERY:
        # Nothing stored is that long; scoring it word by word would only burn the event loop.
        raise NotFound(f"No {what} called “{plain(truncate(query.strip(), 60))}”.")
    prepared = _Query.of(query)
    if not prepared.text:
        raise InvalidInput(f"Give the name of the {what}.")
    # The common case, a name picked from autocomplete, is an exact match: skip the costlier tiers for it.
    exact = [item for item in items if normalise(key(item)) == prepared.text]
    if len(exact) == 1:
        return exact[0]
    tiers: dict[float, list[T]] = {}
    for item in items:
        score = prepared.score(key(item))
        if score in _RESOLVING_TIERS:
            tiers.setdefault(score, []).append(item)
    for tier in _RESOLVING_TIERS:
        hits = tiers.get(tier, [])
        if len(hits) == 1:
            return hits[0]
        if hits:
            clashing = sorted({key(hit) for hit in hits}, key=lambda name: (normalise(name), name))
            raise Conflict(_ambiguity_message(query, clashing, what, plural))
    suggestions = [plain(name) for name in best_matches(query, (key(item) for item in items), limit=3)]
    raise NotFound(f"No {what} called “{plain(query.strip())}”.", suggestions=suggestions)


def _ambiguity_message(query: str, names: list[str], what: str, plural: str | None) -> str:
    many = plural or f"{what}s"
    shown = plain(query.strip())
    if len(names) == 1:
        return f"Several {many} are called “{plain(names[0])}”. Rename one so they can be told apart."
    listed = ", ".join(plain(name) for name in names[:_MAX_LISTED])
    if len(names) > _MAX_LISTED:
        listed += f" and {len(names) - _MAX_LISTED} more"
    return f"“{shown}” matches several {many}: {listed}. Use the full name."


# --- Safe display -------------------------------------------------------------------------------------

#: Characters that are markdown anywhere in a line. ``\`` comes first so the escapes we add stay literal.
_INLINE_MARKDOWN = re.compile(r"([\\*_~`|\[\]])")
#: Markdown that only counts at the start of a line (after optional indentation): quotes, headings, subtext.
_LINE_START_MARKDOWN = re.compile(r"^([ \t]*)(>|#{1,3}(?=[ \t])|-#(?=[ \t]))", re.MULTILINE)
#: Bare links are left alone, as a backslash inside a URL would break the link; a link ends at whitespace,
#: ``<``, ``>``, a backtick or ``|``, so it cannot carry a code span or spoiler past the escaping.
_URL = re.compile(r"https?://[^\s<>`|]+")
#: ``<@123>``, ``<@!123>``, ``<@&123>``, ``<#123>`` and ``</cmd:1>`` all start like this.
_MENTION_START = re.compile(r"<(?=[@#/])")
_MASS_MENTION = re.compile(r"@(?=everyone|here)", re.IGNORECASE)


def _escape_markdown(segment: str) -> str:
    return _INLINE_MARKDOWN.sub(r"\\\1", segment)


def plain(text: str) -> str:
    r"""
    Make user text safe to show on Discord as literal text.

    Markdown is backslash-escaped: ``\ * _ ~ ` |`` and ``[ ]`` (so no masked link) anywhere, ``>`` quotes and
    ``#``/``##``/``###``/``-#`` headings at the start of a line; bare ``http(s)://`` links are left as they are
    so they still work. Mentions are defused with a zero-width space: ``@everyone``/``@here`` after the ``@``,
    and ``<@…>``, ``<@!…>``, ``<@&…>``, ``<#…>`` and ``</command:id>`` after the ``<``. Everything else
    (curly quotes, ``£``, en dashes, emoji, line breaks) is kept as it is.
    """
    parts: list[str] = []
    position = 0
    for link in _URL.finditer(text):
        parts.append(_escape_markdown(text[position : link.start()]))
        parts.append(link.group())
        position = link.end()
    parts.append(_escape_markdown(text[position:]))
    escaped = _LINE_START_MARKDOWN.sub(r"\1\\\2", "".join(parts))
    escaped = _MENTION_START.sub("<" + _ZWSP, escaped)
    return _MASS_MENTION.sub("@" + _ZWSP, escaped)


# --- Long text ----------------------------------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_WHITESPACE = re.compile(r"\s")


def _safe_cut(text: str, cut: int) -> int:
    """Move a hard cut back by one if it would leave an escaping backslash alone at the end of a page."""
    run = 0
    while run < cut and text[cut - 1 - run] == "\\":
        run += 1
    if run % 2 == 1 and cut > 1:
        return cut - 1
    return cut


def _break_at(rest: str, limit: int) -> int:
    """Where to end the next page of ``rest`` (longer than ``limit``): the best break at or before ``limit``."""
    best = -1
    for found in _PARAGRAPH_BREAK.finditer(rest, 0, len(rest)):
        if found.start() > limit:
            break
        best = found.start()
    if best > 0:
        return best
    line = rest.rfind("\n", 0, limit + 1)
    if line > 0:
        return line
    for index in range(limit, 0, -1):
        if rest[index].isspace():
            return index
    return _safe_cut(rest, limit)


def split_for_embeds(text: str, limit: int) -> list[str]:
    """
    Split ``text`` into pages of at most ``limit`` characters, for embeds.

    A page ends at the last paragraph break (a blank line) that fits, else the last line break, else the
    last whitespace, else it is cut hard at ``limit`` (one character earlier if that would strand an
    escaping backslash). What is preserved, exactly: each page is a stretch of ``text`` with its leading and
    trailing whitespace removed, the pages come in order, and what lies between two pages in ``text`` is
    only whitespace (the break that was removed; nothing at all after a hard cut). So every non-whitespace
    character survives in order, but whitespace at a break and around the whole text is dropped. Pages are
    never empty; ``""`` and whitespace-only text give ``[]``.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    pages: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _break_at(rest, limit)
        pages.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pages.append(rest)
    return pages


def pack_lines(lines: Iterable[str], limit: int, *, max_lines: int | None = None) -> list[list[str]]:
    """
    Pack ``lines`` in order into pages of whole lines, for lists shown over several embeds or fields.

    1. A page's lines joined by newlines fit in ``limit`` characters, and a page holds at most ``max_lines``
       lines when that is given.
    2. A line that fits in ``limit`` is never cut: a page ends before the first line that would not fit, and
       that line starts the next page.
    3. A line alone over ``limit`` is split by ``split_for_embeds`` (at its own line breaks, then between
       words), and each piece counts as a line; a line of only whitespace that is over ``limit`` vanishes.
    4. Pages are never empty; no lines give ``[]``.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if max_lines is not None and max_lines < 1:
        raise ValueError("max_lines must be at least 1")
    pages: list[list[str]] = []
    page: list[str] = []
    size = 0
    for line in lines:
        for piece in [line] if len(line) <= limit else split_for_embeds(line, limit):
            full = max_lines is not None and len(page) >= max_lines
            if page and (full or size + 1 + len(piece) > limit):
                pages.append(page)
                page, size = [], 0
            size += len(piece) + (1 if page else 0)
            page.append(piece)
    if page:
        pages.append(page)
    return pages


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """
    Shorten ``text`` to at most ``limit`` characters, ending with ``ellipsis`` when anything was cut.

    Text that fits is returned unchanged. Trailing whitespace before the ellipsis is dropped, and so is an
    escaping backslash that would otherwise be stranded. If ``limit`` is shorter than the ellipsis itself,
    the text is simply cut.
    """
    if limit < 0:
        raise ValueError("limit must not be negative")
    if len(text) <= limit:
        return text
    room = limit - len(ellipsis)
    if room < 0:
        return text[:limit]
    kept = text[:room]
    if room:
        kept = kept[: _safe_cut(text, room)]
    return kept.rstrip() + ellipsis


# --- Pasted text ---------------------------------------------------------------------------------------


def tidy_paragraphs(text: str) -> str:
    r"""
    Tidy long text pasted from anywhere (a Word document on Windows, an email) for storage and display.

    1. Every line ending (``\r\n``, a lone ``\r``, and the rarer ones ``str.splitlines`` knows) becomes ``\n``.
    2. Spaces and tabs at the end of each line are dropped (a line holding only them becomes blank).
    3. A run of blank lines becomes one blank line: paragraphs stay apart, but never by more than that.
    4. Blank lines at the start and end go. Indentation at the start of a line is kept.

    Idempotent, and no non-whitespace character is changed or moved.
    """
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


# --- Near misses ---------------------------------------------------------------------------------------

#: How alike (rapidfuzz's ``fuzz.ratio`` of the match keys, over 100) a new name and a stored one must be for
#: the new one to look like a mistyping of it: ``Time for Reel Change`` and ``Time for Real Change`` are 0.95
#: alike, ``Members First`` and ``Members United`` 0.74 (two different names).
NEAR_MISS_SIMILARITY = 0.8


def near_misses(name: str, names: Iterable[str]) -> list[str]:
    """
    The stored ``names`` that ``name`` nearly, but not quite, matches: the ones it may be a mistyping of.

    1. If any stored name is the same as ``name`` after ``normalise()`` (``Time For Real Change``), that is the
       name meant and nothing is a near miss: ``[]``.
    2. Otherwise a stored name is a near miss when ``match_score`` finds ``name`` equal to it ignoring spaces,
       a prefix of it, or every word of ``name`` a prefix of one of its words (``Members`` for ``Members
       First``); when it is a prefix of ``name`` (``Time for Real Change 2025``); or when the two match keys
       are at least ``NEAR_MISS_SIMILARITY`` alike (``Time for Reel Change``).
    3. Most alike first, then alphabetically.
    """
    key = normalise(name)
    stored = list(dict.fromkeys(names))
    if not key or any(normalise(other) == key for other in stored):
        return []
    found: list[tuple[float, str]] = []
    for other in stored:
        other_key = normalise(other)
        if not other_key:
            continue
        similarity = float(fuzz.ratio(key, other_key)) / 100
        forward = match_score(name, other)
        backward = match_score(other, name)
        if (forward is not None and forward >= WORD_PREFIX) or backward == PREFIX or similarity >= NEAR_MISS_SIMILARITY:
            found.append((similarity, other))
    found.sort(key=lambda entry: (-entry[0], normalise(entry[1]), entry[1]))
    return [other for _, other in found]


def counted(count: int, singular: str, plural_form: str | None = None) -> str:
    """
    ``count`` with its noun agreeing: ``1 vote``, ``2 votes``, ``5,000 votes``, ``1 entry``/``3 entries``.

    ``plural_form`` is for nouns that do not just take an ``s``. Counts get thousands separators.
    """
    noun = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:,} {noun}"
