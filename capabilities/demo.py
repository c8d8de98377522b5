"""Demo network: the centres of a fictional-but-plausible ECMC-like network (named after their cities)."""

from capabilities.models import Centre, Nation

ADULT_CENTRES = [
    ("Belfast", Nation.NORTHERN_IRELAND, "Queen's University Belfast"),
    ("Birmingham", Nation.ENGLAND, "University of Birmingham"),
    ("Bristol", Nation.ENGLAND, "University of Bristol"),
    ("Cambridge", Nation.ENGLAND, "University of Cambridge"),
    ("Cardiff", Nation.WALES, "Cardiff University"),
    ("Edinburgh", Nation.SCOTLAND, "University of Edinburgh"),
    ("Glasgow", Nation.SCOTLAND, "University of Glasgow"),
    ("Leeds", Nation.ENGLAND, "University of Leeds"),
    ("Leicester", Nation.ENGLAND, "University of Leicester"),
    ("Liverpool", Nation.ENGLAND, "University of Liverpool"),
    ("London Barts", Nation.ENGLAND, "Queen Mary University of London"),
    ("London Imperial", Nation.ENGLAND, "Imperial College London"),
    ("London King's", Nation.ENGLAND, "King's College London"),
    ("London UCL", Nation.ENGLAND, "University College London"),
    ("Manchester", Nation.ENGLAND, "University of Manchester"),
    ("Newcastle", Nation.ENGLAND, "Newcastle University"),
    ("Oxford", Nation.ENGLAND, "University of Oxford"),
]

PAEDIATRIC_CENTRES = [
    ("Birmingham", Nation.ENGLAND, "Birmingham Children's Hospital"),
    ("Bristol", Nation.ENGLAND, "Bristol Royal Hospital for Children"),
    ("Cambridge", Nation.ENGLAND, "Cambridge University Hospitals"),
    ("Glasgow", Nation.SCOTLAND, "Royal Hospital for Children, Glasgow"),
    ("Leeds", Nation.ENGLAND, "Leeds Children's Hospital"),
    ("Liverpool", Nation.ENGLAND, "Alder Hey Children's Hospital"),
    ("London Great Ormond Street", Nation.ENGLAND, "Great Ormond Street Hospital"),
    ("London Royal Marsden", Nation.ENGLAND, "The Royal Marsden"),
    ("Manchester", Nation.ENGLAND, "Royal Manchester Children's Hospital"),
    ("Newcastle", Nation.ENGLAND, "Great North Children's Hospital"),
    ("Nottingham", Nation.ENGLAND, "Nottingham Children's Hospital"),
    ("Southampton", Nation.ENGLAND, "Southampton Children's Hospital"),
]


def _slug(city: str) -> str:
    return city.lower().replace("'", "").replace(" ", "-")


def centre_rows() -> list[dict]:
    rows = []
    for city, nation, institution in ADULT_CENTRES:
        town = city.split(" ")[0]
        rows.append(
            {
                "code": _slug(city),
                "name": f"{city} ECMC",
                "institution": institution,
                "nation": nation,
                "city": town,
                "email": f"ecmc.{_slug(city)}@example.nhs.uk",
            }
        )
    for city, nation, institution in PAEDIATRIC_CENTRES:
        town = city.split(" ")[0]
        rows.append(
            {
                "code": f"{_slug(city)}-paed",
                "name": f"{city} Paediatric ECMC",
                "institution": institution,
                "nation": nation,
                "city": town,
                "email": f"paed.{_slug(city)}@example.nhs.uk",
            }
        )
    return rows


def seed_centres() -> dict[str, Centre]:
    """Create or update the demo centres; rerunning changes nothing."""
    centres = {}
    for row in centre_rows():
        code = row.pop("code")
        centre, _ = Centre.objects.update_or_create(code=code, defaults=row)
        centres[code] = centre
    return centres
