"""Possible duplicates across re-photographs and formats (rules, writes, reads)."""
