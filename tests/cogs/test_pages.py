"""The one pager: lists laid out as embed pages of whole lines (no Discord connection needed)."""

from datetime import UTC, datetime

import discord
import pytest

from bot.domain.models import AuditEntry
from cogs._ui.pages import DESCRIPTION_LIMIT, PageSpan, line_pages
from cogs.organise._cog import AUDIT_PAGE, AUDIT_PER_PAGE, _audit_line, _audit_pages

AT = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def long_edit(number: int) -> AuditEntry:
    """An edit of four fields, each before and after long enough to be shortened in the log."""
    before: dict[str, object] = {f"field_{k}": f"old value {number} {k} " + "x" * 60 for k in range(4)}
    after: dict[str, object] = {f"field_{k}": f"new value {number} {k} " + "y" * 60 for k in range(4)}
    return AuditEntry(number, 1, 2002, "candidate.edit", before, after, AT)


def description_lines(pages: list[discord.Embed]) -> list[list[str]]:
    return [(page.description or "").split("\n") for page in pages]


def test_an_audit_of_long_entries_never_cuts_an_entry() -> None:
    """Entries too long for ten to a page go onto more pages, each whole; the footers still count entries."""
    entries = [long_edit(n) for n in range(25)]
    lines = [_audit_line(e) for e in entries]
    assert len("\n".join(lines[:AUDIT_PER_PAGE])) > AUDIT_PAGE, "ten of these would not fit on one page"

    pages = _audit_pages(entries)

    shown = description_lines(pages)
    assert [line for page in shown for line in page] == lines, "every entry shown once, whole, in order"
    assert all(len(page.description or "") <= AUDIT_PAGE for page in pages)
    assert all(len(page) <= AUDIT_PER_PAGE for page in shown)
    first = 1
    for page, page_lines in zip(pages, shown, strict=True):
        assert page.footer.text == f"Entries {first}–{first + len(page_lines) - 1} of 25"
        first += len(page_lines)


def test_a_short_audit_still_shows_ten_entries_a_page() -> None:
    """Short entries keep today's ten a page, with the same footer."""
    entries = [AuditEntry(n, 1, 2002, "seat.add", None, {"name": f"Seat {n}"}, AT) for n in range(12)]
    pages = _audit_pages(entries)
    assert [page.footer.text for page in pages] == ["Entries 1–10 of 12", "Entries 11–12 of 12"]
    assert all(page.title == "Audit log" for page in pages)


def test_line_pages_numbers_pages_only_when_there_are_several() -> None:
    """The default footer is ``Page i of n``, and a list that fits on one page has no footer."""
    one = line_pages("T", ["a", "b"])
    assert len(one) == 1 and one[0].footer.text is None and one[0].description == "a\nb"
    several = line_pages("T", [f"line {n}" for n in range(5)], limit=14)
    assert [page.footer.text for page in several] == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
    assert [page.description for page in several] == ["line 0\nline 1", "line 2\nline 3", "line 4"]


def test_line_pages_passes_each_page_where_it_sits() -> None:
    """A custom footer learns the page's number and which lines it holds; ``None`` means no footer."""
    spans: list[PageSpan] = []

    def record(span: PageSpan) -> str | None:
        spans.append(span)
        return None

    pages = line_pages("T", ["aaaa", "bbbb", "cccc"], limit=9, footer=record)
    assert spans == [PageSpan(1, 2, 1, 2, 3), PageSpan(2, 2, 3, 3, 3)]
    assert all(page.footer.text is None for page in pages)


@pytest.mark.parametrize("limit", [DESCRIPTION_LIMIT, 10_000])
def test_line_pages_never_passes_discords_description_limit(limit: int) -> None:
    """However large the limit asked for, a page stays within Discord's 4,096 characters."""
    pages = line_pages("T", ["x" * 1000] * 10, limit=limit)
    assert all(len(page.description or "") <= DESCRIPTION_LIMIT for page in pages)


def test_an_empty_list_is_one_empty_page() -> None:
    """``Pages`` needs at least one page, so nothing to list still gives one."""
    [page] = line_pages("Nothing here", [])
    assert page.description is None and page.title == "Nothing here"
