from django.apps import AppConfig
from django.db.models.signals import post_save


class CoreConfig(AppConfig):
    name = "crm"
    verbose_name = "EPOCH"

    def ready(self):
        from crm import deletions, security_events

        deletions.connect()
        security_events.connect()
        post_save.connect(_revoke_tokens, sender=self.get_model("User"), dispatch_uid="crm-revoke-tokens")


def _revoke_tokens(sender, instance, created, raw=False, **kwargs):
    """A new password ends every API token made under the old one (whoever knew it may have made one).

    One place for every way a password changes: the profile, a reset link, the Django admin, `changepassword`.
    Django keeps the new raw password on the user from `set_password()` until `save()` has finished, so a
    save without it (a login that merely rehashes the same password, any other edit) revokes nothing.
    """
    if created or raw or getattr(instance, "_password", None) is None:
        return
    from crm.services import tokens_revoke_all

    tokens_revoke_all(user=instance)
