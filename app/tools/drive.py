"""drive tools (being written)."""
