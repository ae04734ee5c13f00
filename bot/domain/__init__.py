"""Pure rules of the domain: no I/O, no Discord, no storage."""
