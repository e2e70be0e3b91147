# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC of rating set-up (docs/rpc.md): what the set-up documents share, and re-rating.

A translation layer: documents of plain values in and out, checked as a whole by
``rating/documents.py`` (every error with the path of its field), then written
with the ordinary models in one savepoint (nothing is written when anything is
wrong). Rating itself stays in the rating engine and ``telecom.rerating``.

One file per document: tariffs ``telecom_api_tariff.py``, plans and account pools
``telecom_api_plan.py``, mediation sources ``telecom_api_mediation.py``; reads of
what was rated ``telecom_api_usage.py``.
"""

from odoo import Command, api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.telecom_crm.models.telecom_plan_allowance import UOM_FOR_UNIT
from odoo.addons.telecom_crm.security_table import BILLING

from ..rating import BAND_POLICIES, documents
from .telecom_tariff import BANDS, ROUNDING_METHODS
from .telecom_tariff_price import UNITS_FOR_TYPE

SELECTION_KEYS = ("period_from", "period_to", "subscriptions", "tariff")


class TelecomApi(models.AbstractModel):
    _inherit = "telecom.api"

    # -- shared ------------------------------------------------------------------------------
    @api.model
    def _api_rating_catalog(self):
        """What set-up documents may name, read from the database."""
        company = self.env.company
        usage_types = self.env["telecom.usage.type"].search(
            [("company_id", "in", (False, company.id))]
        )
        product = self.env["product.template"]
        return documents.Catalog(
            usage_types={utype.code: utype.unit for utype in usage_types},
            zone_classes=set(self._api_code_ids("telecom.zone.class")),
            currencies=set(self.env["res.currency"].search([("active", "=", True)]).mapped("name")),
            default_currency=company.currency_id.name,
            bands=tuple(key for key, _label in BANDS),
            rounding_methods=tuple(key for key, _label in ROUNDING_METHODS),
            band_policies=tuple(BAND_POLICIES),
            units_for_type=UNITS_FOR_TYPE,
            allowance_units_for_type=UOM_FOR_UNIT,
            technologies=tuple(
                key
                for key, _label in product._fields["telecom_technology"]._description_selection(
                    self.env
                )
            ),
        )

    @api.model
    def _api_code_ids(self, model):
        """``{code: id}`` of a small reference model (usage types, zone classes)."""
        return {rec.code: rec.id for rec in self.env[model].search([("code", "!=", False)])}

    @api.model
    def _api_document_errors(self, what, errors):
        """The ValidationError of a document: one line per error, each naming its path."""
        return ValidationError(
            self.env._(
                "The %(what)s is not valid (%(count)s error(s)), nothing was changed:\n%(errors)s",
                what=what,
                count=len(errors),
                errors=documents.format_errors(errors),
            )
        )

    @api.model
    def _api_plain_errors(self, errors):
        return [{"path": path, "message": message} for path, message in errors]

    # -- re-rating ---------------------------------------------------------------------------
    @api.model
    def rerate(self, selection, reason, request_id=None):
        """Re-rate usage with the tariffs as they are now (``telecom.rerating``).

        ``selection``: ``period_from`` / ``period_to`` (billing periods starting on
        or after / before, ISO dates), ``subscriptions`` (ids, numbers or phone
        numbers), ``tariff`` (code); at least one. Returns the run's summary with
        the amounts at the records' precision (strings, exact).
        """

        def work():
            self._telecom_check_groups(BILLING, what=self.env._("Re-rating usage"))
            vals = self._api_rerating_vals(selection, reason)
            run = self.env["telecom.rerating"].create(vals)
            run.action_run()
            return self._api_rerating_summary(run)

        return self._api_call("rerate", request_id, [selection, reason], work)

    @api.model
    def _api_rerating_vals(self, selection, reason):
        self._api_check_keys(selection, set(SELECTION_KEYS), self.env._("selection"))
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("reason: say why (a non-empty string, for the audit)."))
        vals = {"reason": reason.strip(), "company_id": self.env.company.id}
        period_from = self._api_date(selection.get("period_from"), "selection.period_from")
        period_to = self._api_date(selection.get("period_to"), "selection.period_to")
        if period_from and period_to and period_to < period_from:
            raise UserError(self.env._("selection.period_to is before selection.period_from."))
        vals.update(period_from=period_from or False, period_to=period_to or False)
        refs = selection.get("subscriptions") or []
        if not isinstance(refs, list | tuple):
            raise UserError(self.env._("selection.subscriptions must be a list."))
        subs = self.env["telecom.subscription"]
        for ref in refs:
            subs |= self._api_subscription(ref)
        if subs:
            vals["subscription_ids"] = [Command.set(subs.ids)]
        if selection.get("tariff"):
            tariff = self._api_find_tariff(selection["tariff"])
            if not tariff:
                raise UserError(
                    self.env._("selection.tariff: no tariff %(ref)s.", ref=selection["tariff"])
                )
            vals["tariff_id"] = tariff.id
        if not (period_from or period_to or subs or selection.get("tariff")):
            raise UserError(
                self.env._(
                    "selection: give period_from, period_to, subscriptions or tariff (re-rating "
                    "everything at once is not offered)."
                )
            )
        return vals

    @api.model
    def _api_rerating_summary(self, run):
        cr = self.env.cr
        # exact sums of the records' amounts (numeric as text: the ORM reads floats)
        cr.execute(
            SQL(
                """SELECT c.name, COUNT(*),
                          COUNT(*) FILTER (WHERE l.old_amount IS DISTINCT FROM l.new_amount),
                          COALESCE(SUM(l.old_amount), 0)::text,
                          COALESCE(SUM(l.new_amount), 0)::text,
                          (COALESCE(SUM(l.new_amount), 0) - COALESCE(SUM(l.old_amount), 0))::text
                     FROM telecom_usage_rerating_line l
                     LEFT JOIN res_currency c ON c.id = l.currency_id
                    WHERE l.rerating_id = %s
                    GROUP BY c.name ORDER BY c.name""",
                run.id,
            )
        )
        totals = [
            {
                "currency": currency or False,
                "records": count,
                "changed": changed,
                "amount_before": before,
                "amount_after": after,
                "difference": difference,
            }
            for currency, count, changed, before, after, difference in cr.fetchall()
        ]
        cr.execute(
            SQL(
                """SELECT old_state, new_state, COUNT(*) FROM telecom_usage_rerating_line
                    WHERE rerating_id = %s AND old_state IS DISTINCT FROM new_state
                    GROUP BY 1, 2 ORDER BY 1, 2""",
                run.id,
            )
        )
        moved = [{"from": old, "to": new, "records": count} for old, new, count in cr.fetchall()]
        return {
            "id": run.id,
            "rerating": run.name,
            "reason": run.reason,
            "selection": {
                "period_from": self._api_iso(run.period_from),
                "period_to": self._api_iso(run.period_to),
                "subscriptions": run.subscription_ids.sorted("id").mapped("name"),
                "tariff": run.tariff_id.code or False,
            },
            "selected": run.selected_count,
            "changed": run.changed_count,
            "invoiced": run.billed_count,
            "state_changes": moved,
            "totals": totals,
            "adjustments": [
                self._api_charge_data(charge) for charge in run.adjustment_charge_ids.sorted("id")
            ],
        }
