"""MDS/MPN joins the tumour types: the haematological malignancies DESIGN.md names are leukaemias, lymphomas,
myeloma and MDS/MPN, and the seeded taxonomy had no MDS/MPN, so such requests fell outside the haematology
community."""

from django.db import migrations

CODE = "tumour.mds_mpn"


def add_mds_mpn(apps, schema_editor):
    Capability = apps.get_model("capabilities", "Capability")
    if Capability.objects.filter(code=CODE).exists():
        return
    myeloma = Capability.objects.filter(code="tumour.myeloma").first()
    if myeloma is None:  # an edited taxonomy without the tumour area: nothing to add beside
        return
    Capability.objects.create(
        code=CODE,
        name="Myelodysplastic and myeloproliferative neoplasms",
        area=myeloma.area,
        description="MDS, MPN (including myelofibrosis) and MDS/MPN overlap syndromes.",
        is_tumour_type=True,
        haematological=True,
        synonyms=["MDS", "MPN", "myelodysplastic", "myeloproliferative", "myelofibrosis"],
        order=myeloma.order,
    )


def remove_mds_mpn(apps, schema_editor):
    apps.get_model("capabilities", "Capability").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("capabilities", "0008_merge_0005_centre_partners_0007_merge_20261130_0724")]

    operations = [migrations.RunPython(add_mds_mpn, remove_mds_mpn)]
