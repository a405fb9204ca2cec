"""Shared helpers: the C suite's reference vectors (tests/data of the
repository, or JAXRANDOM_TEST_DATA) and a clean configuration per test."""
import json
import os

import pytest
from hypothesis import settings

import jaxrandom as jr

# CI runs the property tests with a fixed sequence of examples (repeatable);
# local runs explore new ones each time.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

DATA = os.environ.get("JAXRANDOM_TEST_DATA") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data")


def data_path(name):
    return os.path.join(DATA, name)


def cases(name):
    """Lines of a tests/data file: (tokens before ':', tokens after, lineno)."""
    with open(data_path(name)) as f:
        for no, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            args, _, vals = line.partition(":")
            yield args.split(), vals.split(), no


def json_cases(name):
    with open(data_path(name)) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                yield json.loads(line)


@pytest.fixture(autouse=True)
def default_config():
    """Every test starts from JAX's defaults and leaves them so."""
    jr.config.update("jax_enable_x64", False)
    jr.config.update("jax_threefry_partitionable", True)
    yield
    jr.config.update("jax_enable_x64", False)
    jr.config.update("jax_threefry_partitionable", True)
