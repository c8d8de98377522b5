# Settings read EPOCH_TESTING at import: immediate tasks, a local cache and fast password hashing.
import os

os.environ.setdefault("EPOCH_TESTING", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
