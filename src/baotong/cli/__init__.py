"""The ``baotong`` command line: thin commands that parse, call a service or engine, print."""
