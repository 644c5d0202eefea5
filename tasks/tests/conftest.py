from pathlib import Path

import pytest

SOURCE_2021 = Path(__file__).resolve().parents[2] / "fixtures" / "changjiang-2021.txt"


@pytest.fixture
def source_2021():
    return SOURCE_2021.read_text(encoding="utf-8")
