# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.telecom_crm.models.identifiers import luhn_complete, luhn_ok

from ..models.telecom_number import is_golden_number
from .common import OssCase


@tagged("post_install", "-at_install")
class TestNumbers(OssCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pool = cls.make_number_pool("+32470100000", size=12, quarantine_days=30)

    def test_generation_golden_and_idempotent(self):
        self.assertEqual(len(self.pool.number_ids), 12)
        self.assertEqual(self.pool.action_generate_numbers(), 0)
        golden = self.pool.number_ids.filtered("is_golden")
        self.assertIn("+32470100000", golden.mapped("name"))  # 0000
        self.assertTrue(is_golden_number("+32470101234"))
        self.assertTrue(is_golden_number("+32470104321"))
        self.assertTrue(is_golden_number("+32470101212"))
        self.assertFalse(is_golden_number("+32470100472"))
        self.assertEqual(self.pool.count_golden, len(golden))

    def test_bad_pools_refused(self):
        Pool = self.env["telecom.number.pool"]
        with self.assertRaisesRegex(ValidationError, "E.164"):
            Pool.create({"name": "x", "range_start": "0470", "range_end": "0479"})
        with self.assertRaisesRegex(ValidationError, "as many digits"):
            Pool.create({"name": "x", "range_start": "+3247000", "range_end": "+32470001"})
        with self.assertRaisesRegex(ValidationError, "between 1 and"):
            Pool.create({"name": "x", "range_start": "+32479000", "range_end": "+32478000"})
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            Pool.create({"name": "x", "range_start": "+32470100010", "range_end": "+32470100020"})

    def test_allocation_skips_golden_and_records_history(self):
        number = self.env["telecom.number"]._telecom_allocate(self.pool, partner=self.customer)
        self.assertFalse(number.is_golden)
        self.assertEqual(number.state, "reserved")
        self.assertEqual(number.partner_id, self.customer)
        number._telecom_assign()
        history = number.assignment_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(history.state, "assigned")
        self.assertTrue(history.date_reserved and history.date_assigned)
        self.assertEqual(history.resource_name, number.name)
        with self.assertRaises(UserError):
            history.unlink()

    def test_quarantine_is_honoured(self):
        Number = self.env["telecom.number"]
        # a pool of one normal number makes the point sharp
        pool = self.make_number_pool("+32470900012", size=1, quarantine_days=30)
        number = pool.number_ids
        self.assertFalse(number.is_golden)
        start = fields.Datetime.now()
        number._telecom_reserve(partner=self.customer)
        number._telecom_assign()
        number._telecom_release(note="terminated")
        self.assertEqual(number.state, "quarantine")
        self.assertEqual(number.assignment_ids.state, "released")
        self.assertAlmostEqual(
            number.quarantine_until, start + timedelta(days=30), delta=timedelta(minutes=1)
        )
        # no automatic allocation, no explicit reservation, and the cron keeps it
        with self.assertRaisesRegex(UserError, "No free number"):
            Number._telecom_allocate(pool)
        with self.assertRaisesRegex(UserError, "quarantine until"):
            number._telecom_reserve(partner=self.customer)
        self.assertEqual(Number._cron_release_quarantine(), 0)
        with (
            freeze_time(start + timedelta(days=29)),
            self.assertRaisesRegex(UserError, "No free number"),
        ):
            Number._telecom_allocate(pool)
        # after the ageing period it can be reused, with a second history line
        with freeze_time(start + timedelta(days=31)):
            again = Number._telecom_allocate(pool, partner=self.customer)
            self.assertEqual(again, number)
            self.assertEqual(number.state, "reserved")
            self.assertEqual(len(number.assignment_ids), 2)
        # a number only reserved (never in service) goes straight back
        number._telecom_release()
        self.assertEqual(number.state, "free")
        self.assertEqual(number.assignment_ids.sorted("id")[-1].state, "cancelled")

    def test_quarantine_cron(self):
        pool = self.make_number_pool("+32470900020", size=1, quarantine_days=1)
        number = pool.number_ids
        number._telecom_assign(partner=self.customer)
        number._telecom_release()
        with freeze_time(fields.Datetime.now() + timedelta(days=2)):
            self.assertEqual(self.env["telecom.number"]._cron_release_quarantine(), 1)
        self.assertEqual(number.state, "free")
        self.assertFalse(number.quarantine_until)

    def test_blocked_numbers_not_given(self):
        pool = self.make_number_pool("+32470900030", size=1)
        pool.number_ids.action_block()
        with self.assertRaises(UserError):
            self.env["telecom.number"]._telecom_allocate(pool)
        pool.number_ids.action_unblock()
        self.assertTrue(self.env["telecom.number"]._telecom_allocate(pool))

    def test_reserving_taken_number_refused(self):
        number = self.env["telecom.number"]._telecom_allocate(self.pool)
        with self.assertRaisesRegex(UserError, "not free"):
            number._telecom_reserve(partner=self.customer)


@tagged("post_install", "-at_install")
class TestSimAndCpe(OssCase):
    def test_luhn(self):
        self.assertTrue(luhn_ok("79927398713"))
        self.assertFalse(luhn_ok("79927398710"))
        self.assertTrue(luhn_ok(luhn_complete("893200000000000001")))

    def test_sim_identifiers_validated(self):
        Sim = self.env["telecom.sim.card"]
        with self.assertRaisesRegex(ValidationError, "ICCID"):
            Sim.create({"iccid": "1232000000000000001", "imsi": "206010000000001"})
        with self.assertRaisesRegex(ValidationError, "ICCID"):
            Sim.create({"iccid": "89320000", "imsi": "206010000000009"})
        with self.assertRaisesRegex(ValidationError, "IMSI"):
            Sim.create({"iccid": luhn_complete("893200000000000001"), "imsi": "12"})
        with self.assertRaisesRegex(ValidationError, "PUK1"):
            Sim.create(
                {
                    "iccid": luhn_complete("893200000000000002"),
                    "imsi": "206010000000002",
                    "puk1": "12",
                }
            )

    def test_sim_import_checks_each_iccid(self):
        """A vendor's delivery file imported through Odoo's import: the Luhn check
        digit and the length are checked per row, each bad row named with its ICCID
        and what is wrong."""
        good = [luhn_complete(f"89329700000000000{i}") for i in range(3)]
        bad_digit = good[1][:-1] + str((int(good[1][-1]) + 3) % 10)
        rows = [
            [good[0], "206970000000000"],
            [bad_digit, "206970000000001"],
            [good[2][:-1], "206970000000002"],  # the check digit left out
        ]
        result = self.env["telecom.sim.card"].load(["iccid", "imsi"], rows)
        # Odoo's import repeats the first error of its batch attempt before the
        # errors of the rows: the distinct messages are one per bad row
        messages = sorted({m["message"] for m in result["messages"] if m["type"] == "error"})
        self.assertFalse(result["ids"], "nothing half-imported: fix the file and import again")
        self.assertEqual(len(messages), 2, messages)
        self.assertIn(bad_digit, messages[0])
        self.assertIn("check digit", messages[0])
        self.assertIn(good[2][:-1], messages[1])
        self.assertIn("has 18 digits", messages[1])
        self.assertFalse([m for m in messages if good[0] in m], "the good row is not blamed")
        result = self.env["telecom.sim.card"].load(
            ["iccid", "imsi"], [rows[0], [good[1], "206970000000001"], [good[2], "206970000000003"]]
        )
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"])
        self.assertEqual(len(result["ids"]), 3)

    def test_pin_puk_only_for_the_secrets_group(self):
        sim = self.make_sims(1)
        care = self.operator
        self.assertEqual(sim.with_user(care).iccid, sim.iccid)
        with self.assertRaises(AccessError):
            sim.with_user(care).read(["puk1"])
        secrets = self.env["res.users"].create(
            {
                "name": "Care lead",
                "login": "oss_secrets",
                "groups_id": [(6, 0, [self.env.ref("telecom_oss.group_telecom_sim_secrets").id])],
            }
        )
        self.assertEqual(sim.with_user(secrets).read(["puk1"])[0]["puk1"], "12345678")
        # the form view hides them from others
        arch = (
            self.env["telecom.sim.card"]
            .with_user(care)
            .get_view(self.env.ref("telecom_oss.telecom_sim_card_view_form").id)["arch"]
        )
        self.assertNotIn("puk1", arch)

    def test_sim_allocation_and_retirement(self):
        sims = self.make_sims(2)
        Sim = self.env["telecom.sim.card"]
        first = Sim._telecom_allocate(self.company, partner=self.customer)
        self.assertEqual(first, sims.sorted("iccid")[0])
        second = Sim._telecom_allocate(self.company, partner=self.customer)
        self.assertEqual(second, sims.sorted("iccid")[1])
        with self.assertRaisesRegex(UserError, "No SIM"):
            Sim._telecom_allocate(self.company)
        first._telecom_assign()
        first._telecom_release()
        self.assertEqual(first.state, "retired")
        second._telecom_release()
        self.assertEqual(second.state, "free")

    def test_cpe(self):
        Cpe = self.env["telecom.cpe"]
        cpe = Cpe.create(
            {"serial": " ab-123 ", "cpe_type": "ont", "mac_address": "00-11-22-aa-bb-cc"}
        )
        self.assertEqual(cpe.serial, "AB-123")
        self.assertEqual(cpe.mac_address, "00:11:22:AA:BB:CC")
        with self.assertRaisesRegex(ValidationError, "MAC"):
            Cpe.create({"serial": "XY-1", "mac_address": "00:11"})
        self.assertEqual(Cpe._telecom_allocate(self.company, cpe_type="ont"), cpe)
        with self.assertRaises(UserError):
            Cpe._telecom_allocate(self.company, cpe_type="ont")
        cpe._telecom_assign(partner=self.customer)
        cpe._telecom_release()
        self.assertEqual(cpe.state, "free")
        self.assertEqual(cpe.assignment_ids.state, "released")
