from hypothesis import settings

# Derandomised: the same examples on every run and machine, so a property test cannot fail at
# random in CI; no example database written into the checkout; no per-example deadline (the
# machine is shared and an import takes a while).
settings.register_profile("govtasks", derandomize=True, database=None, deadline=None)
settings.load_profile("govtasks")
