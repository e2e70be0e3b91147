# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The golden set of tests/python/test_rating_golden.py, through the database path.

Same tariff, same records, same hand-computed amounts (except G17: subscription 2
has the plan's voice allowance here), but the tariff is compiled
from its tables, the records come from a CSV file, subscribers and balances from
the database, and the results are read back from ``telecom.usage.record``.
"""

from decimal import Decimal

from odoo.tests import tagged

from .common import MB, SUB1, SUB2, RatingCommon

# id, subscriber, type, start, quantity, called, direction, location ->
# state, reason, zone, band, rated, allowance, amount
GOLDEN = [
    ("G1", SUB1, "voice", "2025-03-03T09:00:00+01:00", 125, "+3221234567", "out", "",
     "rated", None, "BE-FIX", "peak", 180, 180, "0.00"),
    ("G2", SUB1, "voice", "2025-03-03T10:00:00+01:00", 200, "+32470123456", "out", "",
     "rated", None, "BE-MOB", "peak", 200, 120, "0.16"),
    ("G3", SUB1, "voice", "2025-03-03T11:00:00+01:00", 61, "+3221234567", "out", "",
     "rated", None, "BE-FIX", "peak", 120, 0, "0.25"),
    ("G4", SUB1, "voice", "2025-03-03T18:58:30+01:00", 185, "+3221234567", "out", "",
     "rated", None, "BE-FIX", "peak/offpeak", 240, 0, "0.33"),
    ("G5", SUB1, "voice", "2025-03-04T12:00:00+01:00", 725, "+33612345678", "out", "",
     "rated", None, "EU", "peak", 780, 0, "3.70"),
    ("G6", SUB1, "voice", "2025-03-04T13:00:00+01:00", 20, "+12125550123", "out", "",
     "rated", None, "WORLD", "peak", 20, 0, "0.50"),
    ("G7", SUB1, "voice", "2025-03-04T14:00:00+01:00", 47, "+32901234567", "out", "",
     "rated", None, "BE-PREM", "peak", 47, 0, "1.43"),
    ("G8", SUB1, "voice", "2025-03-04T15:00:00+01:00", 30, "+32112", "out", "",
     "unbillable", "free_zone", "BE-EMERG", "peak", 0, 0, "0.00"),
    ("G9", SUB1, "sms", "2025-03-08T10:00:00+01:00", 1, "+32470123456", "out", "",
     "rated", None, "BE-MOB", "weekend", 1, 1, "0.00"),
    ("G10", SUB1, "sms", "2025-03-08T10:01:00+01:00", 1, "+32470123456", "out", "",
     "rated", None, "BE-MOB", "weekend", 1, 1, "0.00"),
    ("G11", SUB1, "sms", "2025-03-08T10:02:00+01:00", 1, "+32470123456", "out", "",
     "rated", None, "BE-MOB", "weekend", 1, 0, "0.10"),
    ("G12", SUB1, "sms", "2025-03-08T10:03:00+01:00", 1, "+4915112345678", "out", "",
     "rated", None, "EU", "weekend", 1, 0, "0.15"),
    ("G13", SUB1, "data", "2025-03-05T10:00:00+01:00", 6 * MB, "", "out", "",
     "rated", None, "HOME", "peak", 6 * MB, 6 * MB, "0.00"),
    ("G14", SUB2, "data", "2025-03-06T10:00:00+01:00", 15 * MB + 100, "", "out", "",
     "rated", None, "HOME", "peak", 15_729_664, 14 * MB, "0.02"),
    ("G15", SUB1, "data", "2025-03-07T10:00:00+01:00", 3 * MB, "", "out", "",
     "rated", None, "HOME", "peak", 3 * MB, 0, "0.06"),
    ("G16", SUB1, "voice", "2025-03-08T11:00:00+01:00", 90, "+3221234567", "out", "",
     "rated", None, "BE-FIX", "weekend", 120, 0, "0.08"),
    # here subscription 2 has the plan's voice allowance too: the holiday call is included
    ("G17", SUB2, "voice", "2025-05-01T10:00:00+02:00", 30, "+3221234567", "out", "",
     "rated", None, "BE-FIX", "weekend", 60, 60, "0.00"),
    ("G18", SUB1, "voice", "2025-03-09T10:00:00+01:00", 120, "+3221234567", "in", "",
     "unbillable", "incoming", "BE-FIX", "weekend", 0, 0, "0.00"),
    ("G19", SUB1, "voice", "2025-03-10T10:00:00+01:00", 0, "+3221234567", "out", "",
     "unbillable", "zero_quantity", "BE-FIX", "peak", 0, 0, "0.00"),
    ("G20", SUB1, "voice", "2025-03-10T11:00:00+01:00", 10, "+999123456", "out", "",
     "rejected", "unknown_zone", None, None, 0, 0, "0.00"),
    ("G21", SUB1, "voice_roaming", "2025-03-11T10:00:00+01:00", 61, "+32470123456", "out", "+1",
     "rated", None, "R-WORLD", "peak", 120, 0, "4.00"),
    ("G22", SUB1, "voice_roaming", "2025-03-11T11:00:00+01:00", 30, "+3221234567", "in", "+1",
     "rated", None, "R-WORLD", "peak", 60, 0, "2.00"),
    ("G23", SUB1, "voice_roaming", "2025-04-02T10:00:00+02:00", 100, "+32470123456", "out", "+33",
     "rated", None, "R-EU", "peak", 120, 120, "0.00"),
    ("G24", SUB1, "data_roaming", "2025-03-12T10:00:00+01:00", 25_000, "", "out", "+1",
     "rated", None, "R-WORLD", "peak", 30_720, 0, "0.15"),
    ("G25", SUB1, "voice", "2025-03-31T10:00:00+02:00", 60, "+3221234567", "out", "",
     "rated", None, "BE-FIX", "peak", 60, 0, "0.15"),
    ("G26", SUB1, "voice", "2025-03-31T07:59:30+02:00", 45, "+3221234567", "out", "",
     "rated", None, "BE-FIX", "offpeak/peak", 60, 0, "0.13"),
]  # fmt: skip


def golden_lines(rows=None):
    rows = GOLDEN if rows is None else rows
    return [",".join(str(v) for v in row[:5]) + f",{row[6]},{row[5]},{row[7]}" for row in rows]


@tagged("post_install", "-at_install")
class TestRatingGoldenDb(RatingCommon):
    def test_golden_set_through_the_database(self):
        batch = self.import_csv(golden_lines())
        self.assertEqual(batch.state, "done", batch.error)
        self.assertEqual(batch.lines_read, len(GOLDEN))
        for row in GOLDEN:
            rid = row[0]
            state, reason, zone, band, rated, allowance, amount = row[8:]
            rec = self.usage(rid)
            self.assertEqual(len(rec), 1, rid)
            self.assertEqual(rec.state, state, rid)
            self.assertEqual(rec.reason_code or None, reason, rid)
            self.assertEqual(rec.zone_id.code or None, zone, rid)
            if state != "rejected":
                self.assertEqual(rec.time_band, band, rid)
                self.assertEqual(rec.period_start.day, 1, rid)
                self.assertEqual(rec.tariff_version_id, self.version, rid)
            self.assertEqual(rec.rated_quantity, rated, rid)
            self.assertEqual(rec.allowance_quantity, allowance, rid)
            self.assertEqual(Decimal(str(rec.amount)), Decimal(amount), rid)
        self.assertEqual(
            (batch.rated_count, batch.unbillable_count, batch.rejected_count), (22, 3, 1)
        )
        self.assertReconciled(batch)
        # the hand-computed total (13.25 of the pure-Python set minus G17's 0.04), as an
        # exact numeric sum in the database
        self.env.cr.execute(
            "SELECT SUM(amount)::text FROM telecom_usage_record WHERE batch_id = %s", (batch.id,)
        )
        self.assertEqual(Decimal(self.env.cr.fetchone()[0]), Decimal("13.21"))
        self.assertEqual(Decimal(str(batch.amount_total)), Decimal("13.21"))
        # balances: the voice allowance spent in March, 120 s in April, the pool empty
        voice = self.balance("voice")
        self.assertEqual((voice.quantity, voice.used, voice.remaining), (300, 300, 0))
        self.assertEqual(self.balance("sms").used, 2)
        pool = self.balance("data", scope="pool")
        self.assertEqual((pool.quantity, pool.used, pool.remaining), (20 * MB, 20 * MB, 0))
        april = self.balance("voice", period=voice.period_start.replace(month=4))
        self.assertEqual(april.used, 120)
        # every unit the records took is a unit a balance lost
        records = self.env["telecom.usage.record"].search([("batch_id", "=", batch.id)])
        balances = self.env["telecom.allowance.balance"].search(
            [("billing_account_id", "=", self.account.id)]
        )
        self.assertEqual(sum(records.mapped("allowance_quantity")), sum(balances.mapped("used")))
        for balance in balances:
            self.assertEqual(balance.quantity, balance.used + balance.carried + balance.remaining)
        # each record says which balances it drew from
        self.assertEqual(self.usage("G2").allowance_detail, f"{voice.id}:120")
