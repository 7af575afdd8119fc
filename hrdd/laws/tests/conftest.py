import pytest

from hrdd.laws.services import library_load


@pytest.fixture
def library(db):
    """The shipped library, loaded."""
    library_load()
