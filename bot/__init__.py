"""Slatebot: a Discord campaign organiser for a trade-union slate."""
