"""Client and technician keys (docs/DATA.md "Client names", docs/DETAILS.md 34)."""

import pyarrow as pa
import pytest

from kpi.load.names import client_key, keys_of, technician_key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Acme S.L.", "acme"),
        ("ACME SL", "acme"),
        ("acme", "acme"),
        ("Acme, S.L.U.", "acme"),  # dotted form arrives as letters: S.L.U. = slu
        ("Acme S. L. U.", "acme"),
        ("Globex Corporation", "globex corporation"),  # only listed suffixes are dropped
        ("Initech, Inc.", "initech"),
        ("Umbrella Holdings Ltd Co", "umbrella holdings"),  # dropped repeatedly
        ("Café Núñez", "cafe nunez"),  # accents folded
        ("  Hooli   GmbH ", "hooli"),  # spaces collapsed
        ("O'Brien & Sons LLP", "o brien sons"),  # punctuation to space
        ("Cooperativa Coop", "cooperativa"),
        ("Inc", "inc"),  # never the whole name
        ("SA", "sa"),
    ],
)
def test_client_key(name: str, key: str) -> None:
    assert client_key(name) == key


def test_technician_key_folds_case_accents_spaces() -> None:
    assert technician_key("José  García") == technician_key("jose garcia") == "jose garcia"
    assert technician_key("Ana") != technician_key("Anna")


def test_keys_of_vectorised_keeps_nulls() -> None:
    arr = pa.array(["Acme SL", None, "ACME S.L.", "Globex Inc"])
    assert keys_of(arr).to_pylist() == ["acme", None, "acme", "globex"]
    assert keys_of(pa.array(["José "]), key="technician").to_pylist() == ["jose"]
