"""docs tools (being written)."""
