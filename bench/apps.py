from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Synthetic data and benchmarks. An app only so that `manage.py generate_demo` keeps its
    name; it has no models, views or URLs, and nothing in tasks, meetings or commendations
    imports it."""

    name = "bench"
    verbose_name = "Benchmarks and demo data"
