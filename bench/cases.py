"""The benchmarks: a name, a setup that returns the callable to time, a target and a query budget."""

from collections.abc import Callable
from dataclasses import dataclass

from crm.models import User


@dataclass
class Case:
    name: str
    setup: Callable
    target_ms: int
    max_queries: int


def page(path: str, username: str = "alice", status: int = 200):
    def setup(client):
        client.force_login(User.objects.get(username=username))

        def get():
            response = client.get(path)
            assert response.status_code == status, (path, response.status_code)

        return get

    return setup


CASES = [
    Case("home dashboard (programme office)", page("/home/"), 150, 25),
    Case("home dashboard (centre staff)", page("/home/", "bob"), 150, 25),
    Case("search 'oncology'", page("/search/?q=oncology"), 250, 20),
    Case("API root", page("/api/v1/"), 100, 10),
]
