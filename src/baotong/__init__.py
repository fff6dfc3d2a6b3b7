"""Baotong (保通): keeps supplies and mail moving when part of a postal network locks down.

The package follows one layout: ``core`` and ``db`` know no domain; each domain package
(``network``, ``contingency``, ...) holds its models, schemas, services and pure engines.
"""

__version__ = "0.1.0"
