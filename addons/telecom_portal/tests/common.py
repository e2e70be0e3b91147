# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the portal tests: two customers, two resellers, their users.

- Bolt Logistics (business) with portal user ``tp_alice``: a mobile line and a
  fibre access;
- Ada Resident with portal user ``tp_bob``: one mobile line;
- reseller Relay Shops with agent ``tp_agent`` and its customer Carla Client
  (one mobile line); reseller Other Shops with agent ``tp_agent2`` and its
  customer Dan Distant.

No demo data is used. Passwords are the logins.
"""

from odoo import Command, fields, http
from odoo.tests import new_test_user

from odoo.addons.telecom_crm.tests.common import TelecomFixtures

PORTAL = "base.group_portal"
AGENT = "base.group_portal,telecom_portal.group_telecom_agent"


class PortalHttp:
    """Portal requests in an HttpCase."""

    def _post(self, url, data=None, allow_redirects=False):
        """POST a portal form as the logged-in user (with its CSRF token)."""
        return self.url_open(
            url,
            data={**(data or {}), "csrf_token": http.Request.csrf_token(self)},
            allow_redirects=allow_redirects,
        )

    def _redirected_home(self, res):
        self.assertIn(res.status_code, (302, 303), res.text[:300])
        self.assertTrue(res.headers["Location"].endswith("/my"), res.headers["Location"])


class TelecomPortalFixtures(PortalHttp, TelecomFixtures):
    @classmethod
    def _portal_user(cls, login, company, groups=PORTAL):
        user = new_test_user(cls.env, login=login, groups=groups, name=login.title())
        user.partner_id.write({"parent_id": company.id, "email": f"{login}@example.com"})
        return user

    @classmethod
    def _setup_portal(cls):
        cls._setup_telecom()
        env = cls.env
        cls.alice = cls._portal_user("tp_alice", cls.business)
        cls.bob = cls._portal_user("tp_bob", cls.resident)
        cls.alice_sub = cls._subscription(
            partner=cls.business, phone_number="+32470000001", sim_iccid="8932000000000000014"
        )
        cls.alice_fibre = cls._subscription(
            partner=cls.business, plan=cls.plan_fiber, circuit_id="CIRCUIT-ALICE"
        )
        cls.bob_sub = cls._subscription(
            partner=cls.resident, phone_number="+32470000002", sim_iccid="8932000000000000022"
        )
        Partner = env["res.partner"]
        cls.reseller = Partner.create(
            {"name": "Relay Shops", "is_company": True, "telecom_is_reseller": True}
        )
        cls.reseller2 = Partner.create(
            {"name": "Other Shops", "is_company": True, "telecom_is_reseller": True}
        )
        cls.agent = cls._portal_user("tp_agent", cls.reseller, groups=AGENT)
        cls.agent2 = cls._portal_user("tp_agent2", cls.reseller2, groups=AGENT)
        cls.agent_customer = Partner.create(
            {
                "name": "Carla Client",
                "email": "carla@example.com",
                "telecom_agent_id": cls.reseller.id,
            }
        )
        cls.agent_customer_account = env["telecom.billing.account"].create(
            {"partner_id": cls.agent_customer.id}
        )
        cls.agent_customer_sub = cls._subscription(
            partner=cls.agent_customer,
            account=cls.agent_customer_account,
            phone_number="+32470000003",
        )
        cls.agent2_customer = Partner.create(
            {
                "name": "Dan Distant",
                "email": "dan@example.com",
                "telecom_agent_id": cls.reseller2.id,
            }
        )
        cls.agent2_customer_account = env["telecom.billing.account"].create(
            {"partner_id": cls.agent2_customer.id}
        )
        cls.agent2_customer_sub = cls._subscription(
            partner=cls.agent2_customer,
            account=cls.agent2_customer_account,
            phone_number="+32470000004",
        )
        (cls.resident_account | cls.business_account).action_activate()
        # portal users may open tickets in these categories
        Category = env["helpdesk.ticket.category"]
        cls.category_fault = Category.create({"name": "Tp Fault", "show_in_portal": True})
        cls.category_hidden = Category.create({"name": "Tp Internal", "show_in_portal": False})
        # telecom categories (telecom_helpdesk's ticket types)
        ref = env.ref
        cls.type_fault = ref("telecom_helpdesk.helpdesk_ticket_type_fault")
        cls.type_dispute = ref("telecom_helpdesk.helpdesk_ticket_type_dispute")
        cls.type_request = ref("telecom_helpdesk.helpdesk_ticket_type_service_request")
        cls.type_hidden = env["helpdesk.ticket.type"].create(
            {"name": "Tp Internal type", "telecom_kind": "order", "show_in_portal": False}
        )

    @classmethod
    def _setup_portal_invoiced(cls):
        """``_setup_portal``, a chart of accounts and a posted invoice of Alice's company."""
        cls._setup_portal()
        cls._setup_invoicing()
        cls.alice_invoice = cls._invoice(cls.business, 25.0)

    @classmethod
    def _setup_invoicing(cls):
        """A chart of accounts when the database has none (no demo data)."""
        company = cls.env.company
        if not cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        ):
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )

    @classmethod
    def _invoice(cls, partner, amount=25.0, post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Mobile S, this month",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move
