# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the helpdesk tests: people on the telecom ladder, a team with office
hours and a public holiday, SLA policies, and a small network serving customers."""

from datetime import date, datetime

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.telecom_crm.tests.common import TelecomFixtures
from odoo.addons.telecom_oss.tests.common import JobsMixin

# Monday 13 January 2025 is the holiday of the test calendar
HOLIDAY = date(2025, 1, 13)


def utc(*args):
    """A naive UTC datetime (how Odoo stores them)."""
    return datetime(*args)


class HelpdeskFixtures(JobsMixin, TelecomFixtures):
    @classmethod
    def _setup_helpdesk(cls):
        cls._setup_telecom()
        cls.company.telecom_provisioning = False
        cls.company.telecom_sla_credit_auto = False
        ref = cls.env.ref
        cls.type_fault = ref("telecom_helpdesk.helpdesk_ticket_type_fault")
        cls.type_dispute = ref("telecom_helpdesk.helpdesk_ticket_type_dispute")
        cls.type_order = ref("telecom_helpdesk.helpdesk_ticket_type_order")
        cls.type_request = ref("telecom_helpdesk.helpdesk_ticket_type_service_request")
        cls.type_complaint = ref("telecom_helpdesk.helpdesk_ticket_type_complaint")
        cls.stage_new = ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.stage_waiting = ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.stage_resolved = ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.stage_rejected = ref("helpdesk_mgmt.helpdesk_ticket_stage_rejected")
        cls.stage_cancelled = ref("helpdesk_mgmt.helpdesk_ticket_stage_cancelled")
        cls.segment_enterprise = ref("telecom_crm.telecom_customer_segment_enterprise")
        cls.segment_consumer = ref("telecom_crm.telecom_customer_segment_consumer")
        cls.agent = new_test_user(
            cls.env, login="hd_agent", groups="telecom_crm.group_telecom_care", tz="Europe/Brussels"
        )
        cls.agent2 = new_test_user(
            cls.env, login="hd_agent2", groups="telecom_crm.group_telecom_care"
        )
        cls.team_lead = new_test_user(
            cls.env, login="hd_lead", groups="telecom_crm.group_telecom_care"
        )
        cls.noc_user = new_test_user(
            cls.env, login="hd_noc", groups="telecom_oss.group_telecom_noc"
        )
        cls.engineer = new_test_user(
            cls.env, login="hd_engineer", groups="telecom_oss.group_telecom_network_engineer"
        )
        # office hours Monday to Friday, 9:00-17:00 in Brussels, a public holiday
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Office hours (test)",
                "tz": "Europe/Brussels",
                "company_id": cls.company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9.0,
                            "hour_to": 17.0,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": cls.calendar.id,
                "resource_id": False,
                "company_id": cls.company.id,
                # midnight to midnight in Brussels (UTC+1 in January)
                "date_from": utc(2025, 1, 12, 23, 0),
                "date_to": utc(2025, 1, 13, 22, 59, 59),
            }
        )
        Team = cls.env["helpdesk.ticket.team"]
        all_types = cls.type_fault | cls.type_dispute | cls.type_order | cls.type_request
        cls.team = Team.create(
            {
                "name": "Care (test)",
                "use_sla": True,
                "resource_calendar_id": cls.calendar.id,
                "user_ids": [Command.set((cls.agent | cls.agent2 | cls.team_lead).ids)],
                "user_id": cls.team_lead.id,
                "type_ids": [Command.set((all_types | cls.type_complaint).ids)],
            }
        )
        cls.team_escalation = Team.create(
            {
                "name": "Second line (test)",
                "use_sla": True,
                "resource_calendar_id": cls.calendar.id,
                "user_ids": [Command.set(cls.team_lead.ids)],
                "user_id": cls.team_lead.id,
                "type_ids": [Command.set((all_types | cls.type_complaint).ids)],
            }
        )
        cls.team_noc = Team.create(
            {
                "name": "NOC (test)",
                "use_sla": True,
                "resource_calendar_id": cls.calendar.id,
                "user_ids": [Command.set(cls.noc_user.ids)],
                "user_id": cls.noc_user.id,
                "type_ids": [Command.set(cls.type_fault.ids)],
            }
        )
        # the tests' own SLA policies and routing only
        cls.env["helpdesk.sla"].search([]).write({"active": False})
        cls.env["telecom.helpdesk.assignment.rule"].search([]).write({"active": False})
        Rule = cls.env["telecom.helpdesk.assignment.rule"]
        cls.rule_alarm = Rule.create(
            {
                "name": "Alarms to the NOC (test)",
                "sequence": 1,
                "channel_ids": [
                    Command.set(cls.env.ref("telecom_helpdesk.helpdesk_ticket_channel_alarm").ids)
                ],
                "team_id": cls.team_noc.id,
            }
        )
        cls.rule_default = Rule.create(
            {"name": "Everything (test)", "sequence": 100, "team_id": cls.team.id}
        )
        cls.company.telecom_outage_team_id = cls.team_noc

    @classmethod
    def _setup_credit_notes(cls):
        """Billing's credit notes in this company: a sales journal and a 21 % VAT on
        billing's "Credit" product (the totals below are computed by hand)."""
        env, company = cls.env, cls.company
        if not env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        ):
            env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        base_tax = company.account_sale_tax_id or env["account.tax"].search(
            [("type_tax_use", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        cls.tax21 = base_tax.copy(
            {
                "name": "VAT 21% (helpdesk tests)",
                "amount": 21.0,
                "amount_type": "percent",
                "price_include_override": "tax_excluded",
            }
        )
        env.ref("telecom_billing.product_telecom_credit").taxes_id = [Command.set(cls.tax21.ids)]

    @classmethod
    def _sla(cls, name, kind, hours=0, days=0, **vals):
        target = cls.stage_progress if kind == "response" else cls.stage_resolved
        values = {
            "name": name,
            "telecom_sla_kind": kind,
            "stage_id": target.id,
            "hours": hours,
            "days": days,
            "team_ids": [Command.set((cls.team | cls.team_escalation | cls.team_noc).ids)],
        }
        if kind == "resolution":
            values["ignore_stage_ids"] = [Command.set(cls.stage_waiting.ids)]
        values.update(vals)
        return cls.env["helpdesk.sla"].create(values)

    @classmethod
    def _ticket(cls, user=None, **vals):
        values = {
            "name": "No service",
            "description": "<p>Nothing works</p>",
            "type_id": cls.type_fault.id,
            "partner_id": cls.resident.id,
            "team_id": cls.team.id,
        }
        values.update(vals)
        Ticket = cls.env["helpdesk.ticket"]
        if user:
            Ticket = Ticket.with_user(user)
        return Ticket.create(values)

    @classmethod
    def _setup_network(cls):
        """A core router, two OLTs and the fibre lines behind them."""
        Site = cls.env["telecom.site"]
        Element = cls.env["telecom.network.element"]
        cls.site_dc = Site.create({"code": "HDC", "name": "HD data centre"})
        cls.site_co = Site.create({"code": "HCO", "name": "HD central office", "zip": "9000"})
        cls.site_other = Site.create({"code": "HOT", "name": "HD other office", "zip": "1000"})
        cls.core = Element.create(
            {"name": "hd-core", "element_type": "router", "site_id": cls.site_dc.id}
        )
        cls.olt = Element.create(
            {
                "name": "hd-olt",
                "element_type": "olt",
                "site_id": cls.site_co.id,
                "parent_id": cls.core.id,
            }
        )
        cls.olt_other = Element.create(
            {
                "name": "hd-olt-other",
                "element_type": "olt",
                "site_id": cls.site_other.id,
                "parent_id": cls.core.id,
            }
        )

    @classmethod
    def _setup_outage_network(cls):
        """The network, and SLA terms on the fibre plan: 99.5 % a month, 5 % of the
        monthly fee per hour down, capped at 50 %."""
        cls._setup_network()
        cls.plan_fiber.product_tmpl_id.write(
            {
                "telecom_sla_availability": 99.5,
                "telecom_sla_credit_percent": 5.0,
                "telecom_sla_credit_cap": 50.0,
            }
        )

    @classmethod
    def _fibre(cls, element, partner=None, account=None, plan=None, state="active"):
        sub = cls._subscription(partner=partner, account=account, plan=plan or cls.plan_fiber)
        sub.write({"telecom_access_element_id": element.id})
        if state == "suspended":
            sub.action_suspend("customer_request", date(2025, 2, 1))
        elif state == "terminated":
            reason = cls.env.ref("telecom_crm.telecom_reason_code_term_customer_request")
            sub.action_terminate(date(2025, 2, 1), reason=reason, waive_etf=True)
        return sub


class HelpdeskCase(HelpdeskFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_helpdesk()
