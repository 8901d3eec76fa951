"""calendar tools (being written)."""
