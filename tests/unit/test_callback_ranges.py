"""Button payloads decode into typed values within range (issue #14, finding 1): a forged
or corrupted button whose id would overflow the database does not decode at all."""

from __future__ import annotations

import inspect
from enum import Enum
from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData
from hypothesis import given
from hypothesis import strategies as st

from bot import callbacks
from bot.callbacks import MAX_ID, MeetingCb, Payload, VoteCb
from tests.support.payloads import payload_classes


def test_every_payload_class_decodes_through_the_range_check() -> None:
    found = [
        obj
        for _, obj in inspect.getmembers(callbacks, inspect.isclass)
        if issubclass(obj, CallbackData) and obj is not CallbackData
    ]
    assert len(found) > 15
    assert all(issubclass(cls, Payload) for cls in found)
    prefixes = [cls.__prefix__ for cls in payload_classes()]
    assert len(prefixes) == len(set(prefixes)), "two payload classes share a prefix"


@pytest.mark.parametrize(
    "data",
    [
        "vt:1000000000000000000000000000000:for",
        "vt:2147483648:for",
        "vt:-1:for",
        "vt:5:maybe",
        "mt:card:1000000000000000000000000000000:",
        "mt:card:2147483648:",
    ],
)
def test_the_reported_payloads_do_not_decode(data: str) -> None:
    cls = VoteCb if data.startswith("vt:") else MeetingCb
    with pytest.raises(ValueError):
        cls.unpack(data)


def test_the_largest_id_still_decodes() -> None:
    assert VoteCb.unpack(f"vt:{MAX_ID}:for").item == MAX_ID
    assert MeetingCb.unpack(f"mt:card:{MAX_ID}:").meeting == MAX_ID


def _values(cls: type[Payload], ints: st.SearchStrategy[int]) -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in cls.model_fields.items():
        annotation = info.annotation
        if annotation is int:
            fields[name] = ints
        elif isinstance(annotation, type) and issubclass(annotation, Enum):
            fields[name] = st.sampled_from(list(annotation))
        else:
            fields[name] = st.text(st.characters(codec="ascii", exclude_characters=":"), max_size=8)
    return st.fixed_dictionaries(fields)


@given(
    st.sampled_from(payload_classes()).flatmap(
        lambda cls: st.tuples(st.just(cls), _values(cls, st.integers(0, MAX_ID)))
    )
)
def test_values_in_range_round_trip(case: tuple[type[Payload], dict[str, Any]]) -> None:
    cls, values = case
    packed = cls(**values)
    assert cls.unpack(packed.pack()) == packed


OUT_OF_RANGE = st.one_of(st.integers(max_value=-1), st.integers(min_value=MAX_ID + 1))


@given(st.data())
def test_any_id_out_of_range_does_not_decode(data: st.DataObject) -> None:
    """Fuzz over every prefix: one int field out of range, the others valid."""
    cls = data.draw(st.sampled_from([c for c in payload_classes() if int in _field_types(c)]))
    values = data.draw(_values(cls, st.integers(0, MAX_ID)))
    name = data.draw(
        st.sampled_from([n for n, f in cls.model_fields.items() if f.annotation is int])
    )
    parts = [cls.__prefix__]
    for field in cls.model_fields:
        value = data.draw(OUT_OF_RANGE) if field == name else values[field]
        parts.append(str(value.value if isinstance(value, Enum) else value))
    with pytest.raises(ValueError):
        cls.unpack(":".join(parts))


def _field_types(cls: type[Payload]) -> set[Any]:
    return {f.annotation for f in cls.model_fields.values()}
