import pytest


@pytest.fixture
def unit_a(as_user):
    return as_user("unit-a")
