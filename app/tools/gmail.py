"""gmail tools (being written)."""
