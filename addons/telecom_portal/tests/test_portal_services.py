# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Home, services and self-service requests, as portal users over HTTP."""

import re
from datetime import timedelta

from freezegun import freeze_time
from lxml import html

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.telecom_portal.controllers.base import TelecomPortalBase

from .common import TelecomPortalFixtures


@tagged("post_install", "-at_install")
class TestPortalServices(TelecomPortalFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal()

    # -- home ----------------------------------------------------------------
    def test_home_tiles_and_counters(self):
        self.authenticate("tp_alice", "tp_alice")
        res = self.url_open("/my")
        self.assertEqual(res.status_code, 200)
        for marker in (
            'data-placeholder_count="telecom_service_count"',
            'data-placeholder_count="telecom_invoice_count"',
            'data-placeholder_count="telecom_ticket_count"',
            'data-placeholder_count="telecom_request_count"',
            'data-placeholder_count="telecom_billing_account_count"',
        ):
            self.assertIn(marker, res.text)
        # a customer is no agent: no agent tiles
        self.assertNotIn("telecom_agent_customer_count", res.text)
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {
                "counters": [
                    "telecom_service_count",
                    "telecom_billing_account_count",
                    "telecom_ticket_count",
                    "telecom_request_count",
                    "telecom_agent_customer_count",
                ]
            },
        )
        self.assertEqual(counters["telecom_service_count"], 2)
        self.assertEqual(counters["telecom_billing_account_count"], 1)
        self.assertEqual(counters["telecom_ticket_count"], 0)
        self.assertEqual(counters["telecom_request_count"], 0)
        self.assertEqual(counters["telecom_agent_customer_count"], 0)
        # counters are computed only when asked for
        self.assertEqual(
            set(self.make_jsonrpc_request("/my/counters", {"counters": ["telecom_service_count"]})),
            {"telecom_service_count"},
        )

    def test_home_of_a_portal_user_without_services(self):
        self.authenticate("tp_agent2", "tp_agent2")
        res = self.url_open("/my")
        self.assertEqual(res.status_code, 200)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["telecom_service_count", "telecom_agent_customer_count"]}
        )
        self.assertEqual(counters, {"telecom_service_count": 0, "telecom_agent_customer_count": 1})

    def test_outage_notice_on_home_service_and_tickets(self):
        """An alarm on the OLT behind Alice's fibre: telecom_helpdesk opens the outage,
        notifies the affected customers (a ticket each); Alice reads the notice on her
        home page, the fibre's page and her tickets, Bob nothing."""
        element = self.env["telecom.network.element"].create(
            {"name": "tp-olt-1", "element_type": "olt"}
        )
        self.alice_fibre.telecom_access_element_id = element
        with trap_jobs() as trap:
            self.env["telecom.alarm"]._telecom_receive(
                [{"element": "tp-olt-1", "severity": "critical", "probable_cause": "lossOfSignal"}]
            )
            for _round in range(10):
                if not trap.enqueued_jobs:
                    break
                trap.perform_enqueued_jobs()
            self.assertFalse(trap.enqueued_jobs)
        master = self.env["helpdesk.ticket"].search(
            [("telecom_is_outage", "=", True), ("telecom_alarm_id.element_id", "=", element.id)]
        )
        self.assertEqual(len(master), 1)
        child = master.telecom_child_ids.filtered(
            lambda t: t.commercial_partner_id == self.business
        )
        self.assertEqual(len(child), 1, "Alice's company has its outage ticket")
        self.authenticate("tp_alice", "tp_alice")
        res = self.url_open("/my")
        self.assertIn("o_telecom_outage", res.text)
        self.assertIn("CIRCUIT-ALICE", res.text)
        self.assertIn(f"/my/ticket/{child.id}", res.text)
        self.assertNotIn("tp-olt-1", res.text, "the network's own names stay inside")
        res = self.url_open(f"/my/subscriptions/{self.alice_fibre.id}")
        self.assertIn("o_telecom_outage", res.text)
        res = self.url_open(f"/my/subscriptions/{self.alice_sub.id}")
        self.assertNotIn("o_telecom_outage", res.text)
        res = self.url_open("/my/tickets")
        self.assertIn("o_telecom_outage", res.text)
        self.assertIn(child.number, res.text)
        page = self.url_open(f"/my/ticket/{child.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_telecom_ticket_outage", page.text)
        self.assertIn("our teams are on it", page.text)
        # another customer is not told about it and cannot open Alice's ticket
        self.authenticate("tp_bob", "tp_bob")
        self.assertNotIn("o_telecom_outage", self.url_open("/my").text)
        self.assertNotIn("o_telecom_outage", self.url_open("/my/tickets").text)
        res = self.url_open(f"/my/ticket/{child.id}", allow_redirects=False)
        self.assertIn(res.status_code, (302, 303))
        # the alarm clears: the notice goes, the ticket says the service is back
        with trap_jobs() as trap:
            self.env["telecom.alarm"]._telecom_receive(
                [{"element": "tp-olt-1", "severity": "cleared", "probable_cause": "lossOfSignal"}]
            )
            for _round in range(10):
                if not trap.enqueued_jobs:
                    break
                trap.perform_enqueued_jobs()
        self.authenticate("tp_alice", "tp_alice")
        self.assertNotIn("o_telecom_outage", self.url_open("/my").text)
        page = self.url_open(f"/my/ticket/{child.id}")
        self.assertIn("service restored", page.text)

    # -- services --------------------------------------------------------------
    def test_services_list_shows_only_own_services(self):
        self.authenticate("tp_alice", "tp_alice")
        res = self.url_open("/my/subscriptions")
        self.assertEqual(res.status_code, 200)
        self.assertIn("+32470000001", res.text)
        self.assertIn("CIRCUIT-ALICE", res.text)
        self.assertNotIn("+32470000002", res.text)
        self.assertNotIn("+32470000003", res.text)
        res = self.url_open("/my/subscriptions?search=CIRCUIT")
        self.assertIn("CIRCUIT-ALICE", res.text)
        self.assertNotIn("+32470000001", res.text)
        res = self.url_open("/my/subscriptions?filterby=terminated&sortby=state")
        self.assertNotIn("CIRCUIT-ALICE", res.text)
        # bad parameters fall back to the defaults
        res = self.url_open("/my/subscriptions?filterby=nope&sortby=nope&page=abc")
        self.assertEqual(res.status_code, 200)
        self.assertIn("CIRCUIT-ALICE", res.text)

    def test_services_list_pages(self):
        self.patch(TelecomPortalBase, "_items_per_page", 1)
        self.authenticate("tp_alice", "tp_alice")
        first = self.url_open("/my/subscriptions?filterby=all")
        second = self.url_open("/my/subscriptions/page/2?filterby=all")
        self.assertIn("/my/subscriptions/page/2", first.text)
        names = [("+32470000001" in r.text, "CIRCUIT-ALICE" in r.text) for r in (first, second)]
        self.assertEqual(sorted(names), [(False, True), (True, False)])

    def test_service_detail(self):
        self.authenticate("tp_alice", "tp_alice")
        res = self.url_open(f"/my/subscriptions/{self.alice_sub.id}")
        self.assertEqual(res.status_code, 200)
        text = res.text
        self.assertIn("Mobile S", text)
        self.assertIn("+32470000001", text)
        self.assertIn("8932000000000000014", text)
        self.assertIn(self.alice_sub.name, text)
        # commitment end, allowances of the plan, actions of the owner
        self.assertIn("o_telecom_commitment", text)
        self.assertIn("o_telecom_allowance", text)
        self.assertIn("5 GB", text)
        self.assertIn("300 min", text)
        for action in ("change_plan", "addon", "suspend", "sim", "port_in"):
            self.assertIn(f"/my/subscriptions/{self.alice_sub.id}/{action}", text)
        # the fibre line takes no SIM request
        res = self.url_open(f"/my/subscriptions/{self.alice_fibre.id}")
        self.assertNotIn(f"/my/subscriptions/{self.alice_fibre.id}/sim", res.text)

    def test_service_isolation_by_id_and_token(self):
        self.authenticate("tp_alice", "tp_alice")
        # another customer's service: by id, with a wrong token, with no such id
        self._redirected_home(
            self.url_open(f"/my/subscriptions/{self.bob_sub.id}", allow_redirects=False)
        )
        self._redirected_home(
            self.url_open(
                f"/my/subscriptions/{self.bob_sub.id}?access_token=nope", allow_redirects=False
            )
        )
        alice_token = self.alice_sub.sudo()._portal_ensure_token()
        self._redirected_home(
            self.url_open(
                f"/my/subscriptions/{self.bob_sub.id}?access_token={alice_token}",
                allow_redirects=False,
            )
        )
        self._redirected_home(self.url_open("/my/subscriptions/999999", allow_redirects=False))
        # an agent's customer is not a customer's business
        self._redirected_home(
            self.url_open(f"/my/subscriptions/{self.agent_customer_sub.id}", allow_redirects=False)
        )
        # the record's own token opens it read-only (a link the operator shared)
        bob_token = self.bob_sub.sudo()._portal_ensure_token()
        res = self.url_open(f"/my/subscriptions/{self.bob_sub.id}?access_token={bob_token}")
        self.assertEqual(res.status_code, 200)
        self.assertIn("+32470000002", res.text)
        self.assertNotIn("o_telecom_actions", res.text)
        # but a token never lets anyone act on the service
        for path in ("change_plan", "addon", "suspend", "sim", "port_in"):
            self._redirected_home(
                self.url_open(
                    f"/my/subscriptions/{self.bob_sub.id}/{path}?access_token={bob_token}",
                    allow_redirects=False,
                )
            )
        res = self._post(
            f"/my/subscriptions/{self.bob_sub.id}/change_plan/confirm",
            {"plan_id": self.plan_m.id, "when": "now", "access_token": bob_token},
        )
        self._redirected_home(res)
        res = self._post(
            f"/my/subscriptions/{self.bob_sub.id}/suspend",
            {"confirm": "1", "access_token": bob_token},
        )
        self._redirected_home(res)
        self.env.invalidate_all()
        self.assertEqual(self.bob_sub.plan_id, self.plan_s)
        self.assertEqual(self.bob_sub.state, "active")
        self.assertFalse(
            self.bob_sub.service_order_ids.filtered(lambda so: so.action != "activate")
        )

    def test_anonymous_visitor(self):
        self.authenticate(None, None)
        res = self.url_open(f"/my/subscriptions/{self.bob_sub.id}", allow_redirects=False)
        self.assertIn(res.status_code, (302, 303))
        self.assertNotIn("+32470000002", res.text)
        res = self.url_open("/my/subscriptions", allow_redirects=False)
        self.assertIn("/web/login", res.headers["Location"])
        res = self.url_open(
            f"/my/subscriptions/{self.bob_sub.id}/change_plan", allow_redirects=False
        )
        self.assertIn("/web/login", res.headers["Location"])

    # -- plan change -------------------------------------------------------------
    def test_change_plan_with_preview(self):
        self.authenticate("tp_alice", "tp_alice")
        base = f"/my/subscriptions/{self.alice_sub.id}/change_plan"
        res = self.url_open(base)
        self.assertEqual(res.status_code, 200)
        self.assertIn("Mobile M", res.text)
        self.assertIn("Mobile L", res.text)
        self.assertNotIn("Fibre 500", res.text, "a mobile line moves to mobile plans only")
        # the preview: prices, difference, date; nothing ordered yet
        res = self._post(
            f"{base}/preview", {"plan_id": self.plan_m.id, "when": "now"}, allow_redirects=True
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("o_telecom_preview", res.text)
        self.assertIn("Mobile S", res.text)
        self.assertIn("Mobile M", res.text)
        self.assertRegex(res.text, r"\+[^0-9]*10[.,]00")
        # the prorated amount of this period, as telecom_billing's proration computes it
        when = {key: day for key, _label, day in self.alice_sub._telecom_portal_change_dates()}
        expected = self.alice_sub._telecom_change_preview(self.plan_m, when["now"])
        self.assertIsNotNone(expected["amount"])
        shown = html.fromstring(res.text).xpath(
            "//span[contains(concat(' ', @class, ' '), ' o_telecom_prorated_amount ')]"
        )
        self.assertEqual(len(shown), 1)
        digits = re.sub(r"[^0-9.,-]", "", shown[0].text_content()).replace(",", ".")
        self.assertAlmostEqual(float(digits.strip(".")), expected["amount"], places=2)
        self.env.invalidate_all()
        self.assertFalse(
            self.env["sale.order"].search([("telecom_customer_id", "=", self.business.id)])
        )
        # bad input: another technology, an unknown plan, no date
        for data in (
            {"plan_id": self.plan_fiber.id, "when": "now"},
            {"plan_id": "abc", "when": "now"},
            {"plan_id": self.plan_m.id, "when": "never"},
        ):
            res = self._post(f"{base}/preview", data, allow_redirects=True)
            self.assertIn("o_telecom_error", res.text, data)
        # confirm: a confirmed plan-change order and its service order, done
        res = self._post(f"{base}/confirm", {"plan_id": self.plan_m.id, "when": "now"})
        self.assertIn(res.status_code, (302, 303))
        self.assertIn("message=plan_change", res.headers["Location"])
        self.env.invalidate_all()
        order = (
            self.env["sale.order.line"]
            .search([("telecom_subscription_id", "=", self.alice_sub.id)])
            .order_id
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.telecom_order_kind, "plan_change")
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.telecom_portal_request)
        self.assertEqual(order.partner_id, self.alice.partner_id)
        self.assertEqual(order.telecom_billing_account_id, self.business_account)
        self.assertEqual(self.alice_sub.plan_id, self.plan_m)
        self.assertEqual(order.telecom_service_order_ids.state, "done")
        # the customer follows it: flash message, the service's changes, the requests page
        res = self.url_open(res.headers["Location"])
        self.assertIn("o_telecom_message", res.text)
        self.assertIn(order.telecom_service_order_ids.name, res.text)
        res = self.url_open("/my/requests")
        self.assertIn(order.name, res.text)
        self.assertIn("Done", res.text)
        # and reads the order itself on the sales order page
        self.assertEqual(self.url_open(order.get_portal_url()).status_code, 200)

    def test_change_plan_at_next_billing_period(self):
        self.business_account.billing_day = 1
        with freeze_time("2025-03-14"):
            self.authenticate("tp_alice", "tp_alice")
            res = self._post(
                f"/my/subscriptions/{self.alice_sub.id}/change_plan/confirm",
                {"plan_id": self.plan_l.id, "when": "cycle"},
            )
            self.assertIn(res.status_code, (302, 303))
        self.env.invalidate_all()
        line = self.alice_sub.line_ids.filtered(lambda ln: ln.product_id == self.plan_l)
        self.assertEqual(line.date_start, fields.Date.to_date("2025-04-01"))

    # -- add-on, suspension, resumption -----------------------------------------
    def test_buy_addon(self):
        fibre_tv = self._product("Fibre TV", "T-ADD-FTV", "addon", 8.0, telecom_technology="ftth")
        self.authenticate("tp_alice", "tp_alice")
        url = f"/my/subscriptions/{self.alice_sub.id}/addon"
        res = self.url_open(url)
        self.assertIn("Data Boost 10 GB", res.text)
        self.assertNotIn("Fibre TV", res.text)
        res = self._post(url, {"product_id": fibre_tv.id}, allow_redirects=True)
        self.assertIn("o_telecom_error", res.text, "TV is not for a mobile line")
        res = self._post(url, {"product_id": self.addon_data.id})
        self.assertIn("message=addon", res.headers["Location"])
        self.env.invalidate_all()
        self.assertIn(self.addon_data, self.alice_sub.line_ids.product_id)
        # it is held now: not offered again
        self.assertNotIn("Data Boost 10 GB", self.url_open(url).text)

    def test_temporary_suspension_resumes_by_itself(self):
        self.authenticate("tp_bob", "tp_bob")
        url = f"/my/subscriptions/{self.bob_sub.id}/suspend"
        today = fields.Date.context_today(self.bob_sub)
        res = self._post(url, {"resume_date": fields.Date.to_string(today)}, allow_redirects=True)
        self.assertIn("o_telecom_error", res.text, "not confirmed")
        res = self._post(
            url, {"confirm": "1", "resume_date": fields.Date.to_string(today)}, allow_redirects=True
        )
        self.assertIn("o_telecom_error", res.text, "resuming today is no suspension")
        resume = today + timedelta(days=7)
        res = self._post(url, {"confirm": "1", "resume_date": fields.Date.to_string(resume)})
        self.assertIn("message=suspension", res.headers["Location"])
        self.env.invalidate_all()
        self.assertEqual(self.bob_sub.state, "suspended")
        self.assertEqual(self.bob_sub.suspend_reason, "customer_request")
        self.assertEqual(self.bob_sub.telecom_resume_date, resume)
        res = self.url_open(f"/my/subscriptions/{self.bob_sub.id}")
        self.assertIn("o_telecom_resume", res.text)
        # the daily job does nothing before the day, resumes on it
        Subscription = self.env["telecom.subscription"]
        self.assertEqual(Subscription._cron_telecom_scheduled_resume(), 0)
        with freeze_time(resume):
            self.assertEqual(Subscription._cron_telecom_scheduled_resume(), 1)
        self.assertEqual(self.bob_sub.state, "active")
        self.assertFalse(self.bob_sub.telecom_resume_date)

    def test_scheduled_termination_shown_and_pause_still_offered(self):
        today = fields.Date.context_today(self.bob_sub)
        ends = today + timedelta(days=30)
        order = self.bob_sub.action_terminate(ends, "term_customer_request")
        self.assertTrue(order.scheduled)
        self.authenticate("tp_bob", "tp_bob")
        res = self.url_open(f"/my/subscriptions/{self.bob_sub.id}")
        self.assertEqual(res.status_code, 200)
        self.assertIn("o_telecom_scheduled_change", res.text)
        self.assertIn(fields.Date.to_string(ends), res.text)
        # a plan change would be overtaken by the termination; a pause is not
        self.assertNotIn(f"/my/subscriptions/{self.bob_sub.id}/change_plan", res.text)
        self.assertIn(f"/my/subscriptions/{self.bob_sub.id}/suspend", res.text)
        resume = today + timedelta(days=7)
        self._post(
            f"/my/subscriptions/{self.bob_sub.id}/suspend",
            {"confirm": "1", "resume_date": fields.Date.to_string(resume)},
        )
        self.env.invalidate_all()
        self.assertEqual(self.bob_sub.state, "suspended")
        # the temporary suspension ends on its day although the termination waits
        with freeze_time(resume):
            self.assertEqual(self.env["telecom.subscription"]._cron_telecom_scheduled_resume(), 1)
        self.assertEqual((self.bob_sub.state, order.state), ("active", "submitted"))

    def test_resume_now(self):
        self.authenticate("tp_bob", "tp_bob")
        self._post(f"/my/subscriptions/{self.bob_sub.id}/suspend", {"confirm": "1"})
        self.env.invalidate_all()
        self.assertEqual(self.bob_sub.state, "suspended")
        res = self._post(f"/my/subscriptions/{self.bob_sub.id}/resume")
        self.assertIn("message=resumption", res.headers["Location"])
        self.env.invalidate_all()
        self.assertEqual(self.bob_sub.state, "active")
        kinds = (
            self.env["sale.order"]
            .search([("telecom_subscription_ids", "in", self.bob_sub.ids)])
            .mapped("telecom_order_kind")
        )
        self.assertEqual(sorted(kinds), ["resumption", "suspension"])

    def test_no_resume_of_a_suspension_for_non_payment(self):
        self.bob_sub.action_suspend("non_payment")
        self.authenticate("tp_bob", "tp_bob")
        res = self.url_open(f"/my/subscriptions/{self.bob_sub.id}")
        self.assertNotIn("o_telecom_resume", res.text)
        res = self._post(f"/my/subscriptions/{self.bob_sub.id}/resume", allow_redirects=True)
        self.assertIn("o_telecom_error", res.text)
        self.env.invalidate_all()
        self.assertEqual(self.bob_sub.state, "suspended")

    # -- SIM replacement and port-in (tickets) ---------------------------------
    def test_sim_replacement_blocks_a_stolen_sim(self):
        self.authenticate("tp_bob", "tp_bob")
        url = f"/my/subscriptions/{self.bob_sub.id}/sim"
        self.assertEqual(self.url_open(url).status_code, 200)
        res = self._post(url, {"reason": "nope"}, allow_redirects=True)
        self.assertIn("o_telecom_error", res.text)
        res = self._post(url, {"reason": "damaged", "block": "1"}, allow_redirects=True)
        self.assertIn("o_telecom_error", res.text, "only lost or stolen SIMs are blocked")
        res = self._post(url, {"reason": "stolen", "block": "1", "note": "Send to the office"})
        self.assertIn("message=sim", res.headers["Location"])
        self.env.invalidate_all()
        ticket = self.env["helpdesk.ticket"].search(
            [
                (
                    "category_id",
                    "=",
                    self.env.ref("telecom_portal.helpdesk_ticket_category_sim_replacement").id,
                )
            ]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.partner_id, self.bob.partner_id)
        self.assertIn("8932000000000000022", ticket.description)
        self.assertIn("Send to the office", ticket.description)
        self.assertEqual(self.bob_sub.state, "suspended")
        # bob follows it: his ticket page and his requests page
        self.assertEqual(self.url_open(f"/my/ticket/{ticket.id}").status_code, 200)
        self.assertIn(ticket.number, self.url_open("/my/requests").text)

    def test_port_in_request(self):
        self.authenticate("tp_alice", "tp_alice")
        url = f"/my/subscriptions/{self.alice_sub.id}/port_in"
        tomorrow = fields.Date.context_today(self.alice_sub) + timedelta(days=1)
        bad = [
            {"number": "12345", "donor": "Other Telco"},
            {"number": "+32470999999", "donor": ""},
            {"number": "+32470000002", "donor": "Other Telco"},  # a number of ours
            {
                "number": "+32470999999",
                "donor": "Other Telco",
                "date": fields.Date.to_string(tomorrow - timedelta(days=1)),
            },
            {"number": "+32470999999", "donor": "Other Telco", "date": "not-a-date"},
        ]
        for data in bad:
            res = self._post(url, data, allow_redirects=True)
            self.assertIn("o_telecom_error", res.text, data)
        Ticket = self.env["helpdesk.ticket"]
        self.assertFalse(Ticket.search([("partner_id", "=", self.alice.partner_id.id)]))
        res = self._post(
            url, {"number": "0032 470 99 99 99", "donor": "Other Telco", "donor_account": "X1"}
        )
        self.assertIn("message=port_in", res.headers["Location"])
        ticket = Ticket.search([("partner_id", "=", self.alice.partner_id.id)])
        self.assertEqual(
            ticket.category_id, self.env.ref("telecom_portal.helpdesk_ticket_category_port_in")
        )
        self.assertIn("+32470999999", ticket.description)
        self.assertIn("Other Telco", ticket.description)

    def test_requests_page_shows_only_own_requests(self):
        self.bob_sub.with_user(self.bob).sudo()._telecom_portal_suspend(self.bob)
        self.authenticate("tp_alice", "tp_alice")
        res = self.url_open("/my/requests")
        self.assertEqual(res.status_code, 200)
        self.assertNotIn(self.bob_sub.phone_number, res.text)
        self.assertNotIn("o_telecom_request_row", res.text)
