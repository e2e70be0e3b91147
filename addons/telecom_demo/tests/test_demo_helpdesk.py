# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged

from ..models.demo_helpdesk import DEMO_OUTAGE_CAUSE, DEMO_TICKET_PREFIX


@tagged("post_install", "-at_install")
class TestHelpdeskDemo(TransactionCase):
    def test_tickets_in_several_states_and_one_outage(self):
        generator = self.env["telecom.demo.generator"]
        report = generator.generate(customers=60, seed=5)
        self.assertEqual(report["helpdesk_tickets"], 12)  # one per five customers
        Ticket = self.env["helpdesk.ticket"]
        tickets = Ticket.search([("telecom_external_ref", "=like", f"{DEMO_TICKET_PREFIX}%")])
        self.assertEqual(len(tickets), 12)
        self.assertEqual(
            set(tickets.mapped("telecom_kind")),
            {"fault", "dispute", "order", "service_request", "complaint"},
        )
        kinds = set(tickets.stage_id.mapped("telecom_stage_kind"))
        self.assertTrue({"new", "progress", "waiting", "resolved", "rejected"} <= kinds, kinds)
        self.assertEqual(
            set(tickets.filtered("telecom_dispute_state").mapped("telecom_dispute_state")),
            {"open", "rejected"},
        )
        self.assertGreater(len(set(tickets.channel_id.mapped("telecom_code"))), 3)
        # open disputes contest billed usage or lines of billing's demo invoices
        disputes = tickets.filtered(lambda t: t.telecom_dispute_state == "open")
        lines = disputes.telecom_dispute_line_ids
        self.assertTrue(lines)
        for line in lines:
            self.assertTrue(line.usage_record_ids or line.invoice_line_id)
            self.assertEqual(set(line.usage_record_ids.mapped("state")) - {"billed"}, set())
            self.assertEqual(
                line.invoice_line_id.move_id.telecom_billing_account_id
                | line.usage_record_ids.billing_account_id,
                line.billing_account_id,
            )
            self.assertEqual(line.credit_amount, line.currency_id.round(line.disputed_amount / 2))
        # the outage: raised, notified, restored, credits computed
        alarm = self.env["telecom.alarm"].search([("probable_cause", "=", DEMO_OUTAGE_CAUSE)])
        self.assertEqual(len(alarm), 1)
        self.assertEqual(alarm.state, "cleared")
        master = alarm.ticket_ids.filtered("telecom_is_outage")
        self.assertEqual(len(master), 1)
        self.assertEqual(alarm.ticket_count, 1)
        self.assertTrue(master.closed)
        self.assertGreater(report["helpdesk_outage"], 0)
        self.assertEqual(master.telecom_affected_count, report["helpdesk_outage"])
        self.assertTrue(master.telecom_child_ids)
        self.assertTrue(all(master.telecom_child_ids.mapped("closed")))
        self.assertNotIn("pending", master.telecom_sla_credit_ids.mapped("state"))
        self.assertIn("to_credit", master.telecom_sla_credit_ids.mapped("state"))
        self.assertAlmostEqual(master.telecom_outage_hours, 4.0, places=2)
        # deterministic and idempotent; a larger volume only adds
        first = [(t.telecom_external_ref, t.name, t.telecom_subscription_id.ref) for t in tickets]
        again = generator.generate(customers=60, seed=5)
        self.assertEqual((again["helpdesk_tickets"], again["helpdesk_outage"]), (0, 0))
        generator.generate(customers=80, seed=5)
        tickets = Ticket.search(
            [("telecom_external_ref", "=like", f"{DEMO_TICKET_PREFIX}%")],
            order="telecom_external_ref",
        )
        self.assertEqual(len(tickets), 16)
        self.assertEqual(
            [(t.telecom_external_ref, t.name, t.telecom_subscription_id.ref) for t in tickets][:12],
            sorted(first),
        )
