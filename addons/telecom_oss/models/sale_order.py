# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Orders take numbers from our pools, or port them in explicitly.

An order for a new service may name its phone number. When the company keeps
number pools, that number must be one of them and not in use, unless the line
is a port-in (the number comes from another operator): an agent or an integrator
cannot take an arbitrary number. Provisioning checks it again
(``telecom.provisioning.task._telecom_do_reserve_number``).
"""

from odoo import models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _telecom_check_new(self, date):
        for line in self._telecom_lines():
            if line.telecom_phone_number and not line.telecom_port_in:
                self.env["telecom.number"]._telecom_check_ours(
                    line.telecom_phone_number, self.company_id, line.name
                )
        return super()._telecom_check_new(date)


class TelecomNumber(models.Model):
    _inherit = "telecom.number"

    def _telecom_ours(self, number, company):
        """``(keeps pools, record)``: whether ``company`` keeps number pools, and the
        record of ``number`` in them (empty when it is not one of ours)."""
        pools = self.env["telecom.number.pool"].sudo().with_context(active_test=False)
        if not pools.search_count([("company_id", "=", company.id)], limit=1):
            return False, self.browse()
        return True, self.sudo().search(
            [("name", "=", number), ("company_id", "=", company.id)], limit=1
        )

    def _telecom_check_ours(self, number, company, what):
        """Refuse ``number`` unless it is a usable number of ``company``'s pools (or the
        company keeps no pools: it does not manage numbers in the suite)."""
        keeps_pools, found = self._telecom_ours(number, company)
        if not keeps_pools:
            return
        if not found:
            raise UserError(
                self.env._(
                    "%(what)s: %(number)s is not one of our numbers. Choose a number from our "
                    "pools, or order it as a port-in if it comes from another operator.",
                    what=what,
                    number=number,
                )
            )
        if found.state in ("assigned", "blocked"):
            raise UserError(
                self.env._(
                    "%(what)s: the number %(number)s is not free (%(state)s).",
                    what=what,
                    number=number,
                    state=dict(found._fields["state"]._description_selection(self.env)).get(
                        found.state, found.state
                    ),
                )
            )
