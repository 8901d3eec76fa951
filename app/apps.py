from django.apps import AppConfig


class GwsMaaConfig(AppConfig):
    name = "app"
    verbose_name = "GWS-MAA"
    default_auto_field = "django.db.models.BigAutoField"
