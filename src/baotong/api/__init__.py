"""The JSON API at ``/api/v1``: every domain's ``api.py``, one error translator."""
