"""The appeal figures' tests read the tiny township, whose every case is known by hand."""

import pytest


@pytest.fixture(scope="module")
def store(tiny_store):
    return tiny_store
