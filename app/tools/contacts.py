"""contacts tools (being written)."""
