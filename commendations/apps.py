from django.apps import AppConfig


class CommendationsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'commendations'
