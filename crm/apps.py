from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "crm"
    verbose_name = "EPOCH"

    def ready(self):
        from crm import deletions, security_events

        deletions.connect()
        security_events.connect()
