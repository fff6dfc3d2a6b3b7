"""Performance measurements, run on demand with ``make bench`` (never timed asserts in tests)."""
