# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bulk path of telecom_crm's demo steps: an operator's volume in minutes.

``generate(customers, seed, bulk=True)`` (``./suite demo --bulk``, the default from
``BULK_FROM`` = 10,000 customers on; see ``demo_generator.py``) runs a step's bulk
variant (``_demo_bulk_<step>`` for the step ``_demo_<step>``) where there is one.
Where the time of the ORM path goes, and what the bulk variants do about it (timed
on a 300-customer run of the ORM path):

- customers and billing accounts: batched ``create`` calls (2,000 records each,
  caches emptied between batches); the customer's profile goes in with the
  customer instead of one ``write`` per customer;
- subscriptions: the ORM path runs every lifecycle action one subscription at a
  time (activation order created, submitted, done, applied, event written: about
  40 ms a service). The bulk path writes the very rows those actions leave behind
  (the subscription in its state with its dates, its dated lines at the price in
  force, one done service order and one event per action, the early termination
  fee charge) in batched creates; the amounts come from the same model methods
  (``_telecom_price_values``, ``_telecom_commitment_end_after``,
  ``_telecom_etf_amount``). Recent services still come from confirmed orders.

The other add-ons' data have their own bulk variants: usage through the rating
engine in files of a million records and payments in batches
(``demo_billing_bulk.py``), the network side of services in batches
(``demo_oss_bulk.py``). The bill runs are the ORM path's: the
bill-run engine, one run per billing day, in the generator's process.
"""

import time
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .demo_generator import BULK_CHUNK, DEMO_REF_PREFIX, chunks

PLAN_CHANGES = {
    "DEMO-MOB-S": "DEMO-MOB-M",
    "DEMO-MOB-M": "DEMO-MOB-L",
    "DEMO-FTTH-300": "DEMO-FTTH-1000",
    "DEMO-SIP-4": "DEMO-SIP-10",
}


class TelecomDemoGenerator(models.AbstractModel):
    _inherit = "telecom.demo.generator"

    # -- customers, with their profile -----------------------------------------------
    @api.model
    def _demo_bulk_customers(self, rng, params):
        wanted = params["customers"]
        segments = {s.code: s.id for s in self.env["telecom.customer.segment"].search([])}
        profile_rng = self._demo_rng(params["seed"], "_demo_bulk_profiles")
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        self.env.cr.execute(
            "SELECT ref FROM res_partner WHERE ref LIKE %s", (f"{DEMO_REF_PREFIX}%",)
        )
        existing = {row[0] for row in self.env.cr.fetchall()}
        todo = []
        for index in range(1, wanted + 1):
            vals = self._demo_customer_values(rng, index)
            profile = self._demo_customer_profile(profile_rng, vals["is_company"])
            if vals["ref"] in existing:
                continue
            vals["telecom_segment_id"] = segments[profile.pop("segment")]
            todo.append({**vals, **profile})
        numbers = self._demo_bulk_names("telecom.customer", len(todo))
        for vals, number in zip(todo, numbers, strict=True):
            # what the first billing account gives the customer (_telecom_assign_customer_number)
            vals["telecom_customer_number"] = number
            vals["telecom_customer_type"] = "business" if vals["is_company"] else "residential"
        started = time.time()
        for done, batch in enumerate(chunks(todo), start=1):
            self._demo_bulk_create(Partner, batch)
            self._demo_bulk_flush()
            self._demo_bulk_progress("customers", min(done * BULK_CHUNK, len(todo)), len(todo),
                                     started)  # fmt: skip
        return len(todo)

    @api.model
    def _demo_bulk_billing_accounts(self, rng, params):
        """One account per customer (two for one business in ten), activated."""
        Account = self.env["telecom.billing.account"].with_context(tracking_disable=True)
        cr = self.env.cr
        cr.execute(
            """SELECT p.id, p.ref, p.is_company FROM res_partner p
                WHERE p.ref LIKE %s AND NOT EXISTS (
                      SELECT 1 FROM telecom_billing_account a WHERE a.partner_id = p.id)
                ORDER BY p.ref""",
            (f"{DEMO_REF_PREFIX}%",),
        )
        todo = []
        for partner_id, ref, business in cr.fetchall():
            index = int(ref.removeprefix(DEMO_REF_PREFIX))
            account_rng = self._demo_rng(params["seed"], f"account:{index}")
            delivery = account_rng.choice(["email", "email", "email", "portal", "post"])
            todo.append(
                {
                    "partner_id": partner_id,
                    "billing_day": account_rng.choice([1, 1, 1, 8, 15, 22]),
                    "billing_period": "monthly"
                    if not business or account_rng.random() < 0.8
                    else "quarterly",
                    "invoice_delivery": delivery,
                    "paperless": delivery != "post",
                }
            )
            if business and index % 10 == 0:
                todo.append(
                    {
                        "partner_id": partner_id,
                        "billing_day": 1,
                        "billing_period": "monthly",
                        "invoice_delivery": "email",
                        "paperless": True,
                    }
                )
        started = time.time()
        for done, batch in enumerate(chunks(todo), start=1):
            self._demo_bulk_create(Account, batch, "telecom.billing.account")._telecom_activate()
            self._demo_bulk_flush()
            self._demo_bulk_progress("billing accounts", min(done * BULK_CHUNK, len(todo)),
                                     len(todo), started)  # fmt: skip
        return len(todo)

    # -- subscriptions ------------------------------------------------------------------
    @api.model
    def _demo_bulk_subscriptions(self, rng, params):
        """The services of the ORM step (same draws per customer, same states and
        dates), written as their lifecycle actions would leave them."""
        today = fields.Date.context_today(self)
        cr = self.env.cr
        cr.execute("SELECT ref FROM telecom_subscription WHERE ref LIKE %s",
                   (f"{DEMO_REF_PREFIX}%",))  # fmt: skip
        existing = {row[0] for row in cr.fetchall()}
        cr.execute(
            """SELECT p.id, p.ref, p.is_company, array_agg(a.id ORDER BY a.id)
                 FROM res_partner p JOIN telecom_billing_account a ON a.partner_id = p.id
                WHERE p.ref LIKE %s GROUP BY p.id ORDER BY p.ref""",
            (f"{DEMO_REF_PREFIX}%",),
        )
        todo = []
        for partner_id, ref, business, account_ids in cr.fetchall():
            index = int(ref.removeprefix(DEMO_REF_PREFIX))
            # one generator per customer: adding customers never changes the others
            sub_rng = self._demo_rng(params["seed"], f"subscriptions:{index}")
            families = self._demo_lines_wanted(sub_rng, business, index)
            for n, family in enumerate(families, start=1):
                item = self._demo_service_draw(sub_rng, family, index, n)
                item.update(partner_id=partner_id, ref=f"{ref}-{n:03d}",
                            account_id=account_ids[(n - 1) % len(account_ids)])  # fmt: skip
                if item["ref"] not in existing:
                    todo.append(item)
        products = {code: self._demo_product(code) for code in {t["code"] for t in todo}}
        products["DEMO-ADD-DATA10"] = self._demo_product("DEMO-ADD-DATA10")
        for code in PLAN_CHANGES.values():
            products[code] = self._demo_product(code)
        recent = [t for t in todo if t["days_ago"] <= 45 and t["state"] == "active"]
        older = [t for t in todo if not (t["days_ago"] <= 45 and t["state"] == "active")]
        started = time.time()
        fees = tuple(
            self._demo_product(code)
            for code in ("DEMO-FEE-SIM", "DEMO-FEE-INSTALL", "DEMO-EQ-ROUTER", "DEMO-ADD-DATA10")
        )
        SaleOrder = self.env["sale.order"].with_context(
            tracking_disable=True, mail_create_nolog=True
        )
        for done, batch in enumerate(chunks(recent, 200), start=1):
            # the orders of _demo_subscriptions_by_orders, created and confirmed together
            items = [self._demo_bulk_order_item(t, products) for t in batch]
            sale_orders = SaleOrder.create([self._demo_order_vals(i, today, fees) for i in items])
            sale_orders.action_confirm()
            for order, item in zip(sale_orders, items, strict=True):
                order.telecom_new_subscription_ids.write(
                    {"ref": item[2], "imsi": item[4].get("imsi")}
                )
            self._demo_bulk_flush()
            self._demo_bulk_progress("services from orders", min(done * 200, len(recent)),
                                     len(recent), started)  # fmt: skip
        started = time.time()
        for done, batch in enumerate(chunks(older, 1000), start=1):
            self._demo_bulk_services(batch, products, today)
            self._demo_bulk_flush()
            self._demo_bulk_progress("services", min(done * 1000, len(older)), len(older),
                                     started)  # fmt: skip
        return len(todo)

    @api.model
    def _demo_bulk_order_item(self, item, products):
        """The tuple _demo_subscriptions_by_orders takes."""
        return (
            self.env["res.partner"].browse(item["partner_id"]),
            self.env["telecom.billing.account"].browse(item["account_id"]),
            item["ref"],
            products[item["code"]],
            item["ident"],
            item["state"],
            item["days_ago"],
            item["extras"],
        )

    @api.model
    def _demo_bulk_services(self, items, products, today):
        """Subscriptions with their lines, done service orders, events and fees."""
        Subscription = self.env["telecom.subscription"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        Line = self.env["telecom.subscription.line"].with_context(tracking_disable=True)
        Order = self.env["telecom.service.order"].with_context(
            tracking_disable=True, mail_create_nolog=True
        )
        Event = self.env["telecom.subscription.event"]
        reasons = {
            code: self.env["telecom.subscription"]._telecom_reason(code, "termination")
            for code in ("term_competitor", "term_customer_request")
        }
        suspend_reasons = dict(Subscription._fields["suspend_reason"].selection)
        accounts = self.env["telecom.billing.account"].browse({t["account_id"] for t in items})
        currency = {a.id: a.currency_id for a in accounts}
        prices = {}

        def price(t, product, date):
            """_telecom_price_values of a service not created yet (the same two calls)."""
            key = (product.id, date, t["account_id"])
            if key not in prices:
                prices[key] = {
                    "price_unit": product._telecom_price_amount_at(date, currency[t["account_id"]]),
                    "price_version_id": product._telecom_price_at(date).id or False,
                }
            return prices[key]

        orders = []
        for t in items:
            plan, extras = products[t["code"]], t["extras"]
            start = today - timedelta(days=t["days_ago"])
            t["start"], t["reason"] = start, None
            t["lines"] = self._demo_bulk_product_lines(plan, start, price(t, plan, start))
            if extras["addon"] and plan.telecom_technology == "mobile":
                addon = products["DEMO-ADD-DATA10"]
                t["lines"].append({"date_start": start, "product_id": addon.id,
                                   **price(t, addon, start)})  # fmt: skip
            vals = t["vals"] = {
                "partner_id": t["partner_id"],
                "billing_account_id": t["account_id"],
                "ref": t["ref"],
                "installation_partner_id": t["partner_id"],
                **t["ident"],
            }
            if t["state"] == "draft":
                continue
            if t["state"] == "pending":
                vals["state"] = "pending"
                date = today - timedelta(days=2)
                orders.append((t, "activate", "submitted", date, {"date": str(date)}, None))
                continue
            vals.update(state="active", activation_date=start)
            months = plan.telecom_commitment_months or self._demo_bulk_plan_of(plan)
            if months:
                vals["commitment_end_date"] = start + relativedelta(months=months) - timedelta(1)
            orders.append((t, "activate", "done", start, {"date": str(start)}, ("activate", "")))
            target = PLAN_CHANGES.get(t["code"])
            if extras["plan_change"] and t["days_ago"] > 60 and target:
                self._demo_bulk_change_plan(t, products[target], price, orders)
            if t["state"] == "suspended":
                date = today - timedelta(days=min(t["days_ago"] - 1, 12))
                reason = extras["suspend_reason"]
                vals.update(state="suspended", suspend_reason=reason, suspension_date=date)
                orders.append((t, "suspend", "done", date,
                               {"date": str(date), "reason": reason, "note": ""},
                               ("suspend", suspend_reasons[reason])))  # fmt: skip
            elif t["state"] == "terminated":
                end = min(start + timedelta(days=extras["terminate_after"]), today)
                reason = reasons["term_competitor" if extras["waive"] else "term_customer_request"]
                t["end"], t["reason"] = end, reason
                # lines that never started go; the others end on the last day of service
                t["lines"] = [line for line in t["lines"] if line["date_start"] <= end]
                for line in t["lines"]:
                    if not line.get("date_end") or line["date_end"] > end:
                        line["date_end"] = end
                vals.update(state="terminated", termination_date=end,
                            termination_reason_id=reason.id)  # fmt: skip
                values = {"date": str(end), "reason_id": reason.id,
                          "waive_etf": extras["waive"], "note": ""}  # fmt: skip
                orders.append((t, "terminate", "done", end, values, ("terminate", "")))
        # as superuser, a subscription may be created in its state with its dates: the
        # state and dates its actions would have given it
        subs = self._demo_bulk_create(
            Subscription.sudo(), [t["vals"] for t in items], "telecom.subscription"
        )
        for sub, t in zip(subs, items, strict=True):
            t["sub"] = sub
            for line in t["lines"]:
                line["subscription_id"] = sub.id
        self._demo_bulk_create(Line, [line for t in items for line in t["lines"]])
        self._demo_bulk_orders(orders, Order, Event)
        self._demo_bulk_etf([t for t in items if t["state"] == "terminated"])

    @api.model
    def _demo_bulk_plan_of(self, product):
        """Commitment months of a bundle's plan (a plan's own months come first)."""
        plans = product.telecom_bundle_line_ids.product_id.filtered(
            lambda p: p.telecom_kind == "plan"
        )
        return plans[:1].telecom_commitment_months

    @api.model
    def _demo_bulk_product_lines(self, product, date, price):
        """Line values of a plan or bundle (as _telecom_create_product_lines)."""
        common = {"date_start": date, "sale_line_id": False}
        if product.telecom_kind != "bundle":
            return [
                {
                    **common,
                    "product_id": product.id,
                    "kind": "plan" if product.telecom_kind == "plan" else "addon",
                    "price_unit": price["price_unit"],
                    "price_version_id": price["price_version_id"],
                }
            ]
        lines = []
        for component in product.telecom_bundle_line_ids:
            kind = component.product_id.telecom_kind
            if kind not in ("plan", "addon", "equipment"):
                continue
            lines.append(
                {
                    **common,
                    "product_id": component.product_id.id,
                    "kind": kind,
                    "quantity": component.quantity,
                    "bundle_product_id": product.id,
                    "price_unit": price["price_unit"] if kind == "plan" else 0.0,
                    "price_version_id": price["price_version_id"] if kind == "plan" else False,
                }
            )
        return lines

    @api.model
    def _demo_bulk_change_plan(self, t, plan, price, orders):
        """A plan change half-way through the service's life (_telecom_apply_change_plan)."""
        vals, start = t["vals"], t["start"]
        date = start + timedelta(days=t["days_ago"] // 2)
        old = next(line for line in t["lines"] if line.get("kind") == "plan")
        old["date_end"] = date - timedelta(days=1)
        new_price = price(t, plan, date)
        t["lines"] += self._demo_bulk_product_lines(plan, date, new_price)
        months = plan.telecom_commitment_months
        if months:
            end = date + relativedelta(months=months) - timedelta(days=1)
            current = vals.get("commitment_end_date")
            vals["commitment_end_date"] = max(current, end) if current else end
        old_name = self.env["product.product"].browse(old["product_id"]).name
        orders.append((t, "change_plan", "done", date,
                       {"date": str(date), "plan_id": plan.id, "note": "", **new_price},
                       ("plan_change", f"{old_name} → {plan.name}")))  # fmt: skip

    @api.model
    def _demo_bulk_orders(self, orders, Order, Event):
        """Service orders (done, or submitted), and the event of each done one."""
        now = fields.Datetime.now()
        created = self._demo_bulk_create(
            Order.sudo(),
            [
                {
                    "subscription_id": t["sub"].id,
                    "action": action,
                    "state": state,
                    "requested_date": date,
                    "values": values,
                    "done_date": now if state == "done" else False,
                    "company_id": t["sub"].company_id.id,
                }
                for t, action, state, date, values, _event in orders
            ],
            "telecom.service.order",
        )
        self._demo_bulk_create(
            Event,
            [
                {
                    "subscription_id": t["sub"].id,
                    "type": event[0],
                    "date": date,
                    "reason": event[1],
                    "reason_code_id": t["reason"].id
                    if t["reason"] and event[0] == "terminate"
                    else False,
                    "service_order_id": order.id,
                }
                for order, (t, _action, _state, date, _values, event) in zip(
                    created, orders, strict=True
                )
                if event
            ],
        )

    @api.model
    def _demo_bulk_etf(self, items):
        """The early termination fee of terminated services (or its waiver)."""
        charges = []
        for t in items:
            sub = t["sub"]
            etf = sub._telecom_etf_amount(t["end"])
            if t["extras"]["waive"]:
                if etf > 0:
                    sub.sudo().write({"etf_waived": True})
                continue
            if etf > 0:
                charges.append(
                    {
                        "billing_account_id": sub.billing_account_id.id,
                        "subscription_id": sub.id,
                        "product_id": sub.plan_id.id,
                        "kind": "etf",
                        "description": self.env._(
                            "Early termination fee: %(sub)s ends on %(date)s, commitment until "
                            "%(end)s",
                            sub=sub.name,
                            date=t["end"],
                            end=sub.commitment_end_date,
                        ),
                        "amount": etf,
                        "date": t["end"],
                        "origin": sub.service_order_ids.filtered(lambda o: o.action == "terminate")[
                            :1
                        ].name,
                        "company_id": sub.company_id.id,
                    }
                )
        self.env["telecom.charge"].create(charges)
