"""
Domain records -> Discord embeds. No I/O.

Every piece of user text goes through ``plain()`` so a name or statement can neither ping anyone nor break the
layout, and every embed is built within Discord's limits (title 256, description 4,096, 25 fields, field value
1,024, 6,000 in all).
"""

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.domain.ballot import NATIONAL_PAPER, votes_label
from bot.domain.enums import ElectorateType, MilestoneKind
from bot.domain.models import Candidate, MemberVote, SeatWithCandidates, VoteCast
from bot.domain.record import (
    figures,
    long_date,
    meeting_label,
    outcome_sentence,
    outcome_word,
    short_date,
    votes_by_kind,
)
from bot.domain.results import CandidateResult, ElectionResults, Outcome, SeatResult, SeatStatus, on_slate
from bot.domain.text import counted, pack_lines, plain, split_for_embeds, tidy_paragraphs, truncate
from bot.services.campaign import CandidateView, HowToVote, SlateOverview, Timetable
from bot.services.platform import Platform
from bot.services.record import LatestMeetings, MeetingReport, MemberRecord, MotionVotes, RecordView
from cogs._ui.pages import PageSpan, line_pages, number_pages, page_label

COLOUR = discord.Colour.from_rgb(90, 40, 140)
TITLE_LIMIT = 256
FIELD_LIMIT = 1024
FIELDS_PER_EMBED = 25
#: A statement page: leaves room on the first page for the card's fields within the 6,000 total.
STATEMENT_PAGE = 3000
#: Stay well under the 6,000 total so a footer always fits.
EMBED_BUDGET = 5500
#: A page of platform points: short enough to read on a phone without scrolling far.
PLATFORM_PAGE = 3500

_ELECTORATE_LABELS = {
    ElectorateType.REGION: "Members in the {} region",
    ElectorateType.SERVICE_GROUP: "Members in the {} service group",
    ElectorateType.GROUP: "{}",
    ElectorateType.NATIONAL: "Every member ({})",
}


def title(text: str) -> str:
    """User text made safe and short enough for an embed title."""
    return truncate(plain(text), TITLE_LIMIT)


def field_value(text: str) -> str:
    """Text (already safe) cut to a field value's limit."""
    return truncate(text, FIELD_LIMIT) or "—"


def when(instant: datetime) -> str:
    """A Discord timestamp, absolute and relative, shown in each reader's own zone."""
    return f"{discord.utils.format_dt(instant, 'F')} ({discord.utils.format_dt(instant, 'R')})"


def electorate_label(seat: SeatWithCandidates) -> str:
    """Who votes for the seat, in words."""
    return _ELECTORATE_LABELS[seat.seat.electorate_type].format(plain(seat.seat.electorate))


#: The one meaning of ★ wherever it appears (seats, cards, results, charts): a candidate of the guild's own slate.
#: Sitting members are said in words, "(sitting member)", never with a mark.
STAR = "★"


def star_legend(slate: str) -> str:
    """The footer that says what ★ means."""
    return truncate(f"{STAR} = our slate, {slate}", 2048)


def candidate_line(candidate: Candidate, *, slate: str | None) -> str:
    """One line naming a candidate, marking the guild slate's with ★ and saying "sitting member" in words."""
    ours = on_slate(candidate, slate)
    mark = "★ " if ours else "• "
    details = [plain(candidate.slate) if candidate.slate else "independent"]
    if candidate.incumbent:
        details.append("sitting member")
    name = f"**{plain(candidate.name)}**" if ours else plain(candidate.name)
    return f"{mark}{name} ({', '.join(details)})"


def seat_status(seat: SeatWithCandidates) -> str:
    """``vote for up to 2``, or the unopposed notice."""
    if seat.unopposed:
        return "unopposed, pending declaration"
    if not seat.candidates:
        return "no candidates yet"
    return votes_label(seat.seat.places)


def candidate_pages(view: CandidateView) -> list[discord.Embed]:
    """A candidate's card, then the statement over as many pages as it needs."""
    cand = view.candidate
    # Tidied on display too, so a statement stored before tidying on write (or imported as is) reads well.
    statement_pages = split_for_embeds(plain(tidy_paragraphs(cand.statement or "")), STATEMENT_PAGE) or [
        "*No statement yet.*",
    ]
    pages: list[discord.Embed] = []
    for number, text in enumerate(statement_pages, start=1):
        embed = discord.Embed(title=title(cand.name), description=text, colour=COLOUR)
        if number == 1:
            embed.add_field(name="Standing for", value=field_value(plain(view.seat.seat.name)), inline=False)
            embed.add_field(name="Election", value=field_value(plain(view.election.name)), inline=True)
            slate = plain(cand.slate) if cand.slate else "Independent"
            if view.on_guild_slate:
                slate = f"★ {slate} (our slate)"
            embed.add_field(name="Slate", value=field_value(slate), inline=True)
            if cand.branch:
                embed.add_field(name="Branch", value=field_value(plain(cand.branch)), inline=True)
            if cand.job:
                embed.add_field(name="Job", value=field_value(plain(cand.job)), inline=True)
            if cand.incumbent:
                embed.add_field(name="Sitting member", value="Yes", inline=True)
        if len(statement_pages) > 1:
            embed.set_footer(text=f"Statement page {number} of {len(statement_pages)}")
        pages.append(embed)
    return pages


def seat_embed(seat: SeatWithCandidates, *, election: str, slate: str | None) -> discord.Embed:
    """The seat, its electorate and places, every candidate, the slate's marked."""
    embed = discord.Embed(title=title(seat.seat.name), colour=COLOUR)
    embed.description = (
        f"{plain(election)}\n**Who votes:** {electorate_label(seat)}\n"
        f"**Places:** {seat.seat.places} ({seat_status(seat)})"
    )
    lines = [candidate_line(c, slate=slate) for c in seat.candidates] or ["No candidates yet."]
    embed.add_field(name=f"Candidates ({len(seat.candidates)})", value=field_value("\n".join(lines)), inline=False)
    if slate:
        embed.set_footer(text=star_legend(slate))
    return embed


def slate_pages(overview: SlateOverview, *, per_page: int = 25) -> list[tuple[discord.Embed, list[Candidate]]]:
    """
    The slate's candidates grouped by seat, paged so each page holds at most ``per_page`` candidates.

    Returns each page's embed with the candidates it lists (for the page's select menu).
    """
    slate = overview.slate or ""
    pages: list[tuple[discord.Embed, list[Candidate]]] = []
    head = f"{plain(slate)} candidates in {plain(overview.election.name)}"

    def new_page() -> tuple[discord.Embed, list[Candidate]]:
        embed = discord.Embed(title=title(head), colour=COLOUR)
        total = len(overview.slate_candidate_list)
        embed.description = (
            f"{counted(total, 'candidate')} in {counted(len(overview.slate_seats), 'seat')}. "
            "Pick a name below to read their statement."
        )
        return embed, []

    embed, listed = new_page()
    for seat in overview.slate_seats:
        picks = overview.slate_candidates(seat)
        names = "\n".join(f"{plain(c.name)}{' (sitting member)' if c.incumbent else ''}" for c in picks)
        value = field_value(f"{names}\n*{seat_status(seat)}*")
        name = truncate(plain(seat.seat.name), TITLE_LIMIT)
        full = len(embed.fields) >= FIELDS_PER_EMBED or len(listed) + len(picks) > per_page
        if full or len(embed) + len(name) + len(value) > EMBED_BUDGET:
            pages.append((embed, listed))
            embed, listed = new_page()
        embed.add_field(name=name, value=value, inline=True)
        listed.extend(picks)
    pages.append((embed, listed))
    number_pages([page for page, _ in pages])
    return pages


def timetable_embed(timetable: Timetable) -> discord.Embed:
    """Every dated milestone, absolute and relative, leading with the window's state."""
    election = timetable.election
    embed = discord.Embed(title=title(f"{election.name}: ballot timetable"), colour=COLOUR)
    lines: list[str] = []
    close = timetable.ballot_close
    if timetable.open_now:
        ending = f"closes {discord.utils.format_dt(close, 'R')}" if close else "no closing date set yet"
        lines.append(f"**Ballot open now: {ending}.**")
        if timetable.post_by_today:
            lines.append("**Today is the day to post your ballot paper, so that it arrives before the close.**")
    elif timetable.ballot_open and timetable.now < timetable.ballot_open:
        lines.append(f"The ballot opens {discord.utils.format_dt(timetable.ballot_open, 'R')}.")
    elif close and timetable.now >= close:
        lines.append("The ballot has closed.")
    if election.description:
        lines.append(plain(truncate(election.description, 500)))
    embed.description = "\n".join(lines) or None
    for kind in MilestoneKind:
        at = election.at(kind)
        if at is not None:
            embed.add_field(name=kind.label, value=when(at), inline=False)
        if kind is MilestoneKind.REPLACEMENT_DEADLINE and timetable.post_by is not None:
            embed.add_field(
                name="Post your ballot paper by",
                value=f"{when(timetable.post_by)}\nso that it arrives before the close",
                inline=False,
            )
    if not election.timetable:
        embed.add_field(name="No dates yet", value="An organiser can add them with `/organise date set`.")
    return embed


def how_to_vote_pages(how: HowToVote) -> list[discord.Embed]:
    """The member's papers, each seat with the slate's pick(s), then the ballot window and post-by day."""
    election = how.timetable.election
    pages: list[discord.Embed] = []

    def new_page() -> discord.Embed:
        embed = discord.Embed(title=title(f"How to vote in {election.name}"), colour=COLOUR)
        who = [f"region **{plain(how.region)}**"] if how.region else []
        if how.service_group:
            who.append(f"service group **{plain(how.service_group)}**")
        embed.description = f"Your ballot papers as a member in {' and '.join(who) or 'no region'}."
        return embed

    embed = new_page()
    for advice in how.papers:
        lines = []
        for seat in advice.seats:
            status = seat_status(seat.seat)
            if seat.slate_candidates:
                picks = ", ".join(f"**{plain(c.name)}**" for c in seat.slate_candidates)
                lines.append(f"**{plain(seat.seat.seat.name)}** ({status}): vote {picks}")
            else:
                lines.append(f"**{plain(seat.seat.seat.name)}** ({status}): no slate candidate")
        chunks = ["\n".join(chunk) for chunk in pack_lines(lines, FIELD_LIMIT)]
        for index, chunk in enumerate(chunks):
            name = truncate(plain(advice.paper.title) + (" (cont.)" if index else ""), TITLE_LIMIT)
            if len(embed.fields) >= FIELDS_PER_EMBED - 2 or len(embed) + len(name) + len(chunk) > EMBED_BUDGET - 600:
                pages.append(embed)
                embed = new_page()
            embed.add_field(name=name, value=chunk, inline=False)
    note = _groups_note(how)
    if note:
        if len(embed.fields) >= FIELDS_PER_EMBED - 1 or len(embed) + len(note) > EMBED_BUDGET - 600:
            pages.append(embed)
            embed = new_page()
        embed.add_field(name="Your groups", value=field_value(note), inline=False)
    timetable = how.timetable
    window = []
    if timetable.ballot_open:
        window.append(f"Opens {when(timetable.ballot_open)}")
    if timetable.ballot_close:
        window.append(f"Closes {when(timetable.ballot_close)}: papers must **arrive** by then")
    if timetable.post_by:
        window.append(f"Post yours by {when(timetable.post_by)}")
    embed.add_field(name="The ballot", value=field_value("\n".join(window) or "No dates yet."), inline=False)
    pages.append(embed)
    number_pages(pages)
    return pages


def _names_in_words(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _as_members(group: str) -> str:
    """A group as typed, read as members: ``retired`` and ``retired members`` both give ``retired``."""
    words = group.split()
    if len(words) > 1 and words[-1].casefold() in ("member", "members"):
        words = words[:-1]
    return " ".join(words)


def _possessive(name: str) -> str:
    """``Black members'``, ``Everyone's``."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _groups_note(how: HowToVote) -> str:
    """What the groups the member named add: national seats they already have, or none of their own."""
    named = how.groups
    election = plain(how.timetable.election.name)
    has_national = any(advice.paper.title == NATIONAL_PAPER for advice in how.papers)
    lines: list[str] = []
    if named.without_seats:
        who = _names_in_words([plain(_as_members(g)) for g in named.without_seats])
        line = f"{who[:1].upper()}{who[1:]} members have no seats of their own in {election}"
        lines.append(f"{line}: every member votes for the national seats above." if has_national else f"{line}.")
    if named.national:
        whose = _names_in_words([_possessive(plain(g)) for g in named.national])
        lines.append(f"{whose} seats are national: they are on every member's paper already.")
    for typed, meant in named.maybe_meant:
        lines.append(f"“{plain(typed)}”: did you mean {plain(meant)}? If so, ask again naming it in groups.")
    return "\n".join(lines)


def platform_pages(platform: Platform) -> list[discord.Embed]:
    """The numbered points, paged within the description limit."""
    lines = [f"**{p.position}.** {plain(p.text)}" for p in platform.points]
    if not lines:
        lines = ["No platform points yet. An organiser can add them with `/organise platform add`."]
    heading = f"{platform.slate.name}: {'our platform' if platform.ours else 'platform'}"
    return line_pages(title(heading), lines, limit=PLATFORM_PAGE, colour=COLOUR)


# --- Results --------------------------------------------------------------------------------------------

#: Seats per page of ``/results``: enough to be worth a page, few enough to read on a phone.
RESULT_SEATS_PER_PAGE = 10

_OUTCOME_NOTES = {
    Outcome.ELECTED: "✅ elected",
    Outcome.UNOPPOSED: "✅ elected unopposed",
    Outcome.TIED: "⚖️ tied at the cut",
    Outcome.NOT_ELECTED: "",
    Outcome.AWAITING: "awaiting results",
}

_STATUS_NOTES = {
    SeatStatus.TIE: "⚠️ Tie at the cut: not decided. An organiser decides it with `/organise result set` (`elected`).",
    SeatStatus.COUNTING: "Results coming in: some votes are not recorded yet.",
    SeatStatus.AWAITING: "Awaiting results.",
    SeatStatus.NO_CANDIDATES: "No candidates.",
}


def result_line(row: CandidateResult) -> str:
    """``1. ★ **Name** · 63,900 votes · ✅ elected``: rank, the slate's star, votes and outcome."""
    rank = f"{row.rank}." if row.rank is not None else "•"
    name = f"**{plain(row.candidate.name)}**" if row.elected else plain(row.candidate.name)
    if row.on_slate:
        name = f"★ {name}"
    elif row.candidate.slate:
        name = f"{name} ({plain(row.candidate.slate)})"
    parts = [f"{rank} {name}"]
    if row.votes is not None:
        parts.append(f"{row.votes:,} {'vote' if row.votes == 1 else 'votes'}")
    note = _OUTCOME_NOTES[row.outcome]
    if note:
        parts.append(note)
    return " · ".join(parts)


def tally_text(results: ElectionResults) -> str:
    """The slate's tally and the change since the previous election, in a sentence or two."""
    tally = results.tally
    if results.slate is None:
        lines = [
            (
                f"{tally.declared} of {tally.places} places declared. "
                "Set our slate with `/organise settings slate` to see its tally."
            )
        ]
    else:
        places = "place" if tally.places == 1 else "places"
        line = f"★ **{plain(results.slate)}** won **{tally.won}** of {tally.places} {places}"
        if results.change is not None:
            line += f", {plain(results.change.describe())}"
        lines = [f"{line}. Others won {tally.others}."]
    if tally.undecided:
        lines.append(f"{tally.undecided} {'place is' if tally.undecided == 1 else 'places are'} still to be declared.")
    ties = results.ties
    if ties:
        names = ", ".join(plain(s.seat.name) for s in ties[:5]) + (
            f" and {len(ties) - 5} more" if len(ties) > 5 else ""
        )
        lines.append(f"⚠️ Tie at the cut in {names}: not decided until an organiser sets who was elected.")
    return truncate("\n".join(lines), 1500)


def _seat_lines(seat: SeatResult) -> list[str]:
    lines = [result_line(row) for row in seat.candidates]
    note = _STATUS_NOTES.get(seat.status)
    if note:
        lines.append(f"*{note}*")
    return lines


def _seat_heading(seat: SeatResult) -> str:
    places = "" if seat.places == 1 else f" · {seat.places} places"
    return truncate(f"{plain(seat.seat.name)}{places}", TITLE_LIMIT - 10)


def results_pages(
    results: ElectionResults, seat: SeatResult | None = None, *, image: str | None = None
) -> list[discord.Embed]:
    """
    ``/results``: one seat ranked by votes, or every seat of the election over pages, each page led by the tally.

    Within Discord's limits: at most ``RESULT_SEATS_PER_PAGE`` seats (and 25 fields) a page, a seat too long for
    one field continues in the next, and each page stays under the 6,000 total. ``image`` (an
    ``attachment://`` URL) is shown on every page.
    """
    election = plain(results.election.name)
    tally = tally_text(results)
    if seat is not None:
        head = title(f"{seat.seat.name}: results")
        intro = f"{election} · {votes_label(seat.places)}\n{tally}"
        chosen = [seat]
    else:
        head = title(f"{results.election.name}: results")
        intro = tally
        chosen = list(results.seats)

    def new_page() -> discord.Embed:
        embed = discord.Embed(title=head, description=intro, colour=COLOUR)
        if image:
            embed.set_image(url=image)
        return embed

    pages: list[discord.Embed] = []
    embed = new_page()
    seats_here = 0
    for shown in chosen:
        chunks = ["\n".join(chunk) for chunk in pack_lines(_seat_lines(shown), FIELD_LIMIT)] or ["—"]
        heading = "Candidates" if seat is not None else _seat_heading(shown)
        needed = sum(len(c) for c in chunks) + len(heading) * len(chunks) + 20 * len(chunks)
        full = seats_here >= RESULT_SEATS_PER_PAGE or len(embed.fields) + len(chunks) > FIELDS_PER_EMBED
        if embed.fields and (full or len(embed) + needed > EMBED_BUDGET):
            pages.append(embed)
            embed = new_page()
            seats_here = 0
        for index, chunk in enumerate(chunks):
            name = heading + (" (cont.)" if index else "")
            if len(embed.fields) >= FIELDS_PER_EMBED or len(embed) + len(name) + len(chunk) > EMBED_BUDGET:
                pages.append(embed)
                embed = new_page()
                seats_here = 0
            embed.add_field(name=name, value=chunk, inline=False)
        seats_here += 1
    pages.append(embed)
    legend = f"★ = {results.slate}" if results.slate else ""
    for number, page in enumerate(pages, start=1):
        parts = [legend] if legend else []
        if len(pages) > 1:
            parts.append(f"Page {number} of {len(pages)}")
        if parts:
            page.set_footer(text=truncate(" · ".join(parts), 2048))
    return pages


# --- The record after the election ------------------------------------------------------------------------

#: Votes a page of ``/record member:``: enough for a couple of meetings, few enough to read on a phone.
RECORD_PER_PAGE = 10
#: Room for a page's lines, leaving space for the summary line that heads every page.
RECORD_PAGE = 3500
#: How much of a motion's wording a line of ``/record member:`` quotes.
RECORD_MOTION_CHARS = 160

_VOTE_PHRASES = {
    VoteCast.FOR: "voted **for**",
    VoteCast.AGAINST: "voted **against**",
    VoteCast.ABSTAIN: "**abstained**",
    VoteCast.ABSENT: "was **absent**",
}
_VOTE_HEADINGS = {
    VoteCast.FOR: "For",
    VoteCast.AGAINST: "Against",
    VoteCast.ABSTAIN: "Abstained",
    VoteCast.ABSENT: "Absent",
}


def _one_line(text: str, limit: int) -> str:
    """A motion's wording on one line, cut to ``limit``, made safe."""
    return plain(truncate(" ".join(text.split()), limit))


def member_record_pages(record: MemberRecord) -> list[discord.Embed]:
    """
    ``/record member:``: every vote of one member, newest meeting first, ten to a page.

    Each page leads with the member's tally (``4 votes recorded: 2 for, 1 against, 1 absent``); a line names
    the meeting, the motion (its wording cut short), how the member voted and how the motion went.
    """
    counts = [
        f"{record.count(kind):,} {'abstaining' if kind is VoteCast.ABSTAIN else kind.value}"
        for kind in VoteCast
        if record.count(kind)
    ]
    where = f" at {plain(meeting_label(record.meeting))}" if record.meeting is not None else ""
    summary = f"{counted(len(record.entries), 'vote')} recorded{where}: {', '.join(counts)}."
    lines = [
        f"**{short_date(e.meeting.held_on)}** · {plain(e.meeting.title)}, motion {e.number}: {_VOTE_PHRASES[e.vote]} "
        f"— “{_one_line(e.motion.text, RECORD_MOTION_CHARS)}” ({outcome_word(e.motion)}, {figures(e.motion)})"
        for e in record.entries
    ]

    def votes_shown(span: PageSpan) -> str:
        """Which votes this page shows, and which page it is."""
        shown = f"Votes {span.first}–{span.last} of {span.total}"
        return f"{shown} · Page {span.number} of {span.pages}" if span.pages > 1 else shown

    pages = line_pages(
        title(f"How {record.member} voted"),
        lines,
        limit=RECORD_PAGE,
        max_lines=RECORD_PER_PAGE,
        colour=COLOUR,
        footer=votes_shown,
    )
    for page in pages:
        page.description = f"{summary}\n\n{page.description or ''}".strip()
    return pages


def _our_votes(votes: Sequence[MemberVote]) -> str:
    """``**For:** A, B · **Against:** C``, or a note that none of ours are recorded."""
    grouped = votes_by_kind(votes)
    parts = [
        f"**{_VOTE_HEADINGS[kind]}:** {', '.join(plain(name) for name in names)}"
        for kind, names in grouped.items()
        if names
    ]
    return " · ".join(parts) if parts else "*No votes of our members recorded.*"


def _motion_field(motion: MotionVotes) -> tuple[str, str]:
    """A motion as an embed field: ``Motion 2 · carried ✅`` over its wording, figures and our members' votes."""
    mark = "✅" if motion.motion.carried else "❌"
    name = f"Motion {motion.number} · {outcome_word(motion.motion)} {mark}"
    rest = f"**{outcome_sentence(motion.motion)}**\nOur members: {_our_votes(motion.votes)}"
    room = FIELD_LIMIT - len(rest) - 1
    wording = plain(truncate(motion.motion.text.strip(), max(room, 0))) if room > 40 else ""
    return name, field_value(f"{wording}\n{rest}" if wording else rest)


def meeting_report_pages(report: MeetingReport) -> list[discord.Embed]:
    """
    A meeting's report, for ``/record meeting:`` and ``/organise meeting post``.

    Each motion with its figures and outcome, and how each of our members voted; within Discord's limits, over
    as many pages as it needs.
    """
    meeting = report.meeting
    carried = sum(1 for m in report.motions if m.motion.carried)
    if report.motions:
        defeated = len(report.motions) - carried
        tally = f"{counted(len(report.motions), 'motion')}: {carried:,} carried, {defeated:,} defeated."
    else:
        tally = "No motions recorded yet. Organisers add them with `/organise motion add`."
    intro = f"**{plain(meeting.body)}** · {long_date(meeting.held_on)}\n{tally}"

    def new_page() -> discord.Embed:
        return discord.Embed(title=title(meeting.title), description=intro, colour=COLOUR)

    pages = [new_page()]
    for motion in report.motions:
        name, value = _motion_field(motion)
        embed = pages[-1]
        if len(embed.fields) >= FIELDS_PER_EMBED or len(embed) + len(name) + len(value) > EMBED_BUDGET:
            embed = new_page()
            pages.append(embed)
        embed.add_field(name=name, value=value, inline=False)
    whose = f"Our members: the {report.slate} slate" if report.slate else ""
    for number, page in enumerate(pages, start=1):
        parts = [whose] if whose else []
        label = page_label(number, len(pages))
        if label:
            parts.append(label)
        if parts:
            page.set_footer(text=truncate(" · ".join(parts), 2048))
    return pages


def latest_meetings_pages(latest: LatestMeetings) -> list[discord.Embed]:
    """``/record`` with no option: the recorded meetings, newest first, with what their motions came to."""
    lines = []
    for meeting, motions in latest.meetings:
        carried = sum(1 for m in motions if m.carried)
        outcome = f": {carried:,} carried, {len(motions) - carried:,} defeated" if motions else ""
        lines.append(
            f"**{short_date(meeting.held_on)}** · {plain(meeting.title)} ({plain(meeting.body)}): "
            f"{counted(len(motions), 'motion')}{outcome}"
        )
    pages = line_pages("Meetings on record", lines, limit=RECORD_PAGE, max_lines=RECORD_PER_PAGE, colour=COLOUR)
    hint = (
        "`/record meeting:` shows a meeting's motions and how our members voted; `/record member:` one member's votes."
    )
    for page in pages:
        page.description = f"{page.description or ''}\n\n{hint}".strip()
    return pages


def record_pages(view: RecordView) -> list[discord.Embed]:
    """Whatever ``/record`` found, as pages."""
    if isinstance(view, MemberRecord):
        return member_record_pages(view)
    if isinstance(view, MeetingReport):
        return meeting_report_pages(view)
    return latest_meetings_pages(view)
