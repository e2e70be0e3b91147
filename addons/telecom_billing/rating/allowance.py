# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Allowances: included units per billing period, consumed before anything is charged.

An :class:`AllowanceDef` (from a plan or add-on) grants ``quantity`` base units per
billing period for one usage type (it also covers the roaming variants whose
``base_code`` is that type) and a set of zone classes (``None`` = every class).
A ``shared`` allowance goes to the **pool** of the billing account: the pool holds
the sum of the grants of every subscription of the account, unless a pool size is
stated (on the account or on the allowance: then the pool is that size, whatever
the number of lines; the grant functions the stores are given decide), and every
subscription of the account draws from it.

A :class:`Balance` is the state of one grant for one owner (a subscription or a
billing account's pool) and one period: ``quantity`` included, ``used``, and
``carried`` (moved to the next period by rollover). Its remaining units are
``quantity - used - carried``; nothing else changes a balance, so units are
conserved: ``quantity == used + carried + remaining``.

**Consumption order** for a record: the subscription's own balances before the
pool's; within each, rolled-over units (oldest first) before this period's grant;
then by allowance. Records are consumed in chronological order of their start
time (the engine sorts each batch); the part of the record a balance cannot cover
is the overage, priced by the tariff. Allowances are consumed in **rated** units
(after the charging increments), from the start of the record.

**Rollover**: when an owner's balances for a period are created, the units left in
the previous period's balances of allowances with ``rollover`` are carried (as
balances of their own, with ``generation`` + 1) unless they are already
``rollover_max_periods`` periods old; the previous balance records them as
``carried`` so a late record of the previous period cannot spend them twice.
"""

SUB = "subscription"
POOL = "pool"


class AllowanceDef:
    __slots__ = (
        "id",
        "name",
        "quantity",
        "rollover",
        "rollover_max_periods",
        "shared",
        "usage_type",
        "zone_classes",
    )

    def __init__(
        self,
        id,
        usage_type,
        quantity,
        zone_classes=None,
        rollover=False,
        rollover_max_periods=1,
        shared=False,
        name=None,
    ):
        if int(quantity) < 0:
            raise ValueError("an allowance quantity cannot be negative")
        self.id = id
        self.usage_type = usage_type
        self.zone_classes = frozenset(zone_classes) if zone_classes else None
        self.quantity = int(quantity)
        self.rollover = bool(rollover)
        self.rollover_max_periods = int(rollover_max_periods or 0)
        self.shared = bool(shared)
        self.name = name or f"{usage_type} {quantity}"

    def covers(self, usage_type, base_type, zone_class):
        return (self.usage_type == usage_type or self.usage_type == base_type) and (
            self.zone_classes is None or zone_class in self.zone_classes
        )

    def __repr__(self):
        return f"AllowanceDef({self.id!r}, {self.usage_type!r}, {self.quantity})"


class Balance:
    __slots__ = (
        "allowance",
        "carried",
        "generation",
        "id",
        "owner_id",
        "period_start",
        "quantity",
        "scope",
        "used",
    )

    def __init__(
        self,
        id,
        allowance,
        scope,
        owner_id,
        period_start,
        quantity,
        used=0,
        carried=0,
        generation=0,
    ):
        self.id = id
        self.allowance = allowance
        self.scope = scope
        self.owner_id = owner_id
        self.period_start = period_start
        self.generation = generation
        self.quantity = int(quantity)
        self.used = int(used)
        self.carried = int(carried)

    @property
    def remaining(self):
        return self.quantity - self.used - self.carried

    def sort_key(self):
        return (0 if self.scope == SUB else 1, -self.generation, str(self.allowance.id))

    def __repr__(self):
        return (
            f"Balance({self.scope} {self.owner_id} {self.allowance.usage_type} "
            f"{self.period_start} gen{self.generation}: {self.used}+{self.carried}"
            f"/{self.quantity})"
        )


def order_balances(balances):
    """The consumption order documented above."""
    return sorted(balances, key=Balance.sort_key)


def consume(balances, usage_type, base_type, zone_class, quantity, apply=True):
    """Take up to ``quantity`` units; return ``(covered, [(balance, units), ...])``."""
    covered = 0
    detail = []
    for balance in balances:
        allowance = balance.allowance
        if (allowance.usage_type != usage_type and allowance.usage_type != base_type) or (
            allowance.zone_classes is not None and zone_class not in allowance.zone_classes
        ):
            continue
        left = balance.quantity - balance.used - balance.carried
        if left <= 0:
            continue
        take = quantity - covered
        take = min(take, left)
        if apply:
            balance.used += take
        covered += take
        detail.append((balance, take))
        if covered == quantity:
            break
    return covered, detail


def carry_over(previous, new_period_start, make_id=None):
    """Rollover balances for ``new_period_start`` from the ``previous`` period's.

    Marks what is carried on the previous balances and returns the new balances.
    """
    carried = []
    for balance in previous:
        allowance = balance.allowance
        left = balance.remaining
        if not allowance.rollover or left <= 0:
            continue
        generation = balance.generation + 1
        if allowance.rollover_max_periods and generation > allowance.rollover_max_periods:
            continue
        balance.carried += left
        carried.append(
            Balance(
                make_id() if make_id else None,
                allowance,
                balance.scope,
                balance.owner_id,
                new_period_start,
                left,
                generation=generation,
            )
        )
    return carried


class MemoryBalanceStore:
    """Balances kept in memory: the reference store (tests, previews, benchmarks).

    ``grants(scope, owner_id, period_start)`` returns ``[(AllowanceDef, quantity)]``
    for an owner and period (a pool's grant quantity is the sum over its
    subscriptions). The Odoo store keeps the same rules with balances in tables.
    """

    def __init__(self, grants, previous_period=None):
        self.grants = grants
        self.previous_period = previous_period
        self.by_owner = {}  # (scope, owner_id, period_start) -> [Balance]
        self._next_id = 0
        self._for_sub = {}

    def _make_id(self):
        self._next_id += 1
        return self._next_id

    def owner_balances(self, scope, owner_id, period_start, months=1):
        key = (scope, owner_id, period_start)
        balances = self.by_owner.get(key)
        if balances is None:
            balances = [
                Balance(self._make_id(), allowance, scope, owner_id, period_start, quantity)
                for allowance, quantity in self.grants(scope, owner_id, period_start)
            ]
            if self.previous_period:
                prev_start = self.previous_period(period_start, months)
                prev = self.by_owner.get((scope, owner_id, prev_start))
                if prev:
                    balances += carry_over(prev, period_start, self._make_id)
            self.by_owner[key] = balances = order_balances(balances)
        return balances

    def balances(self, sub, period_start):
        key = (sub.id, period_start)
        found = self._for_sub.get(key)
        if found is None:
            months = sub.period_months
            found = self._for_sub[key] = self.owner_balances(
                SUB, sub.id, period_start, months
            ) + self.owner_balances(POOL, sub.billing_account_id, period_start, months)
        return found

    def all_balances(self):
        for balances in self.by_owner.values():
            yield from balances
