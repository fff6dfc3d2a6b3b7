"""The command part of the demo (filled in below)."""
