# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The telecom rating core: plain Python, no Odoo import.

Odoo imports it as ``odoo.addons.telecom_billing.rating``; the pure-Python tests
import it as ``rating`` (``tests/python/conftest.py`` puts the add-on folder on
``sys.path``). Modules:

* :mod:`.rounding`  the one rounding rule (``Decimal`` only)
* :mod:`.prefix`    longest-prefix zone lookup (digit trie)
* :mod:`.timebands` time zones, weekly band schedules, holidays, band policies
* :mod:`.periods`   billing periods
* :mod:`.tariff`    zones, price lines (increments, fee, minimum, tiers), versions
* :mod:`.allowance` allowances, balances, pools, rollover
* :mod:`.engine`    the rating engine (batches, explanations, dry runs)
* :mod:`.mediation` CSV reading and validation with reason codes
"""

from .allowance import POOL, SUB, AllowanceDef, Balance, MemoryBalanceStore, carry_over, consume
from .engine import (
    ACCEPTED,
    BILLED,
    DUPLICATE,
    RATED,
    REJECTED,
    UNBILLABLE,
    RatingEngine,
    Subscriber,
    UsageRecord,
    UsageType,
)
from .periods import PeriodCache, next_period_start, period_start, previous_period_start
from .prefix import PrefixTable
from .rounding import Rounding
from .tariff import PriceLine, Tariff, TariffVersion, Zone
from .timebands import (
    BAND_POLICIES,
    BandSchedule,
    TimeZone,
    day_number,
    parse_minute,
    parse_weekdays,
)
