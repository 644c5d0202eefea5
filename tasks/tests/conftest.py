import os
from pathlib import Path

import pytest
from hypothesis import Phase, settings

SOURCE_2021 = Path(__file__).resolve().parents[2] / "fixtures" / "changjiang-2021.txt"

# mutation/run.sh: a mutant is killed by the first failing example, so shrinking it to the
# smallest one (minutes for the oracle test) is wasted time there.
settings.register_profile(
    "mutants", phases=[Phase.explicit, Phase.reuse, Phase.generate], derandomize=True, database=None, deadline=None
)
if os.environ.get("HYPOTHESIS_PROFILE") == "mutants":
    settings.load_profile("mutants")


@pytest.fixture
def source_2021():
    return SOURCE_2021.read_text(encoding="utf-8")
