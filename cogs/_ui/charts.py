"""
Results as PNG charts, drawn with matplotlib. No Discord, no I/O: records in, bytes out.

Drawing takes a few hundred milliseconds, so callers run these functions in a worker thread
(``await asyncio.to_thread(results_chart, ...)``). Each call builds its own ``Figure`` on the Agg canvas and
never touches pyplot's global state, so charts drawn in parallel threads cannot interfere.

Sized for a phone: about 1,000 x 600 pixels, taller when there are many bars, text at 13 points or more,
names cut to 30 characters, and the bounding box fitted to the labels so nothing is cut off.

matplotlib (with numpy and PIL, about 45 MB resident) is imported only when a chart is first drawn, inside the
worker thread: most sessions never draw one, and importing this module costs nothing at start-up.
"""

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from bot.services.turnout import Turnout

from bot.domain.results import ElectionResults, Outcome, SeatResult
from bot.domain.text import truncate

#: The bot's purple (as the embeds), for the elected and the guild's slate.
ELECTED = "#5a288c"
TIED = "#e08a00"
NOT_ELECTED = "#b5b5b5"
AWAITING = "#dcdcdc"
OTHERS = "#8c8c8c"
NAME_LIMIT = 30
WIDTH_IN = 10.0
DPI = 100
BASE_FONT = 13

_COLOURS = {
    Outcome.ELECTED: ELECTED,
    Outcome.UNOPPOSED: ELECTED,
    Outcome.TIED: TIED,
    Outcome.NOT_ELECTED: NOT_ELECTED,
    Outcome.AWAITING: AWAITING,
}


def _text(text: str) -> str:
    """User text shown literally: a ``$`` would otherwise start matplotlib's math mode."""
    return text.replace("$", r"\$")


def _label(name: str) -> str:
    return _text(truncate(" ".join(name.split()), NAME_LIMIT))


def _figure(bars: int) -> "Figure":
    """A figure 1,000 px wide and at least 600 px tall, growing by about 45 px a bar past a dozen."""
    # Imported here, not at the top: the first chart pays for matplotlib, start-up does not (see the docstring).
    from matplotlib.figure import Figure

    height = max(6.0, 1.8 + 0.45 * bars)
    return Figure(figsize=(WIDTH_IN, min(height, 40.0)), dpi=DPI)


def _png(figure: "Figure") -> bytes:
    """The figure rendered on the Agg canvas as PNG bytes, trimmed to its labels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.3, facecolor="white")
    return buffer.getvalue()


def seat_chart(seat: SeatResult, *, election: str, slate: str | None) -> bytes:
    """A horizontal bar of each candidate's votes, most at the top: the elected in purple, the slate's starred."""
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    rows = list(seat.candidates)
    figure = _figure(len(rows))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    values = [c.votes or 0 for c in rows]
    axes.barh(positions, values, color=[_COLOURS[c.outcome] for c in rows], height=0.65)
    labels = [("★ " if c.on_slate else "") + _label(c.candidate.name) for c in rows]
    axes.set_yticks(positions, labels=labels, fontsize=BASE_FONT)
    for tick, row in zip(axes.get_yticklabels(), rows, strict=True):
        if row.on_slate:
            tick.set_fontweight("bold")
    axes.set_ylim(len(rows) - 0.5, -0.5)
    top = max(values, default=0) or 1
    axes.set_xlim(0, top * 1.3)
    for position, row in zip(positions, rows, strict=True):
        note = f"{row.votes:,}" if row.votes is not None else ""
        if row.outcome is not Outcome.NOT_ELECTED:
            note = f"{note}  {row.outcome.value}".strip()
        axes.text(top * 0.01 + (row.votes or 0), position, note, va="center", fontsize=BASE_FONT - 1)
    axes.tick_params(axis="x", labelsize=BASE_FONT - 1)
    if seat.has_votes:
        axes.set_xlabel("Votes", fontsize=BASE_FONT)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.xaxis.set_major_formatter("{x:,.0f}")
    else:
        axes.set_xlabel("No votes recorded", fontsize=BASE_FONT)
        axes.set_xticks([])
    places = f"{seat.places} places" if seat.places != 1 else "1 place"
    axes.set_title(
        _text(f"{truncate(seat.seat.name, 60)}: {truncate(election, 40)} ({places})"),
        fontsize=BASE_FONT + 3,
        loc="left",
        pad=34,
    )
    _despine(axes)
    legend = [Patch(color=ELECTED, label="elected"), Patch(color=NOT_ELECTED, label="not elected")]
    if seat.tied:
        legend.append(Patch(color=TIED, label="tied at the cut"))
    if slate is not None and any(c.on_slate for c in rows):
        legend.append(Patch(color="white", label=_text(f"★ {truncate(slate, 40)}")))
    # Above the bars, under the title: never over a bar, however close the race.
    axes.legend(
        handles=legend,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=len(legend),
        fontsize=BASE_FONT - 2,
        frameon=False,
        borderaxespad=0.2,
    )
    return _png(figure)


def tally_chart(results: ElectionResults) -> bytes:
    """A horizontal bar of the places each slate won (the guild's in purple), and the places still open."""
    from matplotlib.ticker import MaxNLocator

    tally = results.tally
    rows: list[tuple[str, int, str]] = []
    for name, won in tally.by_slate:
        ours = tally.slate is not None and name == tally.slate
        rows.append((("★ " if ours else "") + _label(name), won, ELECTED if ours else OTHERS))
    if tally.slate is not None and not any(name == tally.slate for name, _ in tally.by_slate):
        rows.insert(0, ("★ " + _label(tally.slate), 0, ELECTED))
    if tally.undecided:
        rows.append(("Still to declare", tally.undecided, AWAITING))
    figure = _figure(len(rows))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    values = [won for _, won, _ in rows]
    axes.barh(positions, values, color=[colour for _, _, colour in rows], height=0.6 if len(rows) > 3 else 0.45)
    axes.set_yticks(positions, labels=[label for label, _, _ in rows], fontsize=BASE_FONT)
    for tick, (label, _, _) in zip(axes.get_yticklabels(), rows, strict=True):
        if label.startswith("★"):
            tick.set_fontweight("bold")
    axes.set_ylim(len(rows) - 0.5, -0.5)
    top = max(values, default=0) or 1
    axes.set_xlim(0, top * 1.25)
    for position, value in zip(positions, values, strict=True):
        axes.text(value + top * 0.01, position, str(value), va="center", fontsize=BASE_FONT)
    axes.set_xlabel(f"Places won (of {tally.places})", fontsize=BASE_FONT)
    axes.tick_params(axis="x", labelsize=BASE_FONT - 1)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter("{x:,.0f}")
    title = f"{truncate(results.election.name, 60)}: places won"
    if results.change is not None:
        title += f" ({truncate(results.change.describe(), 60)})"
    axes.set_title(_text(title), fontsize=BASE_FONT + 3, loc="left", pad=12)
    _despine(axes)
    return _png(figure)


def results_chart(results: ElectionResults, seat: SeatResult | None = None) -> bytes:
    """The chart ``/results`` attaches: the one seat's votes, or else the whole election's tally."""
    if seat is not None:
        return seat_chart(seat, election=results.election.name, slate=results.slate)
    return tally_chart(results)


def _despine(axes: "Axes") -> None:
    """Drop the top and right frame lines, which only add ink."""
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def turnout_chart(turnout: "Turnout") -> bytes:
    """``/organise turnout``: members who said they have posted, and no-paper reports, by day (two bar series)."""
    days = sorted({day for day, _ in turnout.pledges_by_day} | {day for day, _ in turnout.reports_by_day})
    figure = _figure(0)
    axes = figure.add_subplot()
    if days:
        pledged = dict(turnout.pledges_by_day)
        reported = dict(turnout.reports_by_day)
        positions = list(range(len(days)))
        width = 0.4
        axes.bar(
            [p - width / 2 for p in positions],
            [pledged.get(d, 0) for d in days],
            width,
            color=ELECTED,
            label="said they posted their paper",
        )
        axes.bar(
            [p + width / 2 for p in positions],
            [reported.get(d, 0) for d in days],
            width,
            color=TIED,
            label="reported no paper yet",
        )
        step = max(1, len(days) // 14)
        axes.set_xticks(positions[::step], [f"{d:%-d %b}" for d in days][::step], fontsize=BASE_FONT - 1)
        axes.set_xlim(-0.8, len(days) - 0.2)
        axes.legend(fontsize=BASE_FONT - 1, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    else:
        axes.text(
            0.5, 0.5, "Nothing reported yet", ha="center", va="center", fontsize=BASE_FONT + 2, transform=axes.transAxes
        )
        axes.set_xticks([])
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(labelsize=BASE_FONT - 1)
    name = truncate(turnout.election.name, 60)
    axes.set_title(_text(f"{name}: turnout by day"), fontsize=BASE_FONT + 3, loc="left", pad=12)
    _despine(axes)
    return _png(figure)
