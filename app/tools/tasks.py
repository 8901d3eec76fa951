"""tasks tools (being written)."""
