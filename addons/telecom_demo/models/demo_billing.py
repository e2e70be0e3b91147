# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data of telecom_billing: the tariffs the demo plans name, their usage, and
three months of bill runs, payments and dunning.

``_demo_tariffs`` creates the tariffs MOBILE-STD, MOBILE-BIZ and SIP-STD (the
codes of the demo catalogue), a Belgian holiday calendar and a demo switch.
``_demo_usage`` imports, through the real mediation pipeline, a month and a half
of usage for every demo subscription with a number (about 60 records per mobile
line, 25 per SIP trunk, a few bad lines for the reject queue). Record ids are
deterministic, so a second run only imports what is missing.

``_demo_billing``: the demo customers' services started up to 30 months ago; the
company's billing start date is set three months back (as after a migration), so
the runs bill recurring fees from then on. Most invoices are paid, some are left
overdue, and the dunning run escalates those (reminders, late fees, suspensions).

The bulk variants of these steps are in ``demo_billing_bulk.py``.
"""

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

from odoo.addons.telecom_billing.rating import mediation

DEMO_SOURCE = "DEMO-SWITCH"
MB = 1024 * 1024
EU_CODES = ("31", "33", "34", "351", "352", "353", "36", "39", "40", "43", "45", "46", "48",
            "49", "420", "30", "358")  # fmt: skip
WORLD_CODES = ("1", "7", "41", "44", "47", "55", "61", "81", "86", "90", "91", "212", "971")
BELGIAN_HOLIDAYS = ((1, 1, "New Year"), (5, 1, "Labour Day"), (7, 21, "National Day"),
                    (8, 15, "Assumption"), (11, 1, "All Saints"), (11, 11, "Armistice"),
                    (12, 25, "Christmas"))  # fmt: skip
BILLING_DAYS = (1, 8, 15, 22)


class TelecomDemoGenerator(models.AbstractModel):
    _inherit = "telecom.demo.generator"

    @api.model
    def _demo_steps(self):
        return [*super()._demo_steps(), "_demo_tariffs", "_demo_usage", "_demo_billing"]

    # -- tariffs -------------------------------------------------------------------
    @api.model
    def _demo_zone_rows(self):
        """(code, name, zone class, kind, billable, prefixes) of every demo tariff."""
        return [
            ("BE-FIX", "Belgium fixed", "national", "destination", True, ["+32"]),
            ("BE-MOB", "Belgium mobile", "national", "destination", True,
             ["+3246", "+3247", "+3248", "+3249"]),
            ("BE-PREM", "Belgium premium", "premium", "destination", True, ["+3290"]),
            ("BE-EMERG", "Emergency", "national", "destination", False, ["+32112", "+32100"]),
            ("EU", "European Union", "international_eu", "destination", True,
             [f"+{c}" for c in EU_CODES]),
            ("WORLD", "Rest of the world", "international_world", "destination", True,
             [f"+{c}" for c in WORLD_CODES]),
            ("HOME", "Home data", "national", "destination", True, []),
            ("R-EU", "Roaming EU", "roaming_eu", "roaming", True, [f"+{c}" for c in EU_CODES]),
            ("R-WORLD", "Roaming world", "roaming_world", "roaming", True,
             [f"+{c}" for c in WORLD_CODES]),
        ]  # fmt: skip

    @api.model
    def _demo_price_rows(self, code):
        """(usage type, zone, band, price, per, increment, fee, minimum, tiers, incoming)."""
        if code == "SIP-STD":
            return [
                ("voip", "BE-FIX", False, 0.02, "minute", "1_1", 0, 0, (), False),
                ("voip", "BE-MOB", False, 0.06, "minute", "1_1", 0, 0, (), False),
                ("voip", "BE-EMERG", False, 0, "minute", "1_1", 0, 0, (), False),
                ("voip", "EU", False, 0.05, "minute", "1_1", 0, 0, (), False),
                ("voip", "WORLD", False, 0.25, "minute", "1_1", 0, 0.05, (), False),
                ("voip", "BE-PREM", False, 1.00, "minute", "1_1", 0.15, 0, (), False),
            ]
        biz = code == "MOBILE-BIZ"
        factor = 0.8 if biz else 1.0
        return [
            ("voice", "BE-FIX", "peak", 0.10 * factor, "minute", "60_60", 0.05, 0, (), False),
            ("voice", "BE-FIX", "offpeak", 0.05 * factor, "minute", "60_60", 0.05, 0, (), False),
            ("voice", "BE-FIX", "weekend", 0.04 * factor, "minute", "60_60", 0, 0, (), False),
            ("voice", "BE-MOB", False, 0.12 * factor, "minute", "30_1", 0, 0.10, (), False),
            ("voice", "BE-PREM", False, 1.50, "minute", "1_1", 0.25, 0, (), False),
            ("voice", "BE-EMERG", False, 0, "minute", "1_1", 0, 0, (), False),
            ("voice", "EU", False, 0.25 * factor, "minute", "60_60", 0.10, 0, ((10, 0.15),),
             False),
            ("voice", "WORLD", False, 1.00, "minute", "1_1", 0, 0.50, (), False),
            ("voice_roaming", "R-EU", False, 0.10 * factor, "minute", "60_60", 0, 0, (), False),
            ("voice_roaming", "R-WORLD", False, 2.00, "minute", "60_60", 0, 0, (), True),
            ("sms", False, False, 0.10, "message", "1_1", 0, 0, (), False),
            ("sms", "EU", False, 0.15, "message", "1_1", 0, 0, (), False),
            ("sms_roaming", False, False, 0.10, "message", "1_1", 0, 0, (), False),
            ("mms", False, False, 0.30, "message", "1_1", 0, 0, (), False),
            ("data", False, False, 0.02, "mb", "kb", 0, 0, ((1024, 0.01),), False),
            ("data_roaming", "R-EU", False, 0.02, "mb", "kb", 0, 0, (), False),
            ("data_roaming", "R-WORLD", False, 5.00, "mb", "10kb", 0, 0, (), False),
        ]  # fmt: skip

    @api.model
    def _demo_tariffs(self, rng, params):
        """The tariffs the demo plans name, a holiday calendar, the demo switch."""
        anchor = self._demo_anchor()
        Tariff = self.env["telecom.tariff"]
        classes = {c.code: c for c in self.env["telecom.zone.class"].search([])}
        types = {t.code: t for t in self.env["telecom.usage.type"].search([])}
        calendar = self.env["telecom.holiday.calendar"].search(
            [("name", "=", "Belgium (demo)")], limit=1
        )
        if not calendar:
            calendar = self.env["telecom.holiday.calendar"].create(
                {
                    "name": "Belgium (demo)",
                    "holiday_ids": [
                        Command.create({"date": date(year, month, day), "name": name})
                        for year in range(anchor.year - 2, anchor.year + 2)
                        for month, day, name in BELGIAN_HOLIDAYS
                    ],
                }
            )
        created = 0
        specs = (("MOBILE-STD", "Mobile standard", "start"), ("MOBILE-BIZ", "Mobile business",
                 "split"), ("SIP-STD", "SIP trunk", "start"))  # fmt: skip
        for code, name, policy in specs:
            if Tariff.search([("code", "=", code)], limit=1):
                continue
            tariff = Tariff.create({"code": code, "name": name, "timezone": "Europe/Brussels"})
            version = self.env["telecom.tariff.version"].create(
                {
                    "tariff_id": tariff.id,
                    "date_from": anchor - relativedelta(years=3),
                    "band_policy": policy,
                    "default_band": "offpeak",
                    "holiday_calendar_id": calendar.id,
                    "holiday_band": "weekend",
                    "band_ids": [
                        Command.create({"band": "peak", "hour_from": 8, "hour_to": 19}),
                        Command.create({"band": "weekend", "mon": False, "tue": False,
                                        "wed": False, "thu": False, "fri": False, "sat": True,
                                        "sun": True, "hour_from": 0, "hour_to": 24}),
                    ],
                }
            )  # fmt: skip
            zones = {}
            for zcode, zname, zclass, kind, billable, prefixes in self._demo_zone_rows():
                zones[zcode] = self.env["telecom.tariff.zone"].create(
                    {
                        "version_id": version.id,
                        "code": zcode,
                        "name": zname,
                        "zone_class_id": classes[zclass].id,
                        "kind": kind,
                        "billable": billable,
                        "prefix_ids": [Command.create({"prefix": p}) for p in prefixes],
                    }
                )
            version.default_zone_id = zones["HOME"]
            self.env["telecom.tariff.price"].create(
                [
                    {
                        "version_id": version.id,
                        "usage_type_id": types[utype].id,
                        "zone_id": zones[zone].id if zone else False,
                        "band": band,
                        "price": price,
                        "price_per": per,
                        "increment": increment,
                        "connection_fee": fee,
                        "minimum_charge": minimum,
                        "charge_incoming": incoming,
                        "tier_ids": [Command.create({"from_quantity": q, "price": p})
                                     for q, p in tiers],
                    }
                    for utype, zone, band, price, per, increment, fee, minimum, tiers, incoming
                    in self._demo_price_rows(code)
                ]
            )  # fmt: skip
            created += 1
        if not self.env["telecom.mediation.source"].search([("code", "=", DEMO_SOURCE)]):
            self.env["telecom.mediation.source"].create(
                {"name": "Demo mobile core", "code": DEMO_SOURCE, "timezone": "UTC"}
            )
        return created

    # -- usage ----------------------------------------------------------------------
    @api.model
    def _demo_usage_rows(self, rng, sub, start, end, cutoff=None, per_month=None):
        """The demo records of one subscription between two datetimes (UTC, naive).

        Records at or after ``cutoff`` are drawn but not returned: the draws and the
        record ids depend on the window only, never on the clock, so a later run
        returns the same records plus those whose time has come since. ``per_month``:
        records a month of a line and of a SIP trunk (default 60 and 25).
        """
        voip = sub.technology == "voip"
        per_month = (per_month or (60, 25))[1 if voip else 0]
        span = (end - start).total_seconds()
        count = max(1, int(per_month * span / (30 * 86400)))
        destinations = ["+3247", "+3248", "+322", "+329", "+3233", "+3349", "+4915", "+4420",
                        "+1212", "+3290"]  # fmt: skip
        rows = []
        for n in range(count):
            moment = start + timedelta(seconds=rng.randint(0, int(span) - 1))
            stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
            draw = rng.random()
            called = rng.choice(destinations) + str(rng.randint(1000000, 9999999))
            direction = "out"
            location = ""
            if voip:
                utype, quantity = "voip", int(rng.expovariate(1 / 180)) + 1
            elif draw < 0.45:
                utype, quantity = "voice", int(rng.expovariate(1 / 120)) + (rng.random() > 0.05)
                direction = "in" if rng.random() < 0.15 else "out"
            elif draw < 0.70:
                utype, quantity = "sms", 1
            elif draw < 0.72:
                utype, quantity = "mms", 1
            elif draw < 0.95:
                utype, quantity, called = "data", int(rng.expovariate(1 / (40 * MB))) + 1, ""
            elif draw < 0.98:
                utype, quantity = "voice_roaming", int(rng.expovariate(1 / 90)) + 1
                location = rng.choice(["+33", "+34", "+39", "+1", "+44"])
            else:
                utype, quantity, called = "data_roaming", int(rng.expovariate(1 / (5 * MB))) + 1, ""
                location = rng.choice(["+33", "+34", "+1"])
            record_id = f"{sub.ref or sub.name}-{moment:%Y%m}-{n:04d}"
            bad = rng.random()
            if bad < 0.01 and called:
                called = called[:5] + "O" + called[6:]  # a letter O for a zero: rejected
            elif bad < 0.015:
                quantity = -quantity
            if cutoff and moment >= cutoff:
                continue
            rows.append(
                {
                    "record_id": record_id,
                    "subscriber": sub.phone_number,
                    "usage_type": utype,
                    "start_time": stamp,
                    "quantity": quantity,
                    "direction": direction,
                    "called_number": called,
                    "location": location,
                }
            )
        return rows

    @api.model
    def _demo_usage(self, rng, params):
        """Last month's and this month's usage of every demo line with a number."""
        source = self.env["telecom.mediation.source"].search([("code", "=", DEMO_SOURCE)], limit=1)
        if not source:
            return 0
        anchor = self._demo_anchor()
        start = datetime.combine(anchor - relativedelta(months=1), datetime.min.time())
        end = datetime.combine(anchor, datetime.min.time()) + relativedelta(months=1)
        # nothing from the last hour (the switch has not sent it yet); whole hours so
        # that two runs within the same hour import the same records
        cutoff = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        cutoff -= timedelta(hours=1)
        subs = self.env["telecom.subscription"].search(
            [("ref", "=like", "DEMO-%"), ("phone_number", "!=", False),
             ("state", "in", ("active", "suspended"))], order="ref",
        )  # fmt: skip
        rows = []
        months = []
        month = start
        while month < end:
            months.append(month)
            month += relativedelta(months=1)
        for sub in subs:
            activated = fields.Datetime.to_datetime(sub.activation_date) or start
            for month in months:
                # one generator per subscription and month: adding customers never
                # changes the usage of the existing ones, and a run next month draws
                # this month's records again with the same ids
                sub_rng = self._demo_rng(params["seed"], f"usage:{sub.ref}:{month:%Y%m}")
                sub_start = max(month, activated)
                month_end = month + relativedelta(months=1)
                if month_end > sub_start and cutoff - sub_start > timedelta(hours=1):
                    rows += self._demo_usage_rows(sub_rng, sub, sub_start, month_end, cutoff)
        if not rows:
            return 0
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT source_record_id FROM telecom_usage_record WHERE source_id = %s",
            (source.id,),
        )
        known = {row[0] for row in self.env.cr.fetchall()}
        missing = [row for row in rows if row["record_id"] not in known]
        if not missing:
            return 0
        data = mediation.records_to_csv(missing).encode()
        batch = self.env["telecom.mediation.batch"]._import_data(
            source, data, f"demo-usage-{anchor:%Y%m}.csv", origin="rpc"
        )
        return batch.lines_read

    # -- bill runs, payments, dunning ------------------------------------------------
    @api.model
    def _demo_billing(self, rng, params):
        company = self.env.company
        anchor = self._demo_anchor()
        today = fields.Date.context_today(self)
        if not company.telecom_billing_cutover_date:
            company.telecom_billing_cutover_date = anchor - relativedelta(months=2)
        Run = self.env["telecom.bill.run"].with_context(
            tracking_disable=True, telecom_billrun_sync=True
        )
        runs = Run.browse()
        for months_back in (2, 1, 0):
            month = anchor - relativedelta(months=months_back)
            for day in BILLING_DAYS:
                bill_date = month.replace(day=day)
                if bill_date > today:
                    continue
                existing = Run.search(
                    [
                        ("date", "=", bill_date),
                        ("billing_day", "=", day),
                        ("dry_run", "=", False),
                        ("company_id", "=", company.id),
                    ],
                    limit=1,
                )
                if existing:
                    continue
                run = Run.create({"date": bill_date, "billing_day": day, "company_id": company.id})
                run.action_start()
                if params.get("bulk"):
                    self._demo_bulk_run_done(run)
                runs |= run
        invoices = runs.invoice_ids.filtered(lambda m: m.state == "posted")
        # the demo pretends the invoices were delivered (no mail server in a demo).
        # Raw SQL: two plain columns of this add-on (nothing is computed from them),
        # for all the demo's invoices at once; an ORM write runs account.move's line
        # synchronisation for each invoice, minutes at 25,000 invoices (10,000
        # customers), even in batches
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE account_move SET telecom_send_state = 'sent', telecom_sent_at = %s
                    WHERE id = ANY(%s) AND telecom_send_state IN ('to_send', 'to_print')""",
                fields.Datetime.now(),
                invoices.ids,
            )
        )
        invoices.invalidate_recordset(["telecom_send_state", "telecom_sent_at"])
        pay = self._demo_bulk_pay if params.get("bulk") else self._demo_pay
        paid = pay(rng, invoices, anchor)
        result = self.env["telecom.billing.account"]._telecom_dunning_run(company)
        return {"runs": len(runs), "invoices": len(invoices), "paid": paid, **result}

    @api.model
    def _demo_pay(self, rng, invoices, anchor):
        """Pay most invoices (older ones more often), deterministically for a seed."""
        to_pay = self.env["account.move"]
        for invoice in invoices.sorted(
            lambda m: (m.invoice_date, m.telecom_billing_account_id.name)
        ):
            chance = 0.9 if invoice.invoice_date < anchor else 0.5
            if rng.random() < chance and invoice.move_type == "out_invoice":
                to_pay |= invoice
        to_pay = to_pay.filtered(lambda m: m.payment_state == "not_paid" and not m.mandate_id)
        self._demo_register(to_pay)
        return len(to_pay)

    @api.model
    def _demo_register(self, invoices):
        """Odoo's own payment of ``invoices``: the payment wizard, one payment each, on
        its due date."""
        for invoice in invoices:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids, tracking_disable=True
            ).create(
                {"payment_date": invoice.invoice_date_due or invoice.invoice_date}
            )._create_payments()
