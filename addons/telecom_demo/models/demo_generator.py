# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Deterministic demo data that looks like an operator.

``env["telecom.demo.generator"].generate(customers=200, seed=42)`` is what
``./suite run`` and ``./suite demo`` call (scripts/generate_demo.py installs this
add-on first). The data of each add-on of the suite is a file of this add-on
(``demo_crm.py``, ``demo_billing.py``, ``demo_oss.py``, ``demo_helpdesk.py``,
``demo_portal.py``) that appends its steps to :meth:`_demo_steps` and implements
them; every step gets its own random generator seeded from ``(seed, step name)``,
so adding a step never changes what the earlier steps produce. Steps are
idempotent: run again with a larger volume, the generator only adds what is
missing.

The bulk path (``generate(customers, seed, bulk=True)``, ``./suite demo --bulk``, the
default from ``BULK_FROM`` = 10,000 customers on) runs the same steps in the same
order with the same distributions, but a step that has a bulk variant
(``_demo_bulk_<step>`` for the step ``_demo_<step>``, in the ``demo_*_bulk.py``
files) runs that instead; the helpers below are what those variants share.
"""

import logging
import random
import time

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

DEMO_REF_PREFIX = "DEMO-"
# from this many customers on, generate() takes the bulk path unless told otherwise
BULK_FROM = 10000
BULK_CHUNK = 2000


def demo_rng(seed, step):
    """The random generator of a step: the same for the same seed and step."""
    return random.Random(f"{seed}:{step}")


def chunks(items, size=BULK_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class TelecomDemoGenerator(models.AbstractModel):
    _name = "telecom.demo.generator"
    _description = "Telecom demo data generator"

    @api.model
    def _demo_steps(self):
        """Ordered names of the generator's steps; each add-on's file appends its own."""
        return []

    @api.model
    def _demo_rng(self, seed, step):
        return demo_rng(seed, step)

    @api.model
    def generate(self, customers=200, seed=42, bulk=None, steps=None):
        """Create (or complete) the demo data set; return counts per step.

        ``bulk``: take the bulk path (the ``demo_*_bulk.py`` files) for an
        operator's volume; by default from 10,000 customers on. ``steps``: only
        these steps (names from :meth:`_demo_step_names`), in the generator's order;
        scripts/generate_demo.py runs the bulk path one step per transaction.
        For administrators only (over RPC too); it works as superuser, as
        ``./suite demo`` (scripts/generate_demo.py) does.
        """
        self._telecom_check_groups("base.group_system")
        return self.sudo()._demo_generate(customers, seed, bulk=bulk, steps=steps)

    @api.model
    def _demo_step_names(self):
        """The names of the generator's steps, in order (as ``generate`` reports them)."""
        return [step.removeprefix("_demo_") for step in self._demo_steps()]

    @api.model
    def _demo_generate(self, customers, seed, bulk=None, steps=None):
        customers = int(customers)
        seed = int(seed)
        if customers < 0:
            raise ValueError("customers must be zero or more")
        if bulk is None:
            bulk = customers >= BULK_FROM
        names = self._demo_step_names()
        if steps is not None:
            if isinstance(steps, str) or not all(isinstance(s, str) for s in steps):
                raise ValueError("steps must be a list of step names")
            unknown = sorted(set(steps) - set(names))
            if unknown:
                raise ValueError(
                    f"unknown demo steps: {', '.join(unknown)} (the steps: {', '.join(names)})"
                )
        params = {"customers": customers, "seed": seed, "bulk": bool(bulk)}
        report = {}
        for step in self._demo_steps():
            if steps is not None and step.removeprefix("_demo_") not in steps:
                continue
            rng = self._demo_rng(seed, step)
            report[step.removeprefix("_demo_")] = self._demo_step_method(step, params)(rng, params)
            _logger.info("demo generator: %s -> %s", step, report[step.removeprefix("_demo_")])
        return report

    @api.model
    def _demo_step_method(self, step, params):
        """The method that runs ``step``: its bulk variant on the bulk path, if any."""
        if params.get("bulk"):
            bulk = getattr(self, "_demo_bulk_" + step.removeprefix("_demo_"), None)
            if bulk:
                return bulk
        return getattr(self, step)

    @api.model
    def _demo_anchor(self):
        """First day of the current month: demo dates are relative to it."""
        return fields.Date.context_today(self).replace(day=1)

    # -- what the bulk variants share ---------------------------------------------------
    @api.model
    def _demo_bulk_progress(self, what, done, total, started):
        rate = done / max(time.time() - started, 1e-6)
        _logger.info("demo generator (bulk): %s %s/%s (%.0f/s)", what, done, total, rate)

    @api.model
    def _demo_bulk_flush(self):
        """End of a batch: write what is pending and forget the cache (the memory of
        an ORM environment grows with every record it has seen)."""
        self.env.flush_all()
        self.env.invalidate_all()

    @api.model
    def _demo_bulk_names(self, code, count, company=None):
        """``count`` numbers of the sequence ``code``, as ``next_by_code`` gives them one
        at a time (one query each; here one query for all of them)."""
        company = company or self.env.company
        Sequence = self.env["ir.sequence"]
        seq = Sequence.search(
            [("code", "=", code), ("company_id", "in", [company.id, False])],
            order="company_id",
            limit=1,
        )
        if (
            not seq
            or seq.implementation != "standard"
            or seq.use_date_range
            or seq.number_increment != 1
        ):
            return [Sequence.with_company(company).next_by_code(code) for _i in range(count)]
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{seq.id:03d}",
                count,
            )
        )
        prefix, suffix = seq._get_prefix_suffix()
        return [f"{prefix}{n:0{seq.padding}d}{suffix}" for (n,) in self.env.cr.fetchall()]

    @api.model
    def _demo_bulk_create(self, model, vals_list, sequence=None):
        """``create(vals_list)`` with each model's defaults computed once for the batch
        (Odoo computes them per record: a query or two each for some of them) and, with
        ``sequence``, the names drawn in one query."""
        if not vals_list:
            return model.browse()
        defaults = model.default_get(list(model._fields))
        if sequence:
            defaults.pop("name", None)
            missing = [vals for vals in vals_list if not vals.get("name")]
            for vals, name in zip(missing, self._demo_bulk_names(sequence, len(missing)),
                                  strict=True):  # fmt: skip
                vals["name"] = name
        return model.create([{**defaults, **vals} for vals in vals_list])
