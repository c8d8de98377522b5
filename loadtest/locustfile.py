"""The load test (`make loadtest`): the main journeys of each role against gunicorn and PostgreSQL.

Office staff read lists, open requests and the annual report; centre staff open the requests they must
answer and the answer form; leadership read dashboards; scripts call the API with a token. Each virtual
user pauses 1-3 s between pages, as a person (or a polite script) would. Reads only: the run leaves the
database as it found it, so it can be repeated and compared.
"""

import json
import os
import random
from datetime import date

from locust import HttpUser, between, task

SETUP = json.loads(open(os.environ["LOADTEST_SETUP"]).read())  # noqa: SIM115 - read once at import
YEAR = date.today().year - 1


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        self.client.cookies.set("sessionid", SETUP["sessions"][self.username])

    def page(self, path, name=None):
        # Redirects are followed (a one-centre member's "my centre" opens that centre), but landing on the
        # sign-in page is a failure: the session was refused.
        with self.client.get(path, name=name or path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
            elif "/accounts/login/" in response.url:
                response.failure(f"sent to sign in from {path}")


class ProgrammeOffice(Person):
    weight = 3
    username = "alice"

    @task(3)
    def lists(self):
        self.page(random.choice(["/organisations/", "/contacts/", "/engagements/", "/events/", "/follow-ups/"]))

    @task(3)
    def requests(self):
        self.page("/requests/")
        if SETUP["requests"]:
            self.page(f"/requests/{random.choice(SETUP['requests'])}/", name="/requests/[id]/")

    @task(1)
    def report(self):
        self.page(f"/reports/annual/{YEAR}/", name="/reports/annual/[year]/")

    @task(1)
    def home(self):
        self.page("/home/")


class CentreStaff(Person):
    weight = 3
    username = "bob"

    def on_start(self):
        self.username = random.choice(["bob", "carol"])
        super().on_start()

    @task(3)
    def to_answer(self):
        self.page("/requests/to-answer/")
        invitations = SETUP["invitations"][self.username]
        if invitations:
            self.page(
                f"/requests/invitations/{random.choice(invitations)}/answer/", name="/requests/invitations/[id]/answer/"
            )

    @task(1)
    def my_centre(self):
        self.page("/centres/mine/")

    @task(1)
    def home(self):
        self.page("/home/")


class Leadership(Person):
    weight = 2
    username = "victor"

    @task(3)
    def dashboard(self):
        self.page("/home/")

    @task(1)
    def matrix(self):
        self.page("/centres/matrix/")

    @task(1)
    def report(self):
        self.page(f"/reports/annual/{YEAR}/", name="/reports/annual/[year]/")


class ApiScript(HttpUser):
    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {SETUP['token']}"

    @task
    def read(self):
        path = random.choice(
            ["/api/v1/organisations/", "/api/v1/centres/", "/api/v1/feasibility-requests/", "/api/v1/engagements/"]
        )
        with self.client.get(path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
