from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save


class CoreConfig(AppConfig):
    name = "crm"
    verbose_name = "EPOCH"

    def ready(self):
        from crm import deletions, security_events

        deletions.connect()
        security_events.connect()
        post_save.connect(_revoke_tokens, sender=self.get_model("User"), dispatch_uid="crm-revoke-tokens")
        # Django saves the user on every sign-in to stamp last_login, which history does not keep: each sign-in
        # left an empty "changed" row in the audit log beside its own "signed in" event. Stamp it in place.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(_stamp_last_login, dispatch_uid="crm-stamp-last-login")


def _stamp_last_login(sender, user, **kwargs):
    from django.utils import timezone

    user.last_login = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=user.last_login)


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
