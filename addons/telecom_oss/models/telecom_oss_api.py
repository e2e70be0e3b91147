# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC methods for external systems (network managers, workforce tools).

Plain data in, plain data out; ISO-8601 times; every method is safe to retry:
a repeated alarm only counts, a repeated task report answers ``duplicate``.
Documented in ``docs/rpc.md`` (section telecom.oss.api).
"""

from odoo import api, models
from odoo.exceptions import UserError


class TelecomOssApi(models.AbstractModel):
    _name = "telecom.oss.api"
    _description = "Telecom OSS API for integrators"

    @api.model
    def report_alarms(self, alarms):
        """Absorb a batch of alarm events (see ``telecom.alarm._telecom_receive``).

        Returns one dict per event: ``index``, ``status`` (created | repeated |
        cleared | ignored | error), ``alarm_id``, ``error``."""
        self._telecom_check_groups("telecom_oss.group_telecom_network_engineer")
        Alarm = self.env["telecom.alarm"]
        Alarm.check_access("create")
        Alarm.check_access("write")
        return Alarm._telecom_receive(alarms)

    @api.model
    def report_alarm(self, alarm):
        """One alarm event; returns its result dict."""
        self._telecom_check_groups("telecom_oss.group_telecom_network_engineer")
        if not isinstance(alarm, dict):
            raise UserError(self.env._("An alarm is an object (a dict)."))
        return self.report_alarms([alarm])[0]

    @api.model
    def report_task_result(self, reference, status, message=None, data=None):
        """An external system reports the result of a provisioning task waiting for it.

        ``reference``: the task reference (sent as the ``Idempotency-Key`` header of
        the request), ``status``: ``done`` or ``failed``. Safe to repeat. Only tasks of
        the caller's companies: another company's task is unknown to it."""
        self._telecom_check_groups(
            "telecom_oss.group_telecom_provisioning", "telecom_oss.group_telecom_network_engineer"
        )
        Task = self.env["telecom.provisioning.task"]
        Task.check_access("write")
        if not isinstance(reference, str) or not reference or len(reference) > 128:
            raise UserError(self.env._("reference is required (at most 128 characters)."))
        if data is not None and not isinstance(data, dict):
            raise UserError(self.env._("data must be an object (a dict)."))
        if message is not None and (not isinstance(message, str) or len(message) > 4096):
            raise UserError(self.env._("message must be a string of at most 4096 characters."))
        return Task.sudo()._telecom_report(
            reference, status, message=message, data=data, companies=self.env.companies
        )

    @api.model
    def impact(self, element=None, site=None):
        """What a failure of an element (id or hostname) or site (id or code) hits.

        Returns ``elements`` (names), the live ``subscriptions`` and the
        ``customers`` behind them."""
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        elements, sites = self._resolve_scope(element, site)
        Element = self.env["telecom.network.element"]
        impacted = Element._telecom_impacted_elements(elements or None, sites or None)
        subs = self.env["telecom.subscription"]._telecom_impacted_by(
            elements or None, sites or None
        )
        customers = subs.partner_id
        return {
            "elements": sorted(impacted.mapped("name")),
            "subscriptions": [
                {
                    "id": sub.id,
                    "name": sub.name,
                    "state": sub.state,
                    "customer_id": sub.partner_id.id,
                    "phone_number": sub.phone_number or False,
                    "circuit_id": sub.circuit_id or False,
                }
                for sub in subs.sorted("name")
            ],
            "customers": [
                {"id": p.id, "name": p.name, "customer_number": p.telecom_customer_number or False}
                for p in customers.sorted("name")
            ],
        }

    @api.model
    def _resolve_scope(self, element, site):
        Element = self.env["telecom.network.element"]
        Site = self.env["telecom.site"]
        elements, sites = Element, Site
        if element not in (None, False, ""):
            domain = (
                [("id", "=", element)] if isinstance(element, int) else [("name", "=", element)]
            )
            elements = Element.search(domain, limit=1)
            if not elements:
                raise UserError(self.env._("Unknown element %(ref)r.", ref=element))
        if site not in (None, False, ""):
            domain = [("id", "=", site)] if isinstance(site, int) else [("code", "=", site)]
            sites = Site.search(domain, limit=1)
            if not sites:
                raise UserError(self.env._("Unknown site %(ref)r.", ref=site))
        if not elements and not sites:
            raise UserError(self.env._("Give an element or a site."))
        return elements, sites
