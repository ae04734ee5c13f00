"""Discord cogs: translate interactions into service calls and render the answers."""

#: Every extension the bot loads, in order. Explicit, so a stray module never becomes a command.
EXTENSIONS: tuple[str, ...] = (
    "cogs.slate",
    "cogs.ballot",
    "cogs.results",
    "cogs.platform",
    "cogs.privacy",
    "cogs.nominations",
    "cogs.voting",
    "cogs.reminders",
    "cogs.record",
    "cogs.organise",
)
