# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC of plans and their allowances, and of the pool sizes of a billing account (docs/rpc.md).

Shared document helpers: ``telecom_api_rating.py``.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.telecom_crm.security_table import BILLING, MANAGER

from ..rating import documents
from ..rating.documents import Checker

POOL_KEYS = ("billing_account", "pools")
POOL_ITEM_KEYS = ("plan", "usage_type", "zone_classes", "quantity", "unit")


class TelecomApi(models.AbstractModel):
    _inherit = "telecom.api"

    # -- plans and their allowances --------------------------------------------------------
    @api.model
    def _api_find_plan(self, ref):
        return self._api_lookup(
            self.env["product.template"].with_context(active_test=False), ref, "default_code"
        )

    @api.model
    def import_plan(self, document, request_id=None):
        """Create or update a plan or add-on and replace its allowances, all or nothing."""

        def work():
            self._telecom_check_groups(MANAGER, what=self.env._("Setting up plans and allowances"))
            canonical, errors = documents.plan_document(document, self._api_rating_catalog())
            tmpl = self._api_find_plan(canonical["plan"]) if canonical else None
            if canonical:
                errors += self._api_plan_db_errors(canonical, tmpl)
            if errors:
                raise self._api_document_errors(self.env._("plan document"), errors)
            return self._api_write_plan(canonical, tmpl)

        return self._api_call("import_plan", request_id, [document], work)

    @api.model
    def _api_plan_db_errors(self, doc, tmpl):
        errors = []
        if tmpl and tmpl.telecom_kind != doc["kind"]:
            errors.append(
                (
                    "kind",
                    (
                        f"product {doc['plan']} is of kind {tmpl.telecom_kind or 'none'}, not "
                        f"{doc['kind']}: a product keeps its kind"
                    ),
                )
            )
        if doc["tariff"] and not self._api_find_tariff(doc["tariff"]):
            errors.append(("tariff", f"no tariff {doc['tariff']}: import the tariff first"))
        if tmpl:
            keys = {documents.allowance_key(item) for item in doc["allowances"]}
            kept = set()
            for allowance in tmpl.telecom_allowance_ids:
                key = self._api_allowance_key(allowance)
                if key in keys and key not in kept:
                    kept.add(key)
                    continue
                if (
                    self.env["telecom.allowance.balance"]
                    .sudo()
                    .search_count([("allowance_id", "=", allowance.id)], limit=1)
                ):
                    errors.append(
                        (
                            "allowances",
                            (
                                f"the {key[0]} allowance{' (shared)' if key[2] else ''} of "
                                f"zone classes {', '.join(key[1]) or 'all'} has balances: keep "
                                "it in the document (with quantity 0 it grants nothing)"
                            ),
                        )
                    )
        return errors

    @api.model
    def _api_allowance_key(self, allowance):
        return (
            allowance.usage_type_id.code,
            tuple(sorted(allowance.zone_class_ids.mapped("code"))),
            allowance.share_scope == "billing_account",
        )

    @api.model
    def _api_write_plan(self, doc, tmpl):
        env = self.env
        vals = {
            "name": doc["name"],
            "telecom_technology": doc["technology"],
            "telecom_recurring_period": doc["period"],
            "telecom_tariff_ref": doc["tariff"],
            "telecom_allowance_prorate": doc["prorate_allowances"],
        }
        created = not tmpl
        if created:
            tmpl = env["product.template"].create(
                {
                    "default_code": doc["plan"],
                    "telecom_kind": doc["kind"],
                    "list_price": doc["price"] or 0.0,
                    **vals,
                }
            )
        else:
            tmpl.write({**vals, "active": True})
            today = fields.Date.context_today(self)
            if doc["price"] is not False and tmpl.currency_id.compare_amounts(
                doc["price"], tmpl._telecom_price_amount_at(today)
            ):
                # a new price is a dated price version: subscribers keep theirs
                same_day = tmpl.telecom_price_version_ids.filtered(lambda v: v.date_from == today)
                if same_day:
                    same_day.price = doc["price"]
                else:
                    env["telecom.price.version"].create(
                        {"product_tmpl_id": tmpl.id, "date_from": today, "price": doc["price"]}
                    )
        usage_types = self._api_code_ids("telecom.usage.type")
        classes = self._api_code_ids("telecom.zone.class")
        existing = {}
        for allowance in tmpl.telecom_allowance_ids:
            existing.setdefault(self._api_allowance_key(allowance), allowance)
        keep = env["telecom.plan.allowance"]
        for index, item in enumerate(doc["allowances"]):
            vals = {
                "sequence": (index + 1) * 10,
                "usage_type_id": usage_types[item["usage_type"]],
                "zone_class_ids": [Command.set([classes[c] for c in item["zone_classes"]])],
                "quantity": item["quantity"],
                "uom": item["unit"],
                "rollover": item["rollover"],
                "rollover_max_periods": item["rollover_periods"],
                "share_scope": "billing_account" if item["shared"] else "subscription",
                "pool_quantity": item["pool_quantity"] or 0.0,
            }
            allowance = existing.pop(documents.allowance_key(item), None)
            if allowance:
                allowance.write(vals)
            else:
                allowance = env["telecom.plan.allowance"].create(
                    {"product_tmpl_id": tmpl.id, **vals}
                )
            keep |= allowance
        (tmpl.telecom_allowance_ids - keep).unlink()
        return {
            "plan": tmpl.default_code,
            "product_id": tmpl.product_variant_id.id,
            "product_tmpl_id": tmpl.id,
            "created": created,
            "allowances": len(keep),
        }

    @api.model
    def export_plan(self, plan):
        """A plan or add-on with its allowances, as ``import_plan`` takes it."""

        def work():
            tmpl = self._api_find_plan(plan)
            if not tmpl or tmpl.telecom_kind not in ("plan", "addon"):
                raise UserError(self.env._("No plan or add-on %(ref)s.", ref=plan))
            return self._api_plan_document(tmpl)

        return self._api_call("export_plan", None, [plan], work)

    @api.model
    def _api_plan_document(self, tmpl):
        return {
            "plan": tmpl.default_code or False,
            "name": tmpl.name,
            "kind": tmpl.telecom_kind,
            "technology": tmpl.telecom_technology or False,
            "period": tmpl.telecom_recurring_period or "monthly",
            "price": tmpl._telecom_price_amount_at(fields.Date.context_today(self)),
            "tariff": tmpl.telecom_tariff_ref or False,
            "prorate_allowances": tmpl.telecom_allowance_prorate,
            "allowances": [
                {
                    "usage_type": allowance.usage_type_id.code,
                    "zone_classes": sorted(allowance.zone_class_ids.mapped("code")),
                    "quantity": allowance.quantity,
                    "unit": allowance.uom,
                    "rollover": allowance.rollover,
                    "rollover_periods": allowance.rollover_max_periods,
                    "shared": allowance.share_scope == "billing_account",
                    "pool_quantity": allowance.pool_quantity or False,
                }
                for allowance in tmpl.telecom_allowance_ids.sorted(lambda a: (a.sequence, a.id))
            ],
        }

    # -- pool sizes of an account ----------------------------------------------------------
    @api.model
    def import_account_pools(self, document, request_id=None):
        """State the sizes of a billing account's shared pools (replaces those stated)."""

        def work():
            self._telecom_check_groups(BILLING, what=self.env._("Stating pool sizes"))
            account, rows = self._api_pool_rows(document)
            account.check_access("write")
            account.telecom_pool_ids.unlink()
            self.env["telecom.allowance.pool"].create(rows)
            return self._api_pools_document(account)

        return self._api_call("import_account_pools", request_id, [document], work)

    @api.model
    def _api_pool_rows(self, document):
        check = Checker()
        catalog = self._api_rating_catalog()
        check.struct(document, "", POOL_KEYS, required=POOL_KEYS)
        if check.errors:
            raise self._api_document_errors(self.env._("pool document"), check.errors)
        account = self._api_billing_account_ref(document.get("billing_account"))
        rows, seen = [], {}
        for index, item in enumerate(check.list(document.get("pools"), "pools")):
            path = f"pools[{index}]"
            if (
                check.struct(
                    item, path, POOL_ITEM_KEYS, required=("plan", "usage_type", "quantity", "unit")
                )
                is None
            ):
                continue
            quantity = check.number(item.get("quantity"), f"{path}.quantity", 2)
            tmpl = self._api_find_plan(item.get("plan"))
            if not tmpl:
                check.error(f"{path}.plan", f"no plan or add-on {item.get('plan')!r}")
                continue
            shared = tmpl.telecom_allowance_ids.filtered(
                lambda a, item=item: (
                    a.share_scope == "billing_account"
                    and a.usage_type_id.code == item.get("usage_type")
                )
            )
            if "zone_classes" in item:
                classes = item["zone_classes"]
                if not isinstance(classes, list | tuple):
                    check.error(f"{path}.zone_classes", "must be a list")
                    continue
                shared = shared.filtered(
                    lambda a, c=classes: sorted(a.zone_class_ids.mapped("code")) == sorted(c)
                )
            if len(shared) != 1:
                check.error(
                    path,
                    f"plan {tmpl.default_code} has {len(shared) or 'no'} shared "
                    f"{item.get('usage_type')} allowance(s)"
                    + (" matching: give its zone_classes" if len(shared) > 1 else ""),
                )
                continue
            unit = item.get("unit")
            allowed = catalog.allowance_units_for_type.get(shared.usage_type_id.unit, ())
            if unit not in allowed:
                check.error(f"{path}.unit", f"{unit!r} is not one of {', '.join(allowed)}")
                continue
            if shared.id in seen:
                check.error(path, f"pools[{seen[shared.id]}] already sizes this pool")
                continue
            seen[shared.id] = index
            if quantity is not None:
                rows.append(
                    {
                        "billing_account_id": account.id,
                        "allowance_id": shared.id,
                        "quantity": quantity,
                        "uom": unit,
                    }
                )
        if check.errors:
            raise self._api_document_errors(self.env._("pool document"), check.errors)
        return account, rows

    @api.model
    def export_account_pools(self, billing_account):
        """The pool sizes stated on a billing account, as ``import_account_pools`` takes them."""

        def work():
            return self._api_pools_document(self._api_billing_account_ref(billing_account))

        return self._api_call("export_account_pools", None, [billing_account], work)

    @api.model
    def _api_pools_document(self, account):
        return {
            "billing_account": account.name,
            "pools": [
                {
                    "plan": pool.allowance_id.product_tmpl_id.default_code or False,
                    "usage_type": pool.allowance_id.usage_type_id.code,
                    "zone_classes": sorted(pool.allowance_id.zone_class_ids.mapped("code")),
                    "quantity": pool.quantity,
                    "unit": pool.uom,
                }
                for pool in account.telecom_pool_ids.sorted("id")
            ],
        }
