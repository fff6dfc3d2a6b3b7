"""Transport (运输): vehicle routing for shuttles and delivery runs, on PyVRP.

The routing engine (``engine``) is pure: plain data in, routes out, never the database.
``vrplib`` reads the standard benchmark instances so the engine the service uses can be
measured against their best-known solutions (``baotong transport solve-vrplib``).
"""
