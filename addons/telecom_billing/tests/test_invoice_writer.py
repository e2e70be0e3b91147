# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The fast invoice writer stores exactly what Odoo's own invoice creation stores.

The same bill run is billed twice, once through ``account.move.create`` and
``_post`` (standard) and once through the bulk writer and poster (fast), each in
a savepoint; every stored field of every move and journal item is compared.
Scenarios: usage and charges, a two-installment payment term, a fiscal position
mapping the tax, a foreign currency, a net credit (credit note).
"""

from datetime import date

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

from .billing_common import BillingFixtures

# bookkeeping fields that legitimately differ between two creations
SKIP = {
    "id",
    "create_date",
    "create_uid",
    "write_date",
    "write_uid",
    "move_id",
    "access_token",
    "message_main_attachment_id",
    "invoice_pdf_report_id",
    "telecom_bill_run_id",
    "secure_sequence_number",
    "inalterable_hash",
    # the bill run's number (ir.sequence numbers are not rolled back with the savepoint)
    "invoice_origin",
    # the reconciliation's number (likewise from a sequence)
    "matching_number",
}


def plain(record, field):
    value = record[field.name]
    if field.type in ("many2one",):
        return value.id
    if field.type in ("many2many", "one2many"):
        return tuple(sorted(value.ids))
    if field.type in ("float", "monetary"):
        # exactly: the ORM stores a monetary value rounded by its currency (7.39, not
        # 7.390000000000001), and so must the bulk writer
        return value or 0.0
    if field.type == "binary":
        return bool(value)
    return value


def snapshot(moves):
    out = []
    for move in moves.sorted(lambda m: m.telecom_billing_account_id.id):
        header = {
            name: plain(move, field)
            for name, field in move._fields.items()
            if field.store and name not in SKIP and field.type != "one2many"
        }
        # posting subscribes the customer (mail followers, default subtypes)
        header["followers"] = sorted(
            (f.partner_id.id, tuple(sorted(f.subtype_ids.ids))) for f in move.message_follower_ids
        )
        lines = []
        for line in move.line_ids:
            lines.append(
                {
                    name: plain(line, field)
                    for name, field in line._fields.items()
                    if field.store and name not in SKIP and field.type != "one2many"
                }
            )
        lines.sort(key=lambda v: (v["display_type"], v["sequence"], v["name"] or "", v["balance"]))
        out.append((header, lines))
    return out


@tagged("post_install", "-at_install")
class TestInvoiceWriter(BillingFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        env = cls.env
        cls.accounts = env["telecom.billing.account"]
        # 1. usage, one-time charge and discount, with a 30 days payment term
        term30 = env["account.payment.term"].create(
            {
                "name": "30 days (telecom tests)",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})
                ],
            }
        )
        golden = cls._account("Writer Golden", payment_term_id=term30.id)
        cls._sub(golden, cls.golden, date(2025, 5, 10), "+32470000301", addons=[cls.data_addon])
        env["telecom.charge"].create(
            [
                {
                    "billing_account_id": golden.id,
                    "kind": "one_time",
                    "product_id": cls.fee.id,
                    "description": "Activation",
                    "amount": 25.0,
                    "date": date(2025, 5, 10),
                },
                {
                    "billing_account_id": golden.id,
                    "kind": "discount",
                    "description": "Welcome",
                    "amount": -5.0,
                    "date": date(2025, 5, 10),
                },
            ]
        )
        env["telecom.mediation.batch"]._import_data(
            cls.source,
            (
                "record_id,subscriber,usage_type,start_time,quantity,direction,called_number,"
                "location\n"
                "w1,+32470000301,voice,2025-05-17T08:00:00Z,95,out,+3222222222,\n"
                "w2,+32470000301,voice,2025-05-19T08:00:00Z,61,out,+33123456789,\n"
                "w3,+32470000301,sms,2025-05-19T09:00:00Z,1,out,+32470000999,\n"
                f"w4,+32470000301,data,2025-05-20T09:00:00Z,{7 * 1024 * 1024 + 5},out,,\n"
            ).encode(),
            "writer.csv",
        )
        cls.accounts |= golden
        # 2. two installments
        split = env["account.payment.term"].create(
            {
                "name": "Half now, half in 30 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                ],
            }
        )
        installments = cls._account("Writer Installments", payment_term_id=split.id)
        cls._sub(installments, cls.mobile_m, date(2025, 5, 3), "+32470000302")
        cls.accounts |= installments
        # 3. a fiscal position mapping the 21 % tax to an exempt one
        exempt = cls.tax21.copy({"name": "VAT 0% (telecom tests)", "amount": 0.0})
        fpos = env["account.fiscal.position"].create(
            {
                "name": "Intra-EU (telecom tests)",
                "tax_ids": [Command.create({"tax_src_id": cls.tax21.id, "tax_dest_id": exempt.id})],
            }
        )
        mapped = cls._account("Writer Exempt", fiscal_position_id=fpos.id)
        cls._sub(mapped, cls.mobile_l, date(2025, 5, 17), "+32470000303")
        cls.accounts |= mapped
        # 4. another currency
        other = (
            env.ref("base.EUR")
            if cls.company.currency_id != env.ref("base.EUR")
            else (env.ref("base.USD"))
        )
        other.active = True
        env["res.currency.rate"].create(
            {
                "currency_id": other.id,
                "name": date(2025, 1, 1),
                "rate": 0.913456,
                "company_id": cls.company.id,
            }
        )
        foreign = cls._account("Writer Foreign", currency_id=other.id)
        cls._sub(foreign, cls.mobile_m, date(2025, 5, 21), "+32470000304", addons=[cls.data_addon])
        cls.accounts |= foreign
        # 5. a net credit: billed through June, then terminated in May
        credit = cls._account("Writer Credit")
        sub = cls._sub(credit, cls.mobile_l, date(2025, 4, 1), "+32470000305")
        cls.credit_account, cls.credit_sub = credit, sub

    def _run(self, fast, day, accounts):
        self.company.telecom_billrun_fast = fast
        run = self.bill(day, accounts)
        self.assertEqual(run.error_count, 0, run.line_ids.mapped("error"))
        self.assertTrue(all(m.state == "posted" for m in run.invoice_ids))
        return snapshot(run.invoice_ids)

    def _compare(self, day, accounts):
        savepoint = self.env.cr.savepoint()
        standard = self._run(False, day, accounts)
        savepoint.close(rollback=True)
        self.env.invalidate_all()
        fast = self._run(True, day, accounts)
        self.assertEqual(len(fast), len(standard))
        problems = []
        for (s_head, s_lines), (f_head, f_lines) in zip(standard, fast, strict=True):
            diff = {k: (s_head[k], f_head.get(k)) for k in s_head if s_head[k] != f_head.get(k)}
            if diff:
                problems.append(f"move {s_head['name']}: standard vs fast {diff}")
            if len(s_lines) != len(f_lines):
                problems.append(f"move {s_head['name']}: {len(s_lines)} != {len(f_lines)} lines")
                continue
            for s_line, f_line in zip(s_lines, f_lines, strict=True):
                diff = {k: (s_line[k], f_line.get(k)) for k in s_line if s_line[k] != f_line.get(k)}
                if diff:
                    problems.append(f"{s_head['name']} line {s_line['name']!r}: {diff}")
        self.assertFalse(problems, "\n".join(problems))
        return fast

    def test_fast_equals_standard(self):
        moves = self._compare(date(2025, 6, 1), self.accounts)
        self.assertEqual(len(moves), 4)
        kinds = {head["move_type"] for head, _lines in moves}
        self.assertEqual(kinds, {"out_invoice"})
        # the two installments are two receivable lines
        terms = [
            [line for line in lines if line["display_type"] == "payment_term"]
            for _head, lines in moves
        ]
        self.assertEqual(sorted(len(t) for t in terms), [1, 1, 1, 2])

    def test_fast_equals_standard_for_repeated_lines(self):
        """Accounts billed the same lines (the same plan from the same day, the same
        usage) take the tax details of the first one's lines from the builder's memo:
        still what Odoo stores."""
        twins = self.env["telecom.billing.account"]
        for index in range(3):
            twin = self._account(f"Writer Twin {index}")
            number = f"+3247000031{index}"
            self._sub(twin, self.mobile_m, date(2025, 5, 1), number, addons=[self.data_addon])
            self.env["telecom.mediation.batch"]._import_data(
                self.source,
                (
                    "record_id,subscriber,usage_type,start_time,quantity,direction,"
                    "called_number,location\n"
                    f"t{index},{number},voice,2025-05-17T08:00:00Z,95,out,+3222222222,\n"
                ).encode(),
                f"twin{index}.csv",
            )
            twins |= twin
        moves = self._compare(date(2025, 6, 1), twins)
        self.assertEqual(len(moves), 3)
        # the three invoices are the same but for their partner, number and references
        amounts = {head["amount_total"] for head, _lines in moves}
        self.assertEqual(len(amounts), 1)
        self.assertTrue(amounts.pop())

    def test_fast_equals_standard_credit_note(self):
        self.company.telecom_billrun_fast = True
        self.bill(date(2025, 6, 1), self.credit_account)
        self.credit_sub.action_terminate(date(2025, 5, 10))
        moves = self._compare(date(2025, 7, 1), self.credit_account)
        self.assertEqual(moves[0][0]["move_type"], "out_refund")

    def test_fast_posting_numbers_in_sequence(self):
        run = self.bill(date(2025, 6, 1), self.accounts)
        names = run.invoice_ids.sorted("id").mapped("name")
        numbers = [int(name.rsplit("/", 1)[1]) for name in names]
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + len(numbers))))
        for move in run.invoice_ids:
            self.assertEqual(move.line_ids.mapped("parent_state"), ["posted"] * len(move.line_ids))
            self.assertEqual(set(move.line_ids.mapped("move_name")), {move.name})
            self.assertTrue(move.payment_reference)
            self.assertEqual(move.invoice_date, fields.Date.to_date("2025-06-01"))

    def test_early_discount_terms_take_the_standard_way(self):
        epd = self.env["account.payment.term"].create(
            {
                "name": "2% within 10 days (telecom tests)",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})
                ],
            }
        )
        acc = self._account("Writer Early Discount", payment_term_id=epd.id)
        self._sub(acc, self.mobile_m, date(2025, 5, 3), "+32470000306")
        self.company.telecom_billrun_fast = True
        run = self.bill(date(2025, 6, 1), acc | self.accounts[1])
        self.assertEqual(run.error_count, 0, run.line_ids.mapped("error"))
        move = self.invoice(run, acc)
        self.assertEqual((move.state, move.invoice_payment_term_id), ("posted", epd))
        # 29/31 of 19.99 + June: 18.70 + 19.99; VAT 3.93 + 4.20
        self.assertEqual((move.amount_untaxed, move.amount_total), (38.69, 46.82))
        self.assertTrue(self.invoice(run, self.accounts[1]).state == "posted")

    def test_credit_notes_fast_equals_standard(self):
        """Credit notes in bulk (an outage's SLA credits, a dispute) go through the
        same writer: fast and standard store the same values, usage links included."""
        self.company.telecom_billrun_fast = True
        run = self.bill(date(2025, 6, 1), self.accounts)
        golden = self.accounts[0]
        invoice = self.invoice(run, golden)
        usage = self.env["telecom.usage.record"].search(
            [("billing_account_id", "=", golden.id), ("state", "=", "billed")], limit=2
        )
        requests = [
            {
                "account": golden,
                "lines": [
                    {
                        "description": "Disputed calls",
                        "amount": 0.4,
                        "usage_record_ids": usage.ids,
                        "subscription_id": golden.subscription_ids[:1].id,
                    },
                    {"description": "Goodwill", "amount": 5.0, "quantity": 2},
                ],
                "reason": "dispute_usage",
                "origin": "TICKET-1",
                "invoice": invoice,
            }
        ] + [
            {
                "account": account,
                "lines": [{"description": f"SLA credit {account.name}", "amount": 4.0}],
                "reason": "credit_outage",
                "origin": "OUTAGE-1",
            }
            for account in self.accounts[1:]
        ]

        def issue(fast):
            self.company.telecom_billrun_fast = fast
            moves, errors = self.env["telecom.billing.account"]._telecom_create_credit_notes(
                requests
            )
            self.assertFalse(errors)
            notes = self.env["account.move"].browse([m.id for m in moves])
            self.assertTrue(all(m.state == "posted" for m in notes))
            return snapshot(notes)

        savepoint = self.env.cr.savepoint()
        standard = issue(False)
        savepoint.close(rollback=True)
        self.env.invalidate_all()
        fast = issue(True)
        self.assertEqual(len(fast), 4)
        problems = []
        for (s_head, s_lines), (f_head, f_lines) in zip(standard, fast, strict=True):
            diff = {k: (s_head[k], f_head.get(k)) for k in s_head if s_head[k] != f_head.get(k)}
            if diff:
                problems.append(f"move {s_head['name']}: standard vs fast {diff}")
            for s_line, f_line in zip(s_lines, f_lines, strict=True):
                diff = {k: (s_line[k], f_line.get(k)) for k in s_line if s_line[k] != f_line.get(k)}
                if diff:
                    problems.append(f"{s_head['name']} line {s_line['name']!r}: {diff}")
        self.assertFalse(problems, "\n".join(problems))
        disputed = self.env["account.move.line"].search(
            [("telecom_usage_record_ids", "in", usage.ids)]
        )
        self.assertEqual(disputed.telecom_usage_record_ids, usage)
        self.assertEqual(disputed.move_id.reversed_entry_id, invoice)

    def test_credit_notes_report_bad_requests_and_write_the_others(self):
        moves, errors = self.env["telecom.billing.account"]._telecom_create_credit_notes(
            [
                {
                    "account": self.accounts[0],
                    "lines": [{"description": "Fine", "amount": 3.0}],
                    "reason": "credit_goodwill",
                },
                {
                    "account": self.accounts[1],
                    "lines": [{"description": "Negative", "amount": -3.0}],
                    "reason": "credit_goodwill",
                },
                {"account": self.accounts[2], "lines": [], "reason": "credit_goodwill"},
                {
                    "account": self.accounts[3],
                    "lines": [{"description": "Bad reason", "amount": 1.0}],
                    "reason": "no_such_code",
                },
                {"lines": [{"description": "No account", "amount": 1.0}]},
            ]
        )
        self.assertEqual(moves[0].state, "posted")
        self.assertEqual(moves[0].amount_untaxed, 3.0)
        self.assertFalse(any(moves[1:]))
        self.assertEqual(sorted(errors), [1, 2, 3, 4])
        self.assertIn("positive", errors[1])
        self.assertIn("at least one line", errors[2])
        self.assertIn("no_such_code", errors[3])
