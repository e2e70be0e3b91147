# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one rounding rule of the rating engine.

**Rule.** The amount of a usage record is computed exactly in ``Decimal``
(connection fee + the price of every charged unit, raised to the minimum charge)
and rounded **once**, at the very end, to the tariff version's ``precision``
(decimal places, 0..6) with the tariff version's ``method``:

* ``half_up``   0.125 -> 0.13, 0.124 -> 0.12 (commercial rounding, the default)
* ``half_even`` 0.125 -> 0.12, 0.135 -> 0.14 (banker's rounding)
* ``up``        any fraction rounds up: 0.121 -> 0.13 (in the operator's favour)
* ``down``      any fraction is dropped: 0.129 -> 0.12 (in the customer's favour)

Unit prices are never rounded (a price of 0.10 per minute charged per second is
0.10/60 per second, not 0.0017), which is how the classic "0.4980 instead of 0.50"
surprise is avoided. Amounts are never negative, so ``up``/``down`` are simply
away from / toward zero. Nothing in the engine uses ``float``.

Intermediate results carry ``PRECISION`` (40) significant digits. The only inexact
step is the division of a price by its price unit (e.g. per 60 seconds); the exact
result is a fraction whose denominator divides the product of the price units, so
it is either exactly representable or at least 1e-20 away from any rounding
boundary of the final ``precision``: the 40-digit intermediate cannot change the
rounded amount.
"""

from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
)

PRECISION = 40
CONTEXT = Context(prec=PRECISION, rounding=ROUND_HALF_EVEN)

METHODS = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "up": ROUND_UP,
    "down": ROUND_DOWN,
}

ZERO = Decimal(0)


class Rounding:
    """``precision`` decimal places, ``method`` one of :data:`METHODS`."""

    __slots__ = ("_quantum", "_rounding", "method", "precision", "zero")

    def __init__(self, precision=2, method="half_up"):
        precision = int(precision)
        if not 0 <= precision <= 6:
            raise ValueError(f"rounding precision must be 0..6, not {precision}")
        if method not in METHODS:
            raise ValueError(f"rounding method must be one of {sorted(METHODS)}, not {method!r}")
        self.precision = precision
        self.method = method
        self._quantum = Decimal(1).scaleb(-precision)
        self._rounding = METHODS[method]
        #: the rounded zero (what allowances leave to pay), made once
        self.zero = self.apply(ZERO)

    def apply(self, amount):
        """Round an exact ``Decimal`` amount once, as documented."""
        return amount.quantize(self._quantum, rounding=self._rounding, context=CONTEXT)

    def __repr__(self):
        return f"Rounding({self.precision}, {self.method!r})"

    def __eq__(self, other):
        return isinstance(other, Rounding) and (self.precision, self.method) == (
            other.precision,
            other.method,
        )

    def __hash__(self):
        return hash((self.precision, self.method))


def to_decimal(value):
    """A ``Decimal`` from a Decimal, int or numeric string; floats are refused."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool | float):
        raise TypeError("amounts are Decimal, int or str, never float or bool")
    if isinstance(value, int | str):
        return Decimal(value)
    raise TypeError(f"cannot make a Decimal amount of {value!r}")
