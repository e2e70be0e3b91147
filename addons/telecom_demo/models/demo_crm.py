# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data of telecom_crm: customers, the catalogue, billing accounts,
subscriptions through their lifecycle actions, and the demo portal user.

The bulk variants of these steps are in ``demo_crm_bulk.py``.
"""

import unicodedata
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

from odoo.addons.telecom_crm.models.identifiers import luhn_complete

from .demo_generator import DEMO_REF_PREFIX

FIRST_NAMES = [
    "Anna", "Ben", "Chloé", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas",
    "Kofi", "Lena", "Marta", "Nils", "Olga", "Pedro", "Quentin", "Rosa", "Sami", "Tara",
    "Umar", "Vera", "Wim", "Xenia", "Yusuf", "Zoé",
]  # fmt: skip
LAST_NAMES = [
    "Andersen", "Bakker", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Horvat",
    "Ivanova", "Janssens", "Kowalski", "Lambert", "Moreau", "Novak", "Olsen", "Peeters",
    "Quispe", "Rossi", "Schmidt", "Tanaka", "Urban", "Vermeulen", "Weber", "Yilmaz",
]  # fmt: skip
COMPANY_WORDS = [
    "Atlas", "Beacon", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris",
    "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orchid", "Pioneer", "Quartz",
    "Riverside", "Summit", "Tidewater",
]  # fmt: skip
COMPANY_KINDS = [
    "Logistics", "Dental Clinic", "Architects", "Bakery", "Hotel", "Software",
    "Accountants", "Garage", "Pharmacy", "Consulting", "Farm Co-op", "School",
]  # fmt: skip
STREETS = [
    "Station Road", "Church Street", "Harbour Lane", "Mill Way", "Oak Avenue",
    "Market Square", "Bridge Street", "Park Lane", "Quarry Road", "Elm Close",
]  # fmt: skip
CITIES = [
    ("Ghent", "9000"), ("Leuven", "3000"), ("Namur", "5000"), ("Bruges", "8000"),
    ("Liège", "4000"), ("Mechelen", "2800"), ("Hasselt", "3500"), ("Mons", "7000"),
]  # fmt: skip


def _ascii(text):
    """'Chloé García' -> 'chloe.garcia': e-mail local parts stay plain ASCII."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.lower().replace(" ", ".")


class TelecomDemoGenerator(models.AbstractModel):
    _inherit = "telecom.demo.generator"

    @api.model
    def _demo_steps(self):
        return [
            *super()._demo_steps(),
            "_demo_customers",
            "_demo_catalogue",
            "_demo_billing_accounts",
            "_demo_subscriptions",
            "_demo_portal_user",
        ]

    # -- steps ----------------------------------------------------------
    @api.model
    def _demo_customer_values(self, rng, index):
        """Values of demo customer ``index``: one business in five, the rest residential."""
        city, zip_code = rng.choice(CITIES)
        street = f"{rng.randint(1, 240)} {rng.choice(STREETS)}"
        country = self.env.ref("base.be", raise_if_not_found=False)
        if index % 5 == 0:
            name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)}"
            slug = name.lower().replace(" ", "")
            email = f"billing@{slug}{index}.example.com"
            is_company = True
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            email = f"{_ascii(first)}.{_ascii(last)}{index}@mail.example.com"
            is_company = False
        return {
            "name": name,
            "is_company": is_company,
            "ref": f"{DEMO_REF_PREFIX}{index:05d}",
            "street": street,
            "city": city,
            "zip": zip_code,
            "country_id": country.id if country else False,
            "email": email,
            "phone": f"+32 4{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            "customer_rank": 1,
        }

    @api.model
    def _demo_customers(self, rng, params):
        wanted = params["customers"]
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        existing = set(
            Partner.with_context(active_test=False)
            .search([("ref", "=like", f"{DEMO_REF_PREFIX}%")])
            .mapped("ref")
        )
        vals_list = []
        for index in range(1, wanted + 1):
            # draw the values even for existing customers so the sequence of
            # random numbers, hence every customer, is the same on every run
            vals = self._demo_customer_values(rng, index)
            if vals["ref"] not in existing:
                vals_list.append(vals)
        Partner.create(vals_list)
        return len(vals_list)

    @api.model
    def _demo_customers_all(self):
        """The demo customers, in generation order (for later steps)."""
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("ref", "=like", f"{DEMO_REF_PREFIX}%")], order="ref")
        )

    # -- telecom_crm: catalogue ------------------------------------------------
    @api.model
    def _demo_catalogue_spec(self):
        """The demo catalogue: (code, name, kind, technology, prices, options)."""
        # prices: ((months before the anchor, price), ...) oldest first; None: one-time
        mobile = {
            "telecom_technology": "mobile",
            "telecom_tariff_ref": "MOBILE-STD",
        }
        return [
            ("DEMO-MOB-S", "Mobile S", "plan", ((30, 8.99), (6, 9.99)), {
                **mobile,
                "telecom_commitment_months": 12,
                "telecom_etf_rule": "remaining_fees",
                "allowances": [("data", 5, "gb", ()), ("voice", 200, "minute", ("national",)),
                               ("sms", 200, "message", ())],
            }),
            ("DEMO-MOB-M", "Mobile M", "plan", ((30, 17.99), (6, 19.99)), {
                **mobile,
                "telecom_commitment_months": 24,
                "telecom_etf_rule": "percent_remaining",
                "telecom_etf_percent": 50.0,
                "allowances": [("data", 20, "gb", ()), ("data_roaming", 5, "gb", ("roaming_eu",)),
                               ("voice", 1000, "minute", ("national", "international_eu")),
                               ("sms", 1000, "message", ())],
            }),
            ("DEMO-MOB-L", "Mobile L", "plan", ((30, 29.99),), {
                **mobile,
                "telecom_commitment_months": 24,
                "telecom_etf_rule": "fixed",
                "telecom_etf_amount": 150.0,
                "allowances": [("data", 60, "gb", ()), ("data_roaming", 10, "gb", ("roaming_eu",)),
                               ("voice", 3000, "minute", ()), ("sms", 3000, "message", ())],
            }),
            ("DEMO-MOB-BIZ", "Business Mobile Pool", "plan", ((30, 22.99), (6, 24.99)), {
                **mobile,
                "telecom_tariff_ref": "MOBILE-BIZ",
                "telecom_commitment_months": 24,
                "telecom_etf_rule": "remaining_fees",
                "allowances": [("data", 30, "gb", (), "billing_account"),
                               ("voice", 2000, "minute", ("national", "international_eu"))],
            }),
            ("DEMO-FTTH-300", "Fibre 300 Mbit/s", "plan", ((30, 34.99),), {
                "telecom_technology": "ftth",
                "telecom_commitment_months": 12,
                "telecom_etf_rule": "fixed",
                "telecom_etf_amount": 100.0,
            }),
            ("DEMO-FTTH-1000", "Fibre 1 Gbit/s", "plan", ((30, 44.99), (6, 49.99)), {
                "telecom_technology": "ftth",
                "telecom_commitment_months": 12,
                "telecom_etf_rule": "fixed",
                "telecom_etf_amount": 100.0,
            }),
            ("DEMO-FTTH-2500", "Fibre 2.5 Gbit/s", "plan", ((30, 69.99),), {
                "telecom_technology": "ftth",
                "telecom_proration_policy": "full",
            }),
            ("DEMO-SIP-4", "SIP Trunk 4 channels", "plan", ((30, 39.00),), {
                "telecom_technology": "voip",
                "telecom_tariff_ref": "SIP-STD",
                "telecom_commitment_months": 12,
                "telecom_etf_rule": "remaining_fees",
                "allowances": [("voip", 2000, "minute", ("national",))],
            }),
            ("DEMO-SIP-10", "SIP Trunk 10 channels", "plan", ((30, 89.00),), {
                "telecom_technology": "voip",
                "telecom_tariff_ref": "SIP-STD",
                "telecom_commitment_months": 12,
                "telecom_etf_rule": "remaining_fees",
                "allowances": [("voip", 6000, "minute", ("national",))],
            }),
            ("DEMO-SIP-30", "SIP Trunk 30 channels", "plan", ((30, 229.00),), {
                "telecom_technology": "voip",
                "telecom_tariff_ref": "SIP-STD",
                "telecom_commitment_months": 36,
                "telecom_etf_rule": "percent_remaining",
                "telecom_etf_percent": 75.0,
                "allowances": [("voip", 20000, "minute", ("national", "international_eu"))],
            }),
            ("DEMO-ADD-DATA10", "Extra 10 GB", "addon", ((30, 5.00),), {
                "telecom_technology": "mobile",
                "allowances": [("data", 10, "gb", ())],
            }),
            ("DEMO-ADD-ROAM", "World Roaming 2 GB", "addon", ((30, 12.00),), {
                "telecom_technology": "mobile",
                "allowances": [("data_roaming", 2, "gb", ("roaming_world",)),
                               ("voice_roaming", 60, "minute", ("roaming_world",))],
            }),
            ("DEMO-ADD-INTL", "International Calls 100 min", "addon", ((30, 4.00),), {
                "allowances": [("voice", 100, "minute",
                                ("international_eu", "international_world"))],
            }),
            ("DEMO-ADD-IP", "Static IP Address", "addon", ((30, 5.00),), {
                "telecom_technology": "ftth",
            }),
            ("DEMO-ADD-TV", "TV Basic", "addon", ((30, 10.00),), {}),
            ("DEMO-ADD-DID10", "10 Extra DID Numbers", "addon", ((30, 10.00),), {
                "telecom_technology": "voip",
            }),
            ("DEMO-FEE-SIM", "SIM Card", "one_time", 10.0, {}),
            ("DEMO-FEE-ACT", "Activation Fee", "one_time", 25.0, {}),
            ("DEMO-FEE-INSTALL", "Fibre Installation", "one_time", 99.0, {}),
            ("DEMO-EQ-ROUTER", "Fibre Router (rental)", "equipment", ((30, 4.00),), {
                "telecom_recurring_period": "monthly",
            }),
            ("DEMO-EQ-PHONE", "IP Desk Phone", "equipment", 89.0, {}),
            ("DEMO-BUN-FTV", "Fibre 1 Gbit/s + TV", "bundle", ((30, 54.99),), {
                "telecom_technology": "ftth",
                "telecom_commitment_months": 12,
                "telecom_etf_rule": "fixed",
                "telecom_etf_amount": 120.0,
                "bundle": ["DEMO-FTTH-1000", "DEMO-ADD-TV", "DEMO-EQ-ROUTER"],
            }),
        ]  # fmt: skip

    @api.model
    def _demo_product(self, code):
        return self.env["product.product"].search([("default_code", "=", code)], limit=1)

    @api.model
    def _demo_catalogue(self, rng, params):
        """A realistic catalogue; products are found again by their internal reference."""
        anchor = self._demo_anchor()
        usage = {u.code: u for u in self.env["telecom.usage.type"].search([])}
        zones = {z.code: z for z in self.env["telecom.zone.class"].search([])}
        created = 0
        for code, name, kind, prices, options in self._demo_catalogue_spec():
            if self._demo_product(code):
                continue
            options = dict(options)
            allowances = options.pop("allowances", [])
            bundle = options.pop("bundle", [])
            vals = {
                "name": name,
                "default_code": code,
                "telecom_kind": kind,
                "sale_ok": True,
                "list_price": prices if isinstance(prices, float) else 0.0,
                **options,
            }
            if allowances:
                vals["telecom_allowance_ids"] = [
                    Command.create(
                        {
                            "usage_type_id": usage[spec[0]].id,
                            "quantity": spec[1],
                            "uom": spec[2],
                            "zone_class_ids": [Command.set([zones[z].id for z in spec[3]])],
                            "share_scope": spec[4] if len(spec) > 4 else "subscription",
                            "rollover": spec[2] == "gb" and spec[0] == "data",
                        }
                    )
                    for spec in allowances
                ]
            if bundle:
                vals["telecom_bundle_line_ids"] = [
                    Command.create({"product_id": self._demo_product(c).id}) for c in bundle
                ]
            tmpl = self.env["product.template"].create(vals)
            if not isinstance(prices, float):
                for months, price in prices:
                    self.env["telecom.price.version"].create(
                        {
                            "product_tmpl_id": tmpl.id,
                            "date_from": anchor - relativedelta(months=months),
                            "price": price,
                        }
                    )
            created += 1
        return created

    # -- telecom_crm: billing accounts and customer profiles ---------------------
    @api.model
    def _demo_customer_profile(self, rng, business):
        """A customer's telecom profile; ``segment``: the code of its segment."""
        profile = {
            "segment": rng.choice(["soho", "sme", "sme", "enterprise", "public_sector"])
            if business
            else "consumer",
            "telecom_credit_class": rng.choice("aabbbcd"),
            "telecom_credit_limit": rng.choice([0, 500, 1000, 5000]) if business else 0,
            "telecom_contact_by_sms": rng.random() < 0.5,
            "telecom_marketing_opt_in": rng.random() < 0.3,
        }
        if not business:
            profile.update(
                {
                    "telecom_id_document_type": rng.choice(["id_card", "id_card", "passport"]),
                    "telecom_id_document_number": f"{rng.randint(100, 999)}-"
                    f"{rng.randint(1000000, 9999999)}-{rng.randint(10, 99)}",
                    "telecom_birthdate": fields.Date.to_date("1950-01-01")
                    + timedelta(days=rng.randint(0, 18000)),
                }
            )
        return profile

    @api.model
    def _demo_billing_accounts(self, rng, params):
        """One account per customer (two for one business in ten), and its profile."""
        segments = {s.code: s for s in self.env["telecom.customer.segment"].search([])}
        Account = self.env["telecom.billing.account"].with_context(tracking_disable=True)
        created = 0
        for partner in self._demo_customers_all():
            index = int(partner.ref.removeprefix(DEMO_REF_PREFIX))
            business = partner.is_company
            profile = self._demo_customer_profile(rng, business)
            profile["telecom_segment_id"] = segments[profile.pop("segment")].id
            accounts = [
                {
                    "billing_day": rng.choice([1, 1, 1, 8, 15, 22]),
                    "billing_period": "monthly"
                    if not business or rng.random() < 0.8
                    else "quarterly",
                    "invoice_delivery": rng.choice(["email", "email", "email", "portal", "post"]),
                }
            ]
            if business and index % 10 == 0:
                accounts.append(
                    {"billing_day": 1, "billing_period": "monthly", "invoice_delivery": "email"}
                )
            if partner.telecom_billing_account_ids:
                continue
            partner.with_context(tracking_disable=True).write(profile)
            for vals in accounts:
                vals["paperless"] = vals["invoice_delivery"] != "post"
                Account.create({"partner_id": partner.id, **vals}).action_activate()
                created += 1
        return created

    # -- telecom_crm: subscriptions --------------------------------------------
    @api.model
    def _demo_lines_wanted(self, rng, business, index):
        """How many services a demo customer has, and of which family."""
        if not business:
            count = 1 + (rng.random() < 0.35) + (rng.random() < 0.1)
            families = [
                rng.choice(["mobile", "mobile", "mobile", "ftth", "bundle"]) for _i in range(count)
            ]
        elif index % 65 == 5:
            count = rng.randint(50, 70)  # a large business: a fleet of mobile lines
            families = ["mobile_biz"] * (count - 2) + ["sip", "ftth"]
        else:
            count = rng.randint(2, 8)
            families = [
                rng.choice(["mobile_biz", "mobile_biz", "mobile", "sip", "ftth"])
                for _i in range(count)
            ]
        return families

    @api.model
    def _demo_subscription_plan(self, rng, family):
        codes = {
            "mobile": ["DEMO-MOB-S", "DEMO-MOB-S", "DEMO-MOB-M", "DEMO-MOB-M", "DEMO-MOB-L"],
            "mobile_biz": ["DEMO-MOB-BIZ", "DEMO-MOB-BIZ", "DEMO-MOB-L"],
            "ftth": ["DEMO-FTTH-300", "DEMO-FTTH-1000", "DEMO-FTTH-1000", "DEMO-FTTH-2500"],
            "bundle": ["DEMO-BUN-FTV"],
            "sip": ["DEMO-SIP-4", "DEMO-SIP-10", "DEMO-SIP-10", "DEMO-SIP-30"],
        }
        return rng.choice(codes[family])

    @api.model
    def _demo_service_draw(self, rng, family, index, n):
        """A service's plan, state, age, options and identifiers (the same draws on
        the ORM and the bulk path)."""
        code = self._demo_subscription_plan(rng, family)
        draw = rng.random()
        state = (
            "active"
            if draw < 0.80
            else "suspended"
            if draw < 0.86
            else "terminated"
            if draw < 0.94
            else "pending"
            if draw < 0.97
            else "draft"
        )
        days_ago = rng.randint(20, 720)
        extras = {
            "addon": rng.random() < 0.25,
            "plan_change": rng.random() < 0.08,
            "suspend_reason": rng.choice(["non_payment", "non_payment", "customer_request"]),
            "terminate_after": rng.randint(10, max(11, days_ago - 5)),
            "waive": rng.random() < 0.2,
        }
        if family.startswith("mobile"):
            ident = {
                "phone_number": f"+32470{index:04d}{n:03d}",
                "sim_iccid": luhn_complete(f"8932{index:07d}{n:07d}"),
                "imsi": f"20601{index:05d}{n:05d}",
            }
        elif family in ("ftth", "bundle"):
            ident = {"circuit_id": f"FTTH-{index:05d}-{n:02d}", "username": f"u{index:05d}{n:02d}"}
        else:
            ident = {
                "username": f"sip{index:05d}{n:02d}",
                "phone_number": f"+3220{index:04d}{n:03d}",
            }
        return {"code": code, "state": state, "days_ago": days_ago, "extras": extras,
                "ident": ident}  # fmt: skip

    @api.model
    def _demo_subscriptions(self, rng, params):
        """Services over several plans and states, through the real lifecycle actions.

        Most are active; some are suspended (non-payment, customer request),
        terminated (with their ETF), waiting for activation or drafts. Recent
        ones come from confirmed telecom orders with their one-time fees.
        """
        today = fields.Date.context_today(self)
        Subscription = self.env["telecom.subscription"].with_context(
            tracking_disable=True, mail_create_nolog=True
        )
        existing = set(Subscription.search([("ref", "=like", f"{DEMO_REF_PREFIX}%")]).mapped("ref"))
        plans = {}
        todo = []  # (partner, account, ref, plan, identifiers, state, days_ago, extras)
        for partner in self._demo_customers_all():
            index = int(partner.ref.removeprefix(DEMO_REF_PREFIX))
            accounts = partner.telecom_billing_account_ids.sorted("id")
            for n, family in enumerate(
                self._demo_lines_wanted(rng, partner.is_company, index), start=1
            ):
                ref = f"{partner.ref}-{n:03d}"
                draw = self._demo_service_draw(rng, family, index, n)
                if ref in existing or not accounts:
                    continue
                code, state, days_ago = draw["code"], draw["state"], draw["days_ago"]
                extras, ident = draw["extras"], draw["ident"]
                account = accounts[(n - 1) % len(accounts)] if len(accounts) > 1 else accounts
                plans.setdefault(code, self._demo_product(code))
                todo.append((partner, account, ref, plans[code], ident, state, days_ago, extras))
        recent = [item for item in todo if item[6] <= 45 and item[5] == "active"]
        older = [item for item in todo if item not in recent]
        self._demo_subscriptions_by_orders(recent, today)
        self._demo_subscriptions_direct(older, today)
        return len(todo)

    @api.model
    def _demo_subscriptions_by_orders(self, items, today):
        """Recent services: a confirmed new-service order each, with its fees."""
        sim = self._demo_product("DEMO-FEE-SIM")
        install = self._demo_product("DEMO-FEE-INSTALL")
        router = self._demo_product("DEMO-EQ-ROUTER")
        data10 = self._demo_product("DEMO-ADD-DATA10")
        SaleOrder = self.env["sale.order"].with_context(
            tracking_disable=True, mail_create_nolog=True
        )
        for item in items:
            order = SaleOrder.create(
                self._demo_order_vals(item, today, (sim, install, router, data10))
            )
            order.action_confirm()
            order.telecom_new_subscription_ids.write({"ref": item[2], "imsi": item[4].get("imsi")})

    @api.model
    def _demo_order_vals(self, item, today, products):
        """The confirmed new-service order of a recent demo service, with its fees."""
        partner, account, ref, plan, ident, _state, days_ago, extras = item
        sim, install, router, data10 = products
        lines = [Command.create(self._demo_order_line_vals(plan, ident, account))]
        if plan.telecom_technology == "mobile":
            if extras["addon"]:
                lines.append(Command.create({"product_id": data10.id}))
            lines.append(Command.create({"product_id": sim.id}))
        elif plan.telecom_technology == "ftth" and plan.telecom_kind == "plan":
            lines.append(Command.create({"product_id": router.id}))
            lines.append(Command.create({"product_id": install.id}))
        return {
            "partner_id": partner.id,
            "telecom_order_kind": "new",
            "telecom_billing_account_id": account.id,
            "telecom_effective_date": today - timedelta(days=days_ago),
            "client_order_ref": ref,
            "order_line": lines,
        }

    @api.model
    def _demo_order_line_vals(self, plan, ident, account):
        """The plan line of a demo order: the plan and the service's identifiers."""
        return {
            "product_id": plan.id,
            **{f"telecom_{k}": v for k, v in ident.items() if k != "imsi"},
        }

    @api.model
    def _demo_subscriptions_direct(self, items, today):
        """Older services: created and moved through their lifecycle actions."""
        Subscription = self.env["telecom.subscription"].with_context(
            tracking_disable=True, mail_create_nolog=True
        )
        vals_list = []
        for partner, account, ref, _plan, ident, _state, _days_ago, _extras in items:
            vals = {
                "partner_id": partner.id,
                "billing_account_id": account.id,
                "ref": ref,
                "installation_partner_id": partner.id,
                **ident,
            }
            vals_list.append(vals)
        subs = Subscription.create(vals_list)
        for sub, item in zip(subs, items, strict=True):
            _partner, _account, _ref, plan, _ident, state, days_ago, extras = item
            start = today - timedelta(days=days_ago)
            sub._telecom_create_product_lines(plan, start)
            if extras["addon"] and plan.telecom_technology == "mobile":
                self.env["telecom.subscription.line"].create(
                    {
                        "subscription_id": sub.id,
                        "product_id": self._demo_product("DEMO-ADD-DATA10").id,
                        "date_start": start,
                    }
                )
            if state == "draft":
                continue
            if state == "pending":
                # waiting for the network: the activation order is submitted, not done
                sub.state = "pending"  # as superuser: the lifecycle's own write
                self.env["telecom.service.order"].create(
                    {
                        "subscription_id": sub.id,
                        "action": "activate",
                        "state": "submitted",
                        "requested_date": today - timedelta(days=2),
                        "values": {"date": fields.Date.to_string(today - timedelta(days=2))},
                        "company_id": sub.company_id.id,
                    }
                )
                continue
            sub.action_activate(start)
            if extras["plan_change"] and days_ago > 60:
                self._demo_change_plan(sub, plan, start + timedelta(days=days_ago // 2))
            if state == "suspended":
                sub.action_suspend(
                    extras["suspend_reason"], today - timedelta(days=min(days_ago - 1, 12))
                )
            elif state == "terminated":
                end = start + timedelta(days=extras["terminate_after"])
                reason = "term_competitor" if extras["waive"] else "term_customer_request"
                sub.sudo().action_terminate(min(end, today), reason, waive_etf=extras["waive"])

    @api.model
    def _demo_change_plan(self, sub, plan, date):
        family = {
            "DEMO-MOB-S": "DEMO-MOB-M",
            "DEMO-MOB-M": "DEMO-MOB-L",
            "DEMO-FTTH-300": "DEMO-FTTH-1000",
            "DEMO-SIP-4": "DEMO-SIP-10",
        }
        target = family.get(plan.default_code)
        if target:
            sub.action_change_plan(self._demo_product(target), date)

    # -- telecom_crm: the demo portal user ------------------------------------
    @api.model
    def _demo_portal_user(self, rng, params):
        """Make the demo portal user (login ``portal``) a contact of a demo business."""
        portal_partner = self.env.ref("base.partner_demo_portal", raise_if_not_found=False)
        if not portal_partner:
            return 0
        businesses = self._demo_customers_all().filtered(
            lambda p: p.is_company and p.telecom_subscription_ids
        )
        # a business with a handful of services, not one of the large fleets
        customer = businesses.filtered(lambda p: 2 <= len(p.telecom_subscription_ids) <= 10)[:1]
        customer = customer or businesses[:1]
        if not customer or portal_partner.parent_id == customer:
            return 0
        portal_partner.with_context(tracking_disable=True).write(
            {"parent_id": customer.id, "type": "contact"}
        )
        return 1
