"""The supply part of the demo (filled below)."""
