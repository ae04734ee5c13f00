"""Properties of name matching: the tiers rank as documented whatever the names, and the fuzzy scorer (rapidfuzz)."""

from difflib import SequenceMatcher

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.domain import text as text_module
from bot.domain.text import (
    EXACT,
    FUZZY_THRESHOLD,
    MAX_QUERY,
    PREFIX,
    SUBSTRING,
    WORD_PREFIX,
    best_matches,
    match_score,
    normalise,
)

#: Letters that collide after normalise() (case, accents), spaces and punctuation that become word breaks.
NAME_ALPHABET = "abekmorstzABKTZéÉöñ -'&."
names_strategy = st.text(alphabet=NAME_ALPHABET, min_size=1, max_size=16)
name_lists = st.lists(names_strategy, max_size=30)
queries = st.text(alphabet=NAME_ALPHABET + "%_", max_size=12)

ACCENTED = {"a": "á", "e": "ë", "i": "î", "o": "ó", "u": "ü", "n": "ñ", "c": "ç"}


def _lcs(a: str, b: str) -> int:
    """The length of the longest common subsequence, by the textbook table."""
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0]
        for index, other in enumerate(b):
            current.append(previous[index] + 1 if char == other else max(previous[index + 1], current[-1]))
        previous = current
    return previous[-1]


# --- the ranking ------------------------------------------------------------------------------------------


@given(queries, name_lists)
def test_results_are_distinct_names_from_the_list_best_first(query: str, names: list[str]) -> None:
    """Whatever is typed, the answer is some of the names given, each once, at most 25, in falling score."""
    found = best_matches(query, names)
    assert set(found) <= set(names)
    assert len(found) == len(set(found)) <= 25
    scores = [match_score(query, name) for name in found]
    assert all(score is not None for score in scores)
    assert scores == sorted(scores, key=lambda score: -(score or 0.0))


@given(queries, name_lists)
def test_ranking_many_names_at_once_gives_each_name_its_own_score(query: str, names: list[str]) -> None:
    """The bulk ranking (an index over the names) agrees exactly with scoring each name alone by match_score."""
    scored = {name: match_score(query, name) for name in names}
    expected = sorted(
        (name for name, score in scored.items() if score is not None),
        key=lambda name: (-(scored[name] or 0.0), normalise(name), name),
    )
    assert best_matches(query, names, limit=1000) == expected


@given(name_lists, st.data())
def test_an_exact_match_always_ranks_first(names: list[str], data: st.DataObject) -> None:
    """Typing a stored name (as stored) puts a name with that very match key first."""
    assume(any(normalise(name) for name in names))
    name = data.draw(st.sampled_from([name for name in names if normalise(name)]))
    found = best_matches(name, names)
    assert normalise(found[0]) == normalise(name)
    assert match_score(name, found[0]) == EXACT


@given(st.text(alphabet="abekmorstz", min_size=1, max_size=6), st.text(alphabet="abekmorstz ", max_size=8), name_lists)
def test_a_prefix_match_always_outranks_a_fuzzy_only_match(query: str, rest: str, names: list[str]) -> None:
    """A name the query starts ranks before every name that only looks alike (and substrings before fuzzy)."""
    prefixed = query + rest
    found = best_matches(query, [*names, prefixed], limit=1000)
    assert prefixed in found
    position = found.index(prefixed)
    for later in found[position + 1 :]:
        assert (match_score(query, later) or 0.0) <= (match_score(query, prefixed) or 0.0)
    for fuzzy in (name for name in found if (match_score(query, name) or 1.0) < SUBSTRING):
        assert found.index(fuzzy) > position


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20), name_lists)
def test_case_and_accent_variants_of_a_name_score_as_the_name(name: str, names: list[str]) -> None:
    """Upper case, mixed case and accents change no score and no ranking."""
    assume(normalise(name))
    variant = "".join(
        (ACCENTED.get(char, char) if index % 2 else char.upper()) for index, char in enumerate(name)
    ).swapcase()
    assert match_score(variant, name) == EXACT
    assert match_score(name.upper(), name) == EXACT
    pool = [*names, name]
    assert best_matches(variant, pool) == best_matches(name, pool)
    for other in pool:
        assert match_score(variant, other) == match_score(name, other)


@given(st.text(alphabet="%_*#", min_size=1, max_size=3), st.lists(st.text(alphabet="ab %_*#", max_size=8), max_size=20))
def test_a_query_of_symbols_matches_the_names_holding_it_literally(symbols: str, names: list[str]) -> None:
    """``%`` and ``_`` are no wildcards: exactly the names containing what was typed, alphabetically."""
    expected = sorted({name for name in names if symbols in name}, key=lambda name: (normalise(name), name))
    assert best_matches(symbols, names, limit=1000) == expected


@given(name_lists)
def test_an_over_long_query_matches_nothing(names: list[str]) -> None:
    """A query longer than any stored name could be is not scored at all."""
    assert best_matches("a" * (MAX_QUERY + 1), names) == []


@pytest.mark.parametrize(
    ("query", "name", "tier"),
    [
        ("tom barker 1", "Tom Barker 1", EXACT),
        ("tom barker 1", "Tom Barker 17", PREFIX),
        ("barker 1 tom", "Tom Barker 12", WORD_PREFIX),
        ("KEVIN CORRAN 0", "Kevin Corran 0", EXACT),
    ],
)
def test_numbered_names_keep_their_tiers(query: str, name: str, tier: float) -> None:
    """The benchmark's numbered names (a busy guild's 600) rank by the same tiers as any other."""
    assert match_score(query, name) == tier


def test_a_one_letter_typo_is_found_among_six_hundred_numbered_names() -> None:
    """`kevin coran 12` still offers `Kevin Corran 12` first among 600 look-alikes."""
    names = [f"{base} {i}" for base in ("Tom Barker", "Kevin Corran", "Tom Smith") for i in range(200)]
    found = best_matches("kevin coran 12", names)
    assert found[0] == "Kevin Corran 12"
    assert all(name.startswith("Kevin Corran") for name in found[:10])


# --- the fuzzy scorer -------------------------------------------------------------------------------------


@given(st.text(alphabet="abcdeilmnorstz ", max_size=14), st.text(alphabet="abcdeilmnorstz ", max_size=14))
def test_fuzzy_ratio_is_the_common_subsequence_ratio_above_the_threshold(a: str, b: str) -> None:
    """Twice the longest common subsequence over both lengths, or 0 below the threshold."""
    assume(a or b)
    exact = 2 * _lcs(a, b) / (len(a) + len(b))
    found = text_module._ratio(a, b)
    if exact >= FUZZY_THRESHOLD + 1e-9:
        assert found == pytest.approx(exact)
    elif exact < FUZZY_THRESHOLD - 1e-9:
        assert found == 0.0


@given(st.text(alphabet="abcdeilmnorstz ", max_size=14), st.text(alphabet="abcdeilmnorstz ", max_size=14))
def test_fuzzy_ratio_never_loses_a_pair_difflib_found(a: str, b: str) -> None:
    """rapidfuzz's ratio is at least difflib's, so every fuzzy match difflib allowed still matches."""
    before = SequenceMatcher(None, a, b, autojunk=False).ratio()
    if before >= FUZZY_THRESHOLD:
        assert text_module._ratio(a, b) >= before - 1e-9


def test_each_name_word_is_compared_once_per_query(monkeypatch: pytest.MonkeyPatch) -> None:
    """A guild's names share their words: each distinct word is compared with each query word once per query."""
    names = [f"{base} {i}" for base in ("Tom Barker", "Kevin Corran", "Tom Smith") for i in range(200)]
    calls: list[tuple[str, str]] = []
    original = text_module._ratio

    def counting(a: str, b: str) -> float:
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(text_module, "_ratio", counting)
    query = "kevin coran 12"
    best_matches(query, names)
    words = {word for name in names for word in normalise(name).split()}
    pairs = [pair for pair in calls if pair[0] != normalise(query)]
    assert len(pairs) == len(set(pairs)) <= len(words) * len(query.split())
