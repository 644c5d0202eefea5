"""Load and fault tests against a production-like stack (gunicorn + PostgreSQL) on loopback.

See run.py (load) and faults.py (PostgreSQL restart and a killed worker under load), and the
README's "Load test".
"""
