"""The actors of ``./suite bench load`` and what they look up, read from the database.

    python3 bench/load/prepare.py FIXTURES.json PORTAL_USERS -- <odoo options: -d, --db-*>

Run by bench_load.py (as superuser, on the run's own copy of the database): gives
``PORTAL_USERS`` customers with live services and invoices a portal login, makes
the back-office users (care agents), the integrator (Telecom User and Billing: it
imports usage) and the baseline users (a portal user who is no telecom customer,
for Odoo's stock /my/home), all with one password, and writes what the load users
choose from: numbers, customer numbers and names to search, customers and services
to open, billing accounts, the usage months. Idempotent: run again, it reuses them.
"""

import json
import random
import sys

from dateutil.relativedelta import relativedelta

PASSWORD = "load-test-password"


def main(argv):
    split = argv.index("--")
    out, portal_count = argv[0], int(argv[1])
    import odoo
    from odoo import Command, fields
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(argv[split + 1 :])
    dbname = odoo.tools.config["db_name"]
    dbname = dbname[0] if isinstance(dbname, list | tuple) else dbname
    rng = random.Random(42)
    with Registry(dbname).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        Users = env["res.users"].with_context(no_reset_password=True)
        portal_group = env.ref("base.group_portal")
        internal = env.ref("base.group_user")

        def user(login, name, groups, partner=None):
            found = Users.with_context(active_test=False).search([("login", "=", login)])
            if found:
                return found
            vals = {"login": login, "name": name, "groups_id": [Command.set(groups.ids)]}
            if partner:
                vals["partner_id"] = partner.id
            else:
                # staff post messages (an import, a bill run): Odoo refuses a message
                # from an author without an e-mail address
                vals["email"] = f"{login}@load.example.com"
            return Users.create(vals)

        # customers with live mobile services and posted invoices
        cr.execute(
            """SELECT s.partner_id FROM telecom_subscription s
                WHERE s.ref LIKE 'DEMO-%%' AND s.state = 'active' AND s.phone_number IS NOT NULL
                  AND EXISTS (SELECT 1 FROM account_move m
                               WHERE m.telecom_billing_account_id = s.billing_account_id
                                 AND m.state = 'posted' AND m.move_type = 'out_invoice')
                GROUP BY s.partner_id HAVING count(*) <= 10 ORDER BY s.partner_id"""
        )
        candidates = [row[0] for row in cr.fetchall()]
        chosen = sorted(rng.sample(candidates, min(portal_count, len(candidates))))
        portal = []
        for index, partner_id in enumerate(chosen, start=1):
            partner = env["res.partner"].browse(partner_id)
            account = user(f"load-portal-{index}", partner.name, portal_group, partner)
            subs = env["telecom.subscription"].search(
                [("partner_id", "=", partner_id), ("state", "in", ("active", "suspended"))]
            )
            invoices = env["account.move"].search(
                [
                    ("partner_id", "child_of", partner_id),
                    ("state", "=", "posted"),
                    ("move_type", "=", "out_invoice"),
                ],
                order="invoice_date desc",
                limit=6,
            )
            unpaid = invoices.filtered(lambda m: m.payment_state in ("not_paid", "partial"))
            portal.append(
                {
                    "login": account.login,
                    "password": PASSWORD,
                    "subscriptions": [{"id": s.id, "number": s.phone_number} for s in subs],
                    "invoices": invoices.ids,
                    "unpaid": unpaid[:1].id or False,
                }
            )
        user_group = env.ref("telecom_crm.group_telecom_user")
        care = env.ref("telecom_crm.group_telecom_care")
        billing = env.ref("telecom_crm.group_telecom_billing")
        sales = env.ref("telecom_crm.group_telecom_sales")
        invoicing = env.ref("account.group_account_readonly")
        # care and billing agents: they find customers, and read the AR ageing and
        # revenue reports (Billing)
        backoffice = [
            user(
                f"load-agent-{n}",
                f"Care and billing agent {n}",
                internal | user_group | care | billing | invoicing,
            )
            for n in range(1, 6)
        ]
        # the mediation feed (Billing: import_usage) and the web shop (Sales: place_order)
        integrator = user(
            "load-integrator", "Mediation and web shop", internal | user_group | billing | sales
        )
        baseline_partner = env["res.partner"].search([("ref", "=", "LOAD-BASELINE")], limit=1)
        if not baseline_partner:
            baseline_partner = env["res.partner"].create(
                {"name": "Baseline Visitor", "ref": "LOAD-BASELINE", "email": "b@example.com"}
            )
        baseline = user("load-baseline", "Baseline Visitor", portal_group, baseline_partner)
        everyone = Users.search([("login", "=like", "load-%")])
        # one hash for all: Odoo checks it as it checks any password (hashing 300
        # passwords one by one would take minutes)
        everyone[:1].password = PASSWORD
        env.flush_all()
        cr.execute("SELECT password FROM res_users WHERE id = %s", (everyone[:1].id,))
        cr.execute(
            "UPDATE res_users SET password = %s WHERE id = ANY(%s)",
            (cr.fetchone()[0], everyone.ids),
        )

        cr.execute(
            """SELECT phone_number FROM telecom_subscription
                WHERE state = 'active' AND phone_number IS NOT NULL ORDER BY id"""
        )
        phones = [row[0] for row in cr.fetchall()]
        cr.execute(
            """SELECT id, telecom_customer_number, name FROM res_partner
                WHERE telecom_customer_number IS NOT NULL ORDER BY id"""
        )
        customers = cr.fetchall()
        cr.execute("SELECT id FROM telecom_subscription WHERE state <> 'draft' ORDER BY id")
        subscriptions = [row[0] for row in cr.fetchall()]
        cr.execute(
            """SELECT a.name, p.telecom_customer_number FROM telecom_billing_account a
                 JOIN res_partner p ON p.id = a.partner_id
                WHERE a.state = 'active' ORDER BY a.id"""
        )
        accounts = cr.fetchall()
        single = {}
        for name, number in accounts:
            single[number] = None if number in single else name
        today = fields.Date.context_today(env["res.users"])
        months = []
        for back in range(3):
            start = today.replace(day=1) - relativedelta(months=back)
            months.append((str(start), str(start + relativedelta(months=1))))
        source = env["telecom.mediation.source"].search([], limit=1, order="id")
        plan = env["product.product"].search([("default_code", "=", "DEMO-MOB-S")], limit=1)
        fixtures = {
            "db": dbname,
            "portal": portal,
            "backoffice": [{"login": u.login, "password": PASSWORD} for u in backoffice],
            "integrator": {"login": integrator.login, "uid": integrator.id, "password": PASSWORD},
            "baseline": {
                "portal": {"login": baseline.login, "password": PASSWORD},
                "staff": {"login": backoffice[0].login, "password": PASSWORD},
            },
            "phones": rng.sample(phones, min(20000, len(phones))),
            "customer_numbers": [c[1] for c in rng.sample(customers, min(20000, len(customers)))],
            "customers": [c[0] for c in rng.sample(customers, min(20000, len(customers)))],
            "names": sorted({c[2].split()[-1][:5] for c in customers})
            + [c[2] for c in rng.sample(customers, min(2000, len(customers)))],
            "subscriptions": rng.sample(subscriptions, min(20000, len(subscriptions))),
            "accounts": [a[0] for a in rng.sample(accounts, min(20000, len(accounts)))],
            "order_customers": [n for n, a in single.items() if a][:5000],
            "order_plan": plan.default_code,
            "source": source.code,
            "months": months,
            "ageing_measures": [
                "not_due",
                "days_1_30",
                "days_31_60",
                "days_61_90",
                "days_over_90",
                "residual",
            ],
            # the pivot's rows: the buckets; the customers are in the grouped list
            "ageing_rows": ["bucket"],
            "revenue_model": "telecom.revenue.summary",
        }
        cr.commit()
    with open(out, "w") as fh:
        json.dump(fixtures, fh)
    print(
        f"fixtures: {len(portal)} portal customers, {len(phones)} numbers, "
        f"{len(customers)} customers, {len(subscriptions)} services -> {out}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
