"""Results that change only when their records do, kept in the shared cache under the records' version.

The version of a set of models is the newest history row of each (django-simple-history writes one for every
save, delete and many-to-many change, and the bulk helpers and crm/deletions.py write theirs), read in one
query. A result cached under it is never stale, whichever process made the write, and needs no signal receivers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection

from crm.history import history_model_of

DAY = 24 * 60 * 60


@functools.cache
def _newest_history_sql(models: tuple) -> str:
    # Built once per set of models: reaching a model's history manager builds a manager class each time.
    quote = connection.ops.quote_name
    newest = [
        f"(SELECT MAX({quote(h._meta.pk.column)}) FROM {quote(h._meta.db_table)})"
        for h in (history_model_of(model) for model in models)
    ]
    return "SELECT " + ", ".join(newest)


def records_version(models: tuple) -> str:
    """The newest history row of each model, in one query: it changes with every write to their records."""
    with connection.cursor() as cursor:
        cursor.execute(_newest_history_sql(models))
        return ".".join(str(n or 0) for n in cursor.fetchone())


def cached[T](key: str, models: tuple, compute: Callable[[], T], *, timeout: int = DAY) -> T:
    """`compute()`, kept under `key` and the version of `models`: 2 queries while nothing was written since."""
    versioned = f"{key}:{records_version(models)}"
    value = cache.get(versioned)
    if value is None:
        value = compute()
        cache.set(versioned, value, timeout)
    return value
