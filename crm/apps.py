from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "crm"
    verbose_name = "EPOCH"
