from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "crm"
    verbose_name = "EPOCH"

    def ready(self):
        from allauth.account import signals

        from crm import deletions, security_events

        deletions.connect()
        security_events.connect()
        signals.password_changed.connect(_revoke_tokens, dispatch_uid="crm-revoke-tokens-changed")
        signals.password_set.connect(_revoke_tokens, dispatch_uid="crm-revoke-tokens-set")
        signals.password_reset.connect(_revoke_tokens, dispatch_uid="crm-revoke-tokens-reset")


def _revoke_tokens(sender, request, user, **kwargs):
    # A changed or reset password ends every API token made under the old one.
    from crm.services import tokens_revoke_all

    tokens_revoke_all(user=user)
