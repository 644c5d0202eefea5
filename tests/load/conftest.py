def pytest_configure(config):
    config.addinivalue_line(
        "markers", "fault: restarts a throw-away PostgreSQL and kills a gunicorn worker (RUN_FAULT_TESTS=1)"
    )
