"""Forgiving matching, safe display and page splitting of user text."""

import re
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text import (
    COMPACT,
    EMPTY,
    EXACT,
    PREFIX,
    SUBSTRING,
    WORD_PREFIX,
    best_matches,
    counted,
    match_score,
    near_misses,
    normalise,
    pack_lines,
    plain,
    resolve,
    split_for_embeds,
    tidy_paragraphs,
    truncate,
)
from bot.errors import Conflict, InvalidInput, NotFound
from tests.domain.nec import REGIONS, SERVICE_GROUPS

ZWSP = "\u200b"


SEAT_NAMES = [
    "Health Service Group (Female)",
    "Health Service Group (Male)",
    "Health Service Group (General)",
    "Local Government Service Group (Male)",
    "East Midlands Regional (Male)",
    "Black Members (Female)",
    "Young Members (General)",
]

FIRST_NAMES = ["Anna", "David", "Fiona", "Hugo", "Kevin", "Priya", "Sarah", "Siân", "Tom", "Zoë"]
SURNAMES = ["Barker", "Corran", "Jones", "Littlewood", "Pierre", "Smith"]
#: Sixty people, a realistic slate-and-opponents list.
SIXTY_NAMES = [f"{first} {last}" for first in FIRST_NAMES for last in SURNAMES]


@dataclass(frozen=True)
class Person:
    id: int
    name: str


PEOPLE = [Person(1, "Tom Barker"), Person(2, "Tom Smith"), Person(3, "Kevin Corran"), Person(4, "David Jones")]


# --- normalise ---


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Time for Real Change", "Time For Real Change"),
        ("Yorkshire & Humberside", "Yorkshire and Humberside"),
        ("Zoë", "zoe"),
        ("Siân Evans", "SIAN EVANS"),
        ("José Núñez", "jose nunez"),
        ("LGBT+", "lgbt"),
        ("Cymru/Wales", "cymru wales"),
        ("Women’s seat", "women's  seat"),
        ("Black members' seat", "black members seat"),
        ("East-Midlands", "east midlands"),
        ("(Male)", "male"),
        ("  Tom\tBarker \n", "tom barker"),
        ("Straße", "strasse"),
    ],
)
def test_normalise_makes_variant_spellings_equal(left: str, right: str) -> None:
    """Case, accents, `&`, punctuation and spacing do not change the match key."""
    assert normalise(left) == normalise(right)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Yorkshire & Humberside", "yorkshire and humberside"),
        ("Health Service Group (Male)", "health service group male"),
        (
            "Police, Probation and CAFCASS (formerly Police and Justice)",
            "police probation and cafcass formerly police and justice",
        ),
        ("“Time for Real Change”", "time for real change"),
        ("Zoë", "zoe"),
        ("£1,000 – now", "1 000 now"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_normalise_gives_the_documented_key(text: str, key: str) -> None:
    """The key is lower case, accent-free words separated by single spaces."""
    assert normalise(text) == key


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    """Normalising a key again changes nothing."""
    assert normalise(normalise(text)) == normalise(text)


# --- match_score ---


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Time for Real Change", "Time For Real Change"),
        ("Yorkshire and Humberside", "Yorkshire & Humberside"),
        ("Cymru/Wales", "Cymru Wales"),
        ("zoe", "Zoë"),
    ],
)
def test_variant_spellings_match_exactly(query: str, name: str) -> None:
    """Spellings that differ only in case, accents or punctuation are an exact match."""
    assert match_score(query, name) == EXACT


@pytest.mark.parametrize(
    ("query", "name", "score"),
    [
        ("Tom Barker", "Tom Barker", EXACT),
        ("womens", "Women’s", COMPACT),
        ("Tom", "Tom Barker", PREFIX),
        ("yorkshire &", "Yorkshire & Humberside", PREFIX),
        ("Wales", "Cymru/Wales", WORD_PREFIX),
        ("health male", "Health Service Group (Male)", WORD_PREFIX),
        ("barker tom", "Tom Barker", WORD_PREFIX),
        ("arker", "Tom Barker", SUBSTRING),
        ("", "Anything at all", EMPTY),
    ],
)
def test_match_score_tiers(query: str, name: str, score: float) -> None:
    """Each kind of match gets its tier's score."""
    assert match_score(query, name) == score


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Tom Baker", "Tom Barker"),
        ("Kevin Coran", "Kevin Corran"),
        ("Yorkshre", "Yorkshire & Humberside"),
        ("Health Sector (Male Seat)", "Health Service Group (Male)"),
    ],
)
def test_small_typos_and_relabelled_names_match_fuzzily(query: str, name: str) -> None:
    """A near spelling scores, but below every precise tier."""
    score = match_score(query, name)
    assert score is not None
    assert score < SUBSTRING


@pytest.mark.parametrize(("query", "name"), [("Scotland", "Greater London"), ("xyz", "Tom Barker"), ("Tom", "!!!")])
def test_unrelated_names_do_not_match(query: str, name: str) -> None:
    """A name with nothing in common scores None."""
    assert match_score(query, name) is None


def test_tiers_rank_in_order() -> None:
    """Exact beats prefix beats word prefix beats substring beats fuzzy."""
    scores = [
        match_score("tom", name)
        for name in ["Tom", "Tom Barker", "Anna Tomlinson", "Atom Smith", "Tim Jones"]  # last is fuzzy
    ]
    assert all(score is not None for score in scores)
    assert scores == sorted(scores, key=lambda score: -(score or 0.0))
    assert len(set(scores)) == len(scores)


# --- best_matches ---


def test_sixty_names_give_twenty_five_best_first() -> None:
    """At most 25 choices come back: whole-name prefixes, then word prefixes, then substrings."""
    found = best_matches("s", SIXTY_NAMES)
    assert len(found) == 25
    assert found[:12] == sorted([name for name in SIXTY_NAMES if name[0] == "S"], key=normalise)
    assert found[12:20] == sorted([name for name in SIXTY_NAMES if name.endswith(" Smith") and name[0] != "S"])
    scores = [match_score("s", name) for name in found]
    assert scores == [PREFIX] * 12 + [WORD_PREFIX] * 8 + [SUBSTRING] * 5


def test_exact_name_comes_first() -> None:
    """An exact match is offered before the names it prefixes."""
    assert best_matches("tom", [*SIXTY_NAMES, "Tom"])[:7] == ["Tom"] + [f"Tom {last}" for last in SURNAMES]


def test_empty_query_lists_names_alphabetically() -> None:
    """With nothing typed, the first 25 names in alphabetical order are offered."""
    assert best_matches("", SIXTY_NAMES) == sorted(SIXTY_NAMES, key=normalise)[:25]


def test_ties_are_alphabetical_and_accent_insensitive() -> None:
    """Names in the same tier are ordered by their match key, so `Zoë` sorts as `zoe`."""
    names = ["Zoë Smith", "Anna Smith", "zoe jones", "Tom Smith"]
    assert best_matches("smith", names) == ["Anna Smith", "Tom Smith", "Zoë Smith"]


def test_best_matches_deduplicates_and_respects_limit() -> None:
    """A name given twice appears once; the limit caps the list."""
    assert best_matches("tom", ["Tom Barker", "Tom Barker", "Tom Smith"]) == ["Tom Barker", "Tom Smith"]
    assert best_matches("tom", ["Tom Barker", "Tom Smith"], limit=1) == ["Tom Barker"]
    assert best_matches("tom", ["Tom Barker"], limit=0) == []


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("wales", "Cymru/Wales"),
        ("yorkshire and", "Yorkshire & Humberside"),
        ("north w", "North West"),
        ("EAST MID", "East Midlands"),
    ],
)
def test_regions_autocomplete_forgivingly(query: str, first: str) -> None:
    """Region autocomplete puts the intended region first."""
    assert best_matches(query, REGIONS)[0] == first


def test_relabelled_seat_is_the_best_suggestion() -> None:
    """`Health Sector (Male Seat)` finds `Health Service Group (Male)` first among real seat names."""
    assert best_matches("Health Sector (Male Seat)", SEAT_NAMES)[0] == "Health Service Group (Male)"


# --- resolve ---


def test_resolve_prefers_an_exact_match() -> None:
    """An exact name wins even when it is also a prefix of another."""
    people = [*PEOPLE, Person(5, "Tom")]
    assert resolve("tom", people, lambda person: person.name, what="candidate").id == 5


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Tom Barker", 1), ("tom barker", 1), ("kev", 3), ("jones", 4), ("corran kevin", 3), ("TOM  SMITH", 2)],
)
def test_resolve_finds_a_unique_match(query: str, expected: int) -> None:
    """An exact, unique prefix or unique word-prefix match resolves."""
    assert resolve(query, PEOPLE, lambda person: person.name, what="candidate").id == expected


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Wales", "Cymru/Wales"),
        ("Yorkshire and Humberside", "Yorkshire & Humberside"),
        ("north west", "North West"),
        ("Police", "Police, Probation and CAFCASS (formerly Police and Justice)"),
    ],
)
def test_resolve_accepts_label_variants(query: str, name: str) -> None:
    """The label variants of DOMAIN.md resolve to the stored name."""
    assert resolve(query, REGIONS + SERVICE_GROUPS, lambda text: text, what="electorate") == name


def test_resolve_refuses_an_ambiguous_name_with_the_choices() -> None:
    """Several equally good matches raise Conflict listing them."""
    with pytest.raises(Conflict) as raised:
        resolve("Tom", PEOPLE, lambda person: person.name, what="candidate")
    assert raised.value.message == "“Tom” matches several candidates: Tom Barker, Tom Smith. Use the full name."


def test_resolve_reports_a_better_tier_as_ambiguous_before_a_worse_unique_one() -> None:
    """Two prefix hits are ambiguous even though the word-prefix tier has a single one."""
    with pytest.raises(Conflict) as raised:
        resolve("north", ["Northern Ireland", "Far North", "Northern"], lambda text: text, what="region")
    assert raised.value.message == "“north” matches several regions: Northern, Northern Ireland. Use the full name."


def test_resolve_not_found_suggests_close_names() -> None:
    """A near miss raises NotFound that suggests the close name."""
    with pytest.raises(NotFound) as raised:
        resolve("Tom Baker", PEOPLE, lambda person: person.name, what="candidate")
    assert raised.value.suggestions[0] == "Tom Barker"
    assert len(raised.value.suggestions) <= 3
    assert raised.value.message.startswith("No candidate called “Tom Baker”. Did you mean: Tom Barker")


def test_resolve_does_not_guess_from_a_substring() -> None:
    """A substring hit is only a suggestion, never a silent pick."""
    with pytest.raises(NotFound) as raised:
        resolve("arker", PEOPLE, lambda person: person.name, what="candidate")
    assert raised.value.suggestions == ("Tom Barker",)


def test_resolve_relabelled_seat_is_suggested() -> None:
    """`Health Sector (Male Seat)` is not silently taken, but suggests `Health Service Group (Male)`."""
    with pytest.raises(NotFound) as raised:
        resolve("Health Sector (Male Seat)", SEAT_NAMES, lambda text: text, what="seat")
    assert raised.value.suggestions[0] == "Health Service Group (Male)"


def test_resolve_not_found_without_suggestions() -> None:
    """Nothing close gives a plain NotFound sentence."""
    with pytest.raises(NotFound) as raised:
        resolve("xyz", PEOPLE, lambda person: person.name, what="candidate")
    assert raised.value.message == "No candidate called “xyz”."


def test_resolve_quotes_user_text_safely() -> None:
    """Markdown and mentions in the query cannot leak into the error message."""
    with pytest.raises(NotFound) as raised:
        resolve("**@everyone**", PEOPLE, lambda person: person.name, what="candidate")
    assert "@everyone" not in raised.value.message
    assert "\\*\\*" in raised.value.message


def test_resolve_refuses_an_empty_name() -> None:
    """An empty name is invalid input, not a match for everything."""
    with pytest.raises(InvalidInput):
        resolve("  ", PEOPLE, lambda person: person.name, what="candidate")


def test_resolve_names_identical_duplicates() -> None:
    """Two items with the same name are reported as a clash, not picked at random."""
    with pytest.raises(Conflict, match="Several seats are called “Health”"):
        resolve("health", ["Health", "Health"], lambda text: text, what="seat")


def test_resolve_uses_the_given_plural() -> None:
    """An irregular plural is used in the ambiguity message."""
    with pytest.raises(Conflict, match="several platform points"):
        resolve("end", ["End the pay freeze", "End PFI"], lambda text: text, what="point", plural="platform points")


# --- plain ---


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("**bold**", r"\*\*bold\*\*"),
        ("__under__ _it_", r"\_\_under\_\_ \_it\_"),
        ("~~strike~~", r"\~\~strike\~\~"),
        ("`code`", r"\`code\`"),
        ("||spoiler||", r"\|\|spoiler\|\|"),
        ("back\\slash", "back\\\\slash"),
        ("> quote", r"\> quote"),
        ("a > b", "a > b"),
        ("line\n>>> quote", "line\n\\>>> quote"),
        ("# Heading", r"\# Heading"),
        ("### Small", r"\### Small"),
        ("-# subtext", r"\-# subtext"),
        ("#hashtag", "#hashtag"),
        ("well - done", "well - done"),
        ("[click](https://example.com)", r"\[click\](https://example.com)"),
        ("see https://example.com/a_b*c", "see https://example.com/a_b*c"),
        ("https://example.com/`code`", r"https://example.com/\`code\`"),
        ("@everyone", f"@{ZWSP}everyone"),
        ("hi @here!", f"hi @{ZWSP}here!"),
        ("<@123>", f"<{ZWSP}@123>"),
        ("<@!123>", f"<{ZWSP}@!123>"),
        ("<@&123>", f"<{ZWSP}@&123>"),
        ("<#123>", f"<{ZWSP}#123>"),
        ("</vote:1>", f"<{ZWSP}/vote:1>"),
        ("“Fair pay” – £1,000 ✊🏽", "“Fair pay” – £1,000 ✊🏽"),
        ("Tom Barker", "Tom Barker"),
    ],
)
def test_plain_shows_user_text_literally(text: str, shown: str) -> None:
    """Markdown is escaped, mentions defused, and ordinary typography kept."""
    assert plain(text) == shown


@given(st.text())
def test_plain_never_leaves_a_mention(text: str) -> None:
    """No output can ping everyone or a user, role, channel or command."""
    shown = plain(text)
    assert "@everyone" not in shown
    assert "@here" not in shown
    assert "<@" not in shown
    assert "<#" not in shown
    assert "</" not in shown


@given(st.text())
def test_plain_only_adds_escapes(text: str) -> None:
    """Removing the added backslashes and zero-width spaces gives back the original characters."""
    shown = plain(text)
    assert re.sub(r"[\\\u200b]", "", shown) == re.sub(r"[\\\u200b]", "", text)


# --- split_for_embeds and truncate ---


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(
    ("text", "limit", "pages"),
    [
        ("", 10, []),
        ("   \n\n ", 10, []),
        ("short", 10, ["short"]),
        ("first para\nline two\n\nsecond para", 25, ["first para\nline two", "second para"]),
        ("one\ntwo\nthree", 8, ["one\ntwo", "three"]),
        ("alpha beta gamma", 11, ["alpha beta", "gamma"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        ("aaa\\*bbb", 4, ["aaa", "\\*bb", "b"]),
    ],
)
def test_split_for_embeds_breaks_at_the_best_boundary(text: str, limit: int, pages: list[str]) -> None:
    """Paragraphs first, then lines, then words, then a hard cut (not after an escaping backslash)."""
    assert split_for_embeds(text, limit) == pages


def test_split_prefers_a_paragraph_to_a_later_line() -> None:
    """A blank line wins over a line break nearer the limit."""
    text = "para one\n\npara two line\nmore of para two"
    assert split_for_embeds(text, 30) == ["para one", "para two line\nmore of para two"]


def test_split_statement_of_realistic_length() -> None:
    """A 1,800-character statement splits into pages under an embed's limit, at paragraphs."""
    paragraph = "I’m standing because our members deserve a union that fights – for £15 an hour and safe staffing. "
    text = "\n\n".join([(paragraph * 4).strip()] * 5)
    pages = split_for_embeds(text, 1024)
    assert all(len(page) <= 1024 for page in pages)
    assert "\n\n".join(pages) == text.strip()


@given(st.text(), st.integers(min_value=1, max_value=60))
def test_split_pages_fit_and_lose_nothing(text: str, limit: int) -> None:
    """Every page fits and is non-empty, and all non-whitespace characters survive in order."""
    pages = split_for_embeds(text, limit)
    assert all(0 < len(page) <= limit for page in pages)
    assert all(page == page.strip() for page in pages)
    assert _squash("".join(pages)) == _squash(text)


@given(st.text(alphabet=st.sampled_from("ab \n\\"), max_size=200), st.integers(min_value=1, max_value=20))
def test_split_pages_are_stretches_separated_by_whitespace(text: str, limit: int) -> None:
    """Each page is the next stretch of the text; only whitespace lies between pages."""
    position = 0
    for page in split_for_embeds(text, limit):
        found = text.index(page, position)
        assert text[position:found].strip() == ""
        position = found + len(page)
    assert text[position:].strip() == ""


def test_split_rejects_a_useless_limit() -> None:
    """A limit below one is a programming error."""
    with pytest.raises(ValueError, match="at least 1"):
        split_for_embeds("text", 0)


@pytest.mark.parametrize(
    ("text", "limit", "ellipsis", "expected"),
    [
        ("short", 10, "…", "short"),
        ("exactly10!", 10, "…", "exactly10!"),
        ("a longer sentence", 10, "…", "a longer…"),
        ("abcdefghijkl", 5, "…", "abcd…"),
        ("abc\\*defgh", 5, "…", "abc…"),
        ("abcdef", 3, "…", "ab…"),
        ("abcdef", 0, "…", ""),
        ("abcdefgh", 6, "[..]", "ab[..]"),
        ("abcdefgh", 3, "[..]", "abc"),
    ],
)
def test_truncate(text: str, limit: int, ellipsis: str, expected: str) -> None:
    """Long text is cut to the limit with an ellipsis; short text is unchanged."""
    assert truncate(text, limit, ellipsis) == expected


@given(st.text(), st.integers(min_value=0, max_value=50))
def test_truncate_never_exceeds_the_limit(text: str, limit: int) -> None:
    """The result always fits."""
    assert len(truncate(text, limit)) <= limit


@pytest.mark.parametrize(
    ("count", "singular", "plural_form", "expected"),
    [
        (1, "vote", None, "1 vote"),
        (0, "vote", None, "0 votes"),
        (5000, "vote", None, "5,000 votes"),
        (1, "entry", "entries", "1 entry"),
        (3, "entry", "entries", "3 entries"),
    ],
)
def test_counted_makes_the_noun_agree_with_the_count(
    count: int, singular: str, plural_form: str | None, expected: str
) -> None:
    """One thing is singular, any other count plural, with thousands separators."""
    assert counted(count, singular, plural_form) == expected


# --- Pasted text (statements) ---------------------------------------------------------------------------


def test_tidy_paragraphs_turns_windows_and_old_mac_line_endings_into_newlines() -> None:
    """CRLF and a lone CR each become one LF."""
    assert tidy_paragraphs("One\r\nTwo\rThree\nFour") == "One\nTwo\nThree\nFour"


def test_tidy_paragraphs_keeps_at_most_one_blank_line_between_paragraphs() -> None:
    """Hundreds of blank lines (with or without spaces on them) shrink to one; single breaks are kept."""
    pasted = "First paragraph,\r\nsame paragraph." + "\r\n" * 300 + "Second." + "\r\n \t\r\n" * 5 + "Third."
    assert tidy_paragraphs(pasted) == "First paragraph,\nsame paragraph.\n\nSecond.\n\nThird."


def test_tidy_paragraphs_strips_trailing_spaces_and_blank_ends_but_keeps_indentation() -> None:
    """Spaces at line ends and blank lines at either end go; a line's leading spaces stay."""
    assert tidy_paragraphs("\r\n\r\n  Indented   \r\nNext\t \r\n\r\n\r\n") == "  Indented\nNext"


@given(st.text(st.sampled_from("ab \t\r\n\u2028")))
def test_tidy_paragraphs_leaves_no_cr_no_triple_newline_and_is_idempotent(text: str) -> None:
    """Whatever is pasted, the result has no CR, no run of three newlines, and tidying it again changes nothing."""
    tidy = tidy_paragraphs(text)
    assert "\r" not in tidy and "\n\n\n" not in tidy
    assert tidy_paragraphs(tidy) == tidy
    assert tidy.split() == text.split()


# --- Queries with no letters or digits -------------------------------------------------------------------

WILD = ["Ann 100% Smith", "Bo_Dee", "Carl Jones", "Dee Percival"]


@pytest.mark.parametrize(("query", "expected"), [("%", ["Ann 100% Smith"]), ("_", ["Bo_Dee"]), ("%_", [])])
def test_a_query_of_symbols_only_offers_just_the_names_that_contain_it(query: str, expected: list[str]) -> None:
    """``%`` or ``_`` is no wildcard: only names holding that very text match, not every name."""
    assert best_matches(query, WILD) == expected


def test_an_empty_or_blank_query_still_offers_every_name() -> None:
    """Nothing typed yet (or only spaces) lists every name, as before."""
    assert best_matches("", WILD) == sorted(WILD, key=normalise)
    assert best_matches("  ", WILD) == sorted(WILD, key=normalise)


# --- Near misses (slate names) --------------------------------------------------------------------------

SLATES = ["Time for Real Change", "Members First"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Time for Reel Change", ["Time for Real Change"]),
        ("Time 4 Real Change", ["Time for Real Change"]),
        ("TimeforReal Change", ["Time for Real Change"]),
        ("Members Frist", ["Members First"]),
        ("Members", ["Members First"]),
        ("Time for Real Change 2025", ["Time for Real Change"]),
    ],
)
def test_a_typo_or_variant_of_a_stored_name_is_a_near_miss(typed: str, expected: list[str]) -> None:
    """A misspelling, a shortening or a spacing variant of a stored name is reported as a near miss of it."""
    assert near_misses(typed, SLATES) == expected


@pytest.mark.parametrize(
    "typed", ["Time For Real Change", "time for real change!", "MEMBERS FIRST", "Unison United", "Members United"]
)
def test_the_same_name_or_a_different_one_is_no_near_miss(typed: str) -> None:
    """A name equal after normalise() is the same slate, and a clearly different name is simply new."""
    assert near_misses(typed, SLATES) == []


# --- The one splitter: whole lines -------------------------------------------------------------------------

_LINE = st.text(alphabet=st.sampled_from("ab \\*"), max_size=30)
_TEXT_LINES = st.lists(st.text(alphabet=st.sampled_from("ab \\"), max_size=12), max_size=30)


@pytest.mark.parametrize(
    ("lines", "limit", "max_lines", "pages"),
    [
        ([], 10, None, []),
        (["one", "two", "three"], 7, None, [["one", "two"], ["three"]]),
        (["one", "two", "three"], 100, 2, [["one", "two"], ["three"]]),
        (["exactly10!", "x"], 10, None, [["exactly10!"], ["x"]]),
        (["", "a"], 3, None, [["", "a"]]),
        (["ab", "alpha beta gamma", "cd"], 11, None, [["ab"], ["alpha beta"], ["gamma", "cd"]]),
    ],
)
def test_pack_lines_fills_each_page_with_whole_lines(
    lines: list[str], limit: int, max_lines: int | None, pages: list[list[str]]
) -> None:
    """Lines go whole onto a page until the next would not fit; only a line alone over the limit is split."""
    assert pack_lines(lines, limit, max_lines=max_lines) == pages


@pytest.mark.parametrize(("limit", "max_lines"), [(0, None), (10, 0)])
def test_pack_lines_rejects_a_useless_limit(limit: int, max_lines: int | None) -> None:
    """A limit or a page length below one is a programming error."""
    with pytest.raises(ValueError, match="at least 1"):
        pack_lines(["text"], limit, max_lines=max_lines)


@given(st.lists(_LINE, max_size=40), st.integers(min_value=1, max_value=60), st.none() | st.integers(1, 8))
def test_packed_pages_fit_and_are_full(lines: list[str], limit: int, max_lines: int | None) -> None:
    """Every page fits in the limit and the line count, and each page ends only where the next line did not fit."""
    pages = pack_lines(lines, limit, max_lines=max_lines)
    assert all(page and len("\n".join(page)) <= limit for page in pages)
    assert max_lines is None or all(len(page) <= max_lines for page in pages)
    for index in range(1, len(pages)):
        page, next_line = pages[index - 1], pages[index][0]
        assert len("\n".join([*page, next_line])) > limit or len(page) == max_lines


@given(st.lists(_LINE, max_size=40), st.integers(min_value=30, max_value=60))
def test_no_line_that_fits_is_ever_cut(lines: list[str], limit: int) -> None:
    """When every line fits, the pages hold exactly the lines, in order, none of them cut or changed."""
    assert [line for page in pack_lines(lines, limit) for line in page] == lines


@given(st.lists(_LINE, max_size=40), st.integers(min_value=1, max_value=12))
def test_a_line_over_the_limit_loses_nothing_but_break_whitespace(lines: list[str], limit: int) -> None:
    """A line too long for any page is split, and every non-whitespace character still comes back in order."""
    pages = pack_lines(lines, limit)
    assert _squash("".join(line for page in pages for line in page)) == _squash("".join(lines))


@given(_TEXT_LINES, st.integers(min_value=12, max_value=40))
def test_split_for_embeds_never_cuts_a_line_that_fits(lines: list[str], limit: int) -> None:
    """Text whose lines each fit is split only between lines: each page is whole lines of the text, in order."""
    text = "\n".join(lines)
    pages = split_for_embeds(text, limit)
    assert all(len(page) <= limit for page in pages)
    shown = [line.strip() for page in pages for line in page.split("\n") if line.strip()]
    assert shown == [line.strip() for line in lines if line.strip()]
