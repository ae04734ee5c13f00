"""Embeds for the campaign's work before and during the ballot: nominations, pledges, replacement papers, turnout."""

import discord

from bot.domain.text import counted, pack_lines, plain
from bot.services.nominations import BranchNominations, CandidateNominations, Standings
from bot.services.turnout import ReplacementAnswer, Turnout, VotedAnswer
from cogs._ui.embeds import COLOUR, title, when
from cogs._ui.pages import number_pages

#: Lines per page of a long list (Discord's description holds 4,096 characters).
LINES_PER_PAGE = 30
DESCRIPTION_LIMIT = 4000


def _against(count: int, target: int | None) -> str:
    """``3 of 5`` against a target, or ``3`` without one; a tick once the target is met."""
    if target is None:
        return counted(count, "nomination")
    mark = " ✓" if count >= target else ""
    return f"{count} of {target}{mark}"


def standings_pages(standings: Standings) -> list[discord.Embed]:
    """Each slate candidate's nominations against the target, fewest first: who needs a push."""
    head = f"{plain(standings.election.name)}: nominations"
    if standings.target is not None:
        short = len(standings.short())
        intro = (
            f"Target: **{counted(standings.target, 'nomination')}** per candidate. "
            f"{counted(short, 'candidate')} still short."
        )
    else:
        intro = "No target is set (`/organise nomination target`)."
    if not standings.candidates:
        slate = plain(standings.slate) if standings.slate else "the slate"
        return [discord.Embed(title=title(head), description=f"{intro}\nNo candidates of {slate} are listed yet.")]
    lines = [
        f"**{plain(row.candidate.name)}** ({plain(row.seat)}): {_against(row.count, standings.target)}"
        for row in standings.candidates
    ]
    return _pages(head, intro, lines, footer="/nominations candidate: lists the branches; branch: what one can do")


def candidate_embed(row: CandidateNominations, target: int | None) -> discord.Embed:
    """One candidate's nominating bodies, with the day each nominated."""
    embed = discord.Embed(title=title(f"{row.candidate.name}: nominations"), colour=COLOUR)
    lines = [
        f"• {plain(n.body)}" + (f" ({n.on:%-d %B %Y})" if n.on else "")
        for n in sorted(row.bodies, key=lambda n: (n.on is None, n.on, n.body.lower()))
    ]
    body = "\n".join(lines) if lines else "No nominations recorded yet."
    embed.description = f"{plain(row.seat)}: {_against(row.count, target)}\n\n{body}"[:DESCRIPTION_LIMIT]
    return embed


def branch_embed(branch: BranchNominations, target: int | None) -> discord.Embed:
    """What one branch has done, and which slate candidates it could still nominate: for its next meeting."""
    embed = discord.Embed(title=title(f"{branch.body}: nominations for {branch.election.name}"), colour=COLOUR)
    done = [f"✓ {plain(c.candidate.name)} ({plain(c.seat)})" for c in branch.nominated]
    todo = [
        f"• {plain(c.candidate.name)} ({plain(c.seat)}): {_against(c.count, target)} so far" for c in branch.not_yet
    ]
    parts = []
    parts.append("**Nominated:**\n" + ("\n".join(done) if done else "none of the slate yet"))
    parts.append(
        "**Not yet nominated** (take these to the next branch meeting):\n"
        + ("\n".join(todo) if todo else "none: every slate candidate has this branch's nomination")
    )
    embed.description = "\n\n".join(parts)[:DESCRIPTION_LIMIT]
    return embed


def voted_text(answer: VotedAnswer) -> str:
    """The answer to "I've posted my ballot", naming nobody: counts only."""
    name = plain(answer.election.name)
    others = counted(answer.count, "member has", "members have")
    if answer.undo:
        if answer.changed:
            return f"Taken back: you are no longer counted as having posted your {name} ballot paper. {others} said so."
        return f"You had not said you posted your {name} ballot paper, so there was nothing to take back."
    if answer.changed:
        return (
            f"Thank you: noted that you have posted your {name} ballot paper, and you will get no more reminder DMs "
            f"for it. {others} said so (nobody is shown by name). `/voted undo: true` takes it back."
        )
    return f"You had already said you posted your {name} ballot paper; it is counted once. {others} said so."


def replacement_embed(answer: ReplacementAnswer) -> discord.Embed:
    """How and by when to ask for a replacement paper, and whether the member's report was counted."""
    embed = discord.Embed(title=title(f"No ballot paper for {answer.election.name}?"), colour=COLOUR)
    lines: list[str] = []
    if answer.deadline is None:
        lines.append("The last day to ask for a replacement paper is not set yet: ask an organiser.")
    elif answer.deadline_passed:
        lines.append(f"The deadline to ask for a replacement paper has passed ({when(answer.deadline)}).")
    else:
        lines.append(f"**Ask for a replacement paper before {when(answer.deadline)}.**")
        lines.append(
            "Contact the union (your branch, or the union's member helpline) and say your ballot paper has not "
            "arrived: give your name, membership number and home address. Papers must *arrive* by the close, so "
            "post the replacement as soon as it comes."
        )
    if answer.region is not None:
        if answer.counted:
            lines.append(f"Counted: one more member in **{plain(answer.region)}** without a paper (anonymously).")
        else:
            lines.append(f"You already reported a missing paper in **{plain(answer.region)}**; it is counted once.")
    elif not answer.deadline_passed:
        lines.append("Add `region:` to count your missing paper (anonymously): organisers escalate a region's cluster.")
    embed.description = "\n\n".join(lines)
    return embed


def turnout_embed(turnout: Turnout) -> discord.Embed:
    """Pledges and no-paper reports, by region and by day (the chart shows the days)."""
    embed = discord.Embed(title=title(f"{turnout.election.name}: turnout"), colour=COLOUR)
    embed.description = (
        f"**{counted(turnout.pledges, 'member')}** said they have posted their ballot paper; "
        f"**{counted(turnout.reports, 'member')}** reported no paper yet. Nobody is named."
    )
    if turnout.reports_by_region:
        lines = [f"{plain(region)}: {count}" for region, count in turnout.reports_by_region]
        embed.add_field(name="No paper yet, by region", value="\n".join(lines)[:1024], inline=False)
    if turnout.pledges_by_day:
        lines = [f"{day:%a %-d %b}: {count}" for day, count in turnout.pledges_by_day[-14:]]
        embed.add_field(name="Posted, by day (last 14 days)", value="\n".join(lines)[:1024], inline=True)
    if turnout.reports_by_day:
        lines = [f"{day:%a %-d %b}: {count}" for day, count in turnout.reports_by_day[-14:]]
        embed.add_field(name="No paper, by day (last 14 days)", value="\n".join(lines)[:1024], inline=True)
    return embed


def _pages(head: str, intro: str, lines: list[str], *, footer: str) -> list[discord.Embed]:
    pages = []
    for chunk in pack_lines(lines, DESCRIPTION_LIMIT - len(intro) - 2, max_lines=LINES_PER_PAGE):
        embed = discord.Embed(title=title(head), colour=COLOUR, description=f"{intro}\n\n" + "\n".join(chunk))
        embed.set_footer(text=footer)
        pages.append(embed)
    number_pages(pages)
    return pages
