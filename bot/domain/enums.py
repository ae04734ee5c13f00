"""Enumerations named exactly as the product contract (COMMANDS.md) names them."""

from enum import StrEnum


class MilestoneKind(StrEnum):
    """A dated step of an election's timetable."""

    NOMINATIONS_OPEN = "nominations_open"
    NOMINATIONS_CLOSE = "nominations_close"
    BALLOT_OPEN = "ballot_open"
    REPLACEMENT_DEADLINE = "replacement_deadline"
    BALLOT_CLOSE = "ballot_close"
    RESULTS = "results"

    @property
    def label(self) -> str:
        """Human label, e.g. ``Ballot opens``."""
        return _MILESTONE_LABELS[self]


_MILESTONE_LABELS = {
    MilestoneKind.NOMINATIONS_OPEN: "Nominations open",
    MilestoneKind.NOMINATIONS_CLOSE: "Nominations close",
    MilestoneKind.BALLOT_OPEN: "Ballot opens",
    MilestoneKind.REPLACEMENT_DEADLINE: "Last day to ask for a replacement ballot paper",
    MilestoneKind.BALLOT_CLOSE: "Ballot closes",
    MilestoneKind.RESULTS: "Results declared",
}

#: Pairs of milestones that must come in this order when both are dated: (earlier, later).
TIMETABLE_ORDER: tuple[tuple[MilestoneKind, MilestoneKind], ...] = (
    (MilestoneKind.NOMINATIONS_OPEN, MilestoneKind.NOMINATIONS_CLOSE),
    (MilestoneKind.NOMINATIONS_CLOSE, MilestoneKind.BALLOT_OPEN),
    (MilestoneKind.BALLOT_OPEN, MilestoneKind.REPLACEMENT_DEADLINE),
    (MilestoneKind.REPLACEMENT_DEADLINE, MilestoneKind.BALLOT_CLOSE),
    (MilestoneKind.BALLOT_OPEN, MilestoneKind.BALLOT_CLOSE),
    (MilestoneKind.BALLOT_CLOSE, MilestoneKind.RESULTS),
)


class ElectorateType(StrEnum):
    """Who votes for a seat."""

    REGION = "region"
    SERVICE_GROUP = "service_group"
    GROUP = "group"
    NATIONAL = "national"


class Nation(StrEnum):
    """The UK nation whose bank holidays a guild follows."""

    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"
