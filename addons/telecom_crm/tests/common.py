# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures shared by the telecom_crm tests (no demo data is used)."""

import xmlrpc.client
from datetime import date

from lxml import etree

from odoo import Command
from odoo.tests import TransactionCase, new_test_user
from odoo.tests.common import Transport
from odoo.tools import config, mute_logger

# activation date of the fixture subscriptions; tests freeze "today" after it
ACTIVATION = date(2025, 1, 10)


def view_spec(model, view_type="form"):
    """The web_read/web_search_read specification the web client sends for a view.

    Fields of the view itself; many2one fields with their display name; x2many
    fields with the fields of their list or kanban sub-view (first 40 lines).
    """
    views = model.get_views([(False, view_type)])
    arch = etree.fromstring(views["views"][view_type]["arch"])
    models_meta = views["models"]

    def spec_of(node, fields_meta):
        spec = {}
        for field_node in node.iter("field"):
            parent = field_node.getparent()
            while parent is not None and parent is not node and parent.tag != "field":
                parent = parent.getparent()
            if parent is not None and parent is not node:
                continue  # a field of a sub-view
            name = field_node.get("name")
            meta = fields_meta.get(name, {})
            if meta.get("type") == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            elif meta.get("type") in ("one2many", "many2many"):
                sub = {"display_name": {}}
                comodel = meta["relation"]
                for subview in field_node:
                    if subview.tag in ("list", "kanban") and comodel in models_meta:
                        sub.update(spec_of(subview, models_meta[comodel]["fields"]))
                        break
                spec[name] = {"fields": sub, "limit": 40}
            else:
                spec[name] = {}
        return spec

    return spec_of(arch, models_meta[model._name]["fields"])


class XmlRpcClient:
    """Calls over real XML-RPC to the test server, on the test's transaction (HttpCase).

    ``rpc_caller(login, password)`` returns a function calling ``telecom.api`` as that
    user; ``rpc_login`` makes it the one ``call`` and ``assertFault`` use.
    """

    def rpc_caller(self, login, password, model="telecom.api"):
        url = f"http://127.0.0.1:{config['http_port']}/xmlrpc/2/"
        common = xmlrpc.client.ServerProxy(url + "common", transport=Transport(self.cr))
        models = xmlrpc.client.ServerProxy(url + "object", transport=Transport(self.cr))
        uid = common.authenticate(self.env.cr.dbname, login, password, {})
        self.assertTrue(uid, f"{login} cannot log in")

        def call(method, *args, **kwargs):
            return models.execute_kw(
                self.env.cr.dbname, uid, password, model, method, list(args), kwargs
            )

        return call

    def rpc_login(self, login, password):
        self._rpc_call = self.rpc_caller(login, password)

    def call(self, method, *args, **kwargs):
        return self._rpc_call(method, *args, **kwargs)

    def assertRpcFault(self, text, call, method, *args, **kwargs):
        """``call(method, ...)`` answers an XML-RPC fault whose text contains ``text``."""
        with (
            mute_logger("odoo.http", "odoo.addons.base.models.ir_model"),
            self.assertRaises(xmlrpc.client.Fault) as caught,
        ):
            call(method, *args, **kwargs)
        self.assertIn(text, caught.exception.faultString)
        return caught.exception

    def assertFault(self, text, method, *args, **kwargs):
        return self.assertRpcFault(text, self.call, method, *args, **kwargs)


class TelecomFixtures:
    """Users, catalogue and two customers; mixed into TransactionCase and HttpCase."""

    @classmethod
    def _setup_telecom(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.user = new_test_user(cls.env, login="tc_ro", groups="telecom_crm.group_telecom_user")
        cls.sales = new_test_user(
            cls.env, login="tc_sales", groups="telecom_crm.group_telecom_sales"
        )
        cls.care = new_test_user(cls.env, login="tc_care", groups="telecom_crm.group_telecom_care")
        cls.billing = new_test_user(
            cls.env, login="tc_billing", groups="telecom_crm.group_telecom_billing"
        )
        cls.manager = new_test_user(
            cls.env, login="tc_manager", groups="telecom_crm.group_telecom_manager"
        )
        cls._setup_catalogue()
        cls.resident = cls.env["res.partner"].create(
            {"name": "Ada Resident", "email": "ada@example.com", "street": "1 Main St"}
        )
        cls.business = cls.env["res.partner"].create(
            {"name": "Bolt Logistics", "is_company": True, "email": "billing@bolt.example.com"}
        )
        cls.resident_account = cls.env["telecom.billing.account"].create(
            {"partner_id": cls.resident.id}
        )
        cls.business_account = cls.env["telecom.billing.account"].create(
            {"partner_id": cls.business.id}
        )

    @classmethod
    def _product(cls, name, code, kind, price=None, **vals):
        tmpl = cls.env["product.template"].create(
            {"name": name, "default_code": code, "telecom_kind": kind, "list_price": 0.0, **vals}
        )
        if price is not None:
            cls.env["telecom.price.version"].create(
                {"product_tmpl_id": tmpl.id, "date_from": date(2024, 1, 1), "price": price}
            )
        return tmpl.product_variant_id

    @classmethod
    def _setup_catalogue(cls):
        ref = cls.env.ref
        cls.usage_voice = ref("telecom_crm.telecom_usage_type_voice")
        cls.usage_data = ref("telecom_crm.telecom_usage_type_data")
        cls.zone_national = ref("telecom_crm.telecom_zone_class_national")
        cls.plan_s = cls._product(
            "Mobile S",
            "T-MOB-S",
            "plan",
            10.0,
            telecom_technology="mobile",
            telecom_commitment_months=12,
            telecom_etf_rule="remaining_fees",
            telecom_allowance_ids=[
                Command.create({"usage_type_id": cls.usage_data.id, "quantity": 5, "uom": "gb"}),
                Command.create(
                    {"usage_type_id": cls.usage_voice.id, "quantity": 300, "uom": "minute"}
                ),
            ],
        )
        cls.plan_m = cls._product(
            "Mobile M",
            "T-MOB-M",
            "plan",
            20.0,
            telecom_technology="mobile",
            telecom_commitment_months=24,
            telecom_etf_rule="fixed",
            telecom_etf_amount=100.0,
        )
        cls.plan_l = cls._product(
            "Mobile L",
            "T-MOB-L",
            "plan",
            30.0,
            telecom_technology="mobile",
            telecom_commitment_months=12,
            telecom_etf_rule="percent_remaining",
            telecom_etf_percent=50.0,
            telecom_proration_policy="full",
        )
        cls.plan_fiber = cls._product(
            "Fibre 500", "T-FTTH-500", "plan", 40.0, telecom_technology="ftth"
        )
        cls.addon_data = cls._product(
            "Data Boost 10 GB", "T-ADD-DATA", "addon", 5.0, telecom_technology="mobile"
        )
        cls.addon_roam = cls._product("Roaming Pack", "T-ADD-ROAM", "addon", 3.0)
        cls.fee_sim = cls._product("SIM Card Fee", "T-FEE-SIM", "one_time", list_price=10.0)
        cls.router = cls._product("Fibre Router", "T-EQ-ROUTER", "equipment", list_price=50.0)
        cls.addon_tv = cls._product("TV Pack", "T-ADD-TV", "addon", 8.0)
        cls.bundle = cls._product(
            "Fibre + TV",
            "T-BUN-FTV",
            "bundle",
            45.0,
            telecom_technology="ftth",
            telecom_bundle_line_ids=[
                Command.create({"product_id": cls.plan_fiber.id, "quantity": 1}),
                Command.create({"product_id": cls.addon_tv.id, "quantity": 1}),
            ],
        )

    @classmethod
    def _subscription(cls, partner=None, account=None, plan=None, activate=ACTIVATION, **vals):
        """A subscription, activated on ``activate`` unless it is None (then draft)."""
        partner = partner or cls.resident
        account = account or (
            cls.business_account if partner == cls.business else cls.resident_account
        )
        plan = plan or cls.plan_s
        sub = cls.env["telecom.subscription"].create(
            {
                "partner_id": partner.id,
                "billing_account_id": account.id,
                "line_ids": [
                    Command.create({"product_id": plan.id, "date_start": activate or ACTIVATION})
                ],
                **vals,
            }
        )
        if activate:
            sub.action_activate(activate)
        return sub


class TelecomCommon(TelecomFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_telecom()
