"""Prepare the load test's database: a signed-in session for each demo role, an API token, and the ids the
journeys visit. Prints JSON for loadtest/locustfile.py. Run with DATABASE_URL pointing at the load database."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from crm import services  # noqa: E402
from crm.models import User  # noqa: E402
from feasibility.models import FeasibilityRequest, Invitation  # noqa: E402


def session_for(user: User) -> str:
    # Sessions made here, not by signing in 30 times a minute from one address (the sign-in rate limit
    # would rightly refuse that); the journeys measure pages, not the sign-in form.
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


users = {name: User.objects.get(username=name) for name in ("alice", "victor", "bob", "carol")}
alice = users["alice"]
for token in alice.api_tokens.active().filter(name="load test"):
    services.token_revoke(actor=alice, token=token)
_token, key = services.token_create(actor=alice, name="load test")
print(
    json.dumps(
        {
            "sessions": {name: session_for(user) for name, user in users.items()},
            "token": key,
            "requests": list(FeasibilityRequest.objects.order_by("-pk").values_list("pk", flat=True)[:40]),
            "invitations": {
                name: list(Invitation.objects.filter(centre__members=users[name]).values_list("pk", flat=True)[:20])
                for name in ("bob", "carol")
            },
        }
    )
)
