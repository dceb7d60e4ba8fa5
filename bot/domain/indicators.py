"""Effectiveness indicators (cl. 3 в, 4 ж): a priority project, or the Plan as a whole, is
measured by indicators with a baseline, a target value and a target date; measured values
arrive over time. Pure rules: what a typed number is, and where the latest value stands
against the target.

The direction of an indicator follows its baseline and target: a target above the baseline
means more is better (the share of requests answered on time), a target below it means less
is better (the days a request waits). The expected value on a day moves in a straight line
from the baseline on the start day to the target on the target day.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from bot.domain.fields import TextField

# What the secretariat types about an indicator and a value.
KPI_NAME = TextField("kpi_name", 300)
KPI_MEASURE = TextField("kpi_measure", 50)
KPI_SOURCE = TextField("kpi_source", 300)

# The largest magnitude accepted: beyond it a typed number is a slip of the keyboard.
NUMBER_LIMIT = Decimal("1e12")
# Digits after the decimal separator that a value keeps.
MAX_DECIMALS = 4

# An optional sign, digits perhaps grouped by spaces, an optional fraction after «,» or «.».
_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:[.,][0-9]+)?")
# Spaces people (and their keyboards) put between groups of digits.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
# A minus typed as a dash or the minus sign.
_MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-"})


class KpiStatus(StrEnum):
    REACHED = "reached"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    # No value measured yet.
    NO_DATA = "no_data"


class NumberProblem(StrEnum):
    NOT_A_NUMBER = "not_a_number"
    TOO_LARGE = "too_large"
    TOO_PRECISE = "too_precise"


class NumberError(ValueError):
    def __init__(self, problem: NumberProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def parse_number(text: str) -> float:
    """A typed number: «12,5» (the Russian decimal comma) or «12.5», «-3», «1 200»; refused
    with the reason when it is not a number, is too large or has too many decimals."""
    cleaned = " ".join(text.translate(_SPACES).translate(_MINUSES).split())
    if _NUMBER.fullmatch(cleaned) is None:
        raise NumberError(NumberProblem.NOT_A_NUMBER)
    try:
        number = Decimal(cleaned.replace(" ", "").replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise NumberError(NumberProblem.NOT_A_NUMBER) from exc
    if abs(number) >= NUMBER_LIMIT:
        raise NumberError(NumberProblem.TOO_LARGE)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        raise NumberError(NumberProblem.TOO_PRECISE)
    value = float(number)
    if not math.isfinite(value):  # pragma: no cover - bounded above
        raise NumberError(NumberProblem.NOT_A_NUMBER)
    return value


def increasing(baseline: float, target: float) -> bool:
    """Whether more is better: the target lies above the baseline."""
    return target >= baseline


def expected_on(baseline: float, target: float, start: date, target_day: date, day: date) -> float:
    """The value the straight line from (start, baseline) to (target day, target) gives on
    ``day``: the baseline before the start, the target from the target day on."""
    if day <= start:
        return baseline
    if day >= target_day:
        return target
    share = (day - start).days / (target_day - start).days
    return baseline + (target - baseline) * share


@dataclass(frozen=True, slots=True)
class Measured:
    value: float
    on: date


def kpi_status(
    baseline: float,
    target: float,
    start: date,
    target_day: date,
    latest: Measured | None,
) -> KpiStatus:
    """Cl. 3 в: where the latest measured value stands. Reached when it attains the target
    (at or above it, or at or below it where less is better); on track when it is at least
    where the straight line from the baseline to the target says it should be on the day it
    was measured; behind otherwise (and always once the target day has passed unreached)."""
    if latest is None:
        return KpiStatus.NO_DATA
    up = increasing(baseline, target)
    value = latest.value

    def attains(goal: float) -> bool:
        return value >= goal if up else value <= goal

    if attains(target):
        return KpiStatus.REACHED
    if latest.on >= target_day:
        return KpiStatus.BEHIND
    if attains(expected_on(baseline, target, start, target_day, latest.on)):
        return KpiStatus.ON_TRACK
    return KpiStatus.BEHIND


class KpiProblem(StrEnum):
    SAME_AS_BASELINE = "same_as_baseline"
    TARGET_DAY_PAST = "target_day_past"
    MEASURED_IN_FUTURE = "measured_in_future"


class KpiRuleError(ValueError):
    def __init__(self, problem: KpiProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def check_target(baseline: float, target: float) -> float:
    """A target equal to the baseline gives the indicator no direction: refused."""
    if target == baseline:
        raise KpiRuleError(KpiProblem.SAME_AS_BASELINE)
    return target


def check_target_day(day: date, *, today: date) -> date:
    """The day the target is to be reached lies ahead (today is too soon: nothing to track)."""
    if day <= today:
        raise KpiRuleError(KpiProblem.TARGET_DAY_PAST)
    return day


def check_measured_on(day: date, *, today: date) -> date:
    """A value is measured on a day that has come: a date in the future is refused."""
    if day > today:
        raise KpiRuleError(KpiProblem.MEASURED_IN_FUTURE)
    return day
