"""Demo users, one of every role, with documented passwords (demo only: never in production)."""

from capabilities.models import Centre
from crm.models import Role, User

DEMO_PASSWORD = "epoch-demo-2026"

DEMO_USERS = [
    # username, first, last, role, centre codes
    ("admin", "Ada", "Admin", Role.PROGRAMME_OFFICE, []),
    ("alice", "Alice", "Okafor", Role.PROGRAMME_OFFICE, []),
    ("priya", "Priya", "Shah", Role.PROGRAMME_OFFICE, []),
    ("victor", "Victor", "Lang", Role.VIEWER, []),
    ("bob", "Bob", "Fraser", Role.CENTRE, ["leeds"]),
    ("carol", "Carol", "Nguyen", Role.CENTRE, ["manchester"]),
    ("dev", "Dev", "Patel", Role.CENTRE, ["london-great-ormond-street-paed", "london-ucl"]),
    # A sponsor account; feasibility.sponsor_demo ties it to its company (Caldera Oncology) once that exists.
    ("sam", "Sam", "Reid", Role.SPONSOR, []),
]


def seed_users(centres: dict[str, Centre]) -> dict[str, User]:
    users = {}
    for username, first, last, role, centre_codes in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "email": f"{username}@epoch.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if username == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
        for code in centre_codes:
            centres[code].members.add(user)
        users[username] = user
    return users
