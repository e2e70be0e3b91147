# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every public method of the suite's models is in a security table, and over real
XML-RPC every role is refused (``AccessError``, nothing changed) what its table
entry does not give it.

The tables: ``security_table.py`` of each add-on (format: the docstring of
``telecom_crm/security_table.py``). This add-on depends on all the others, so the
registry here holds every model and every override of the suite; its demo data gives
the sweep a record of nearly every model to call the methods on.
"""

import importlib
import inspect
import logging
import xmlrpc.client

from odoo.modules.module import get_manifest
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tests.common import Transport
from odoo.tools import config, mute_logger

from odoo.addons.telecom_crm.security_table import ACL, NOBODY, Pending
from odoo.addons.telecom_crm.tests.common import TelecomFixtures

_logger = logging.getLogger(__name__)


def suite_addons(addon):
    """``addon`` and the suite's add-ons (``telecom_*``) it depends on, directly or
    not, lowest first: read from the manifests, the one list of who needs whom."""
    found = []

    def visit(name):
        if name in found or not name.startswith("telecom_"):
            return
        for dep in get_manifest(name)["depends"]:
            visit(dep)
        found.append(name)

    visit(addon)
    return tuple(found)


# this add-on and the five it depends on; each has a security_table.py
ADDONS = suite_addons(__name__.split(".")[2])
# XML-RPC fault codes (base/controllers/rpc.py)
ACCESS_ERROR = 4
WARNING = 2  # a UserError or ValidationError

# the roles the sweep calls as: login -> groups (comma-separated xml ids)
ROLES = {
    "portal": "base.group_portal",
    "agent": "base.group_portal,telecom_portal.group_telecom_agent",
    "internal": "base.group_user",
    "accountant": "account.group_account_invoice",
    "helpdesk_own": "helpdesk_mgmt.group_helpdesk_user_own",
    "helpdesk_user": "helpdesk_mgmt.group_helpdesk_user",
    "helpdesk_manager": "helpdesk_mgmt.group_helpdesk_manager",
    "telecom_user": "telecom_crm.group_telecom_user",
    "sales": "telecom_crm.group_telecom_sales",
    "care": "telecom_crm.group_telecom_care",
    "billing": "telecom_crm.group_telecom_billing",
    "noc": "telecom_oss.group_telecom_noc",
    "provisioning": "telecom_oss.group_telecom_provisioning",
    "engineer": "telecom_oss.group_telecom_network_engineer",
    "manager": "telecom_crm.group_telecom_manager",
}


def _addon(klass):
    """The add-on of the suite a class comes from, or None."""
    parts = (getattr(klass, "__module__", "") or "").split(".")
    if len(parts) > 2 and parts[:2] == ["odoo", "addons"] and parts[2] in ADDONS:
        return parts[2]
    return None


def _own_name(klass):
    """The model a Python class defines or extends."""
    if klass._name:
        return klass._name
    inherit = klass._inherit
    return inherit if isinstance(inherit, str) else next(iter(inherit))


def load_tables():
    """{(model, method): (entry, add-on)} from the five tables; raise on a duplicate."""
    table = {}
    for addon in ADDONS:
        module = importlib.import_module(f"odoo.addons.{addon}.security_table")
        for model, methods in module.METHODS.items():
            for method, entry in methods.items():
                if (model, method) in table:
                    raise AssertionError(
                        f"{model}.{method} is in the security tables of both "
                        f"{table[(model, method)][1]} and {addon}: keep one."
                    )
                table[(model, method)] = (entry, addon)
    return table


def public_methods(registry):
    """The RPC-callable methods the suite's classes define, per model.

    {(model, method): (candidate table keys, add-on whose table should list it)}:
    public (no leading underscore) and not ``@api.private`` on any class of the
    model, as ``odoo.service.model.get_public_method`` decides.
    """
    found = {}
    for model in registry:
        mro = registry[model].mro()
        names = {
            name
            for klass in mro
            if _addon(klass)
            for name, value in vars(klass).items()
            if not name.startswith("_") and callable(value) and not isinstance(value, type)
        }
        for name in names:
            if any(getattr(getattr(k, name, None), "_api_private", False) for k in mro):
                continue
            defining = [k for k in mro if _addon(k) and name in vars(k)]
            keys = [(model, name)] + [(_own_name(k), name) for k in defining]
            # the first definition is the deepest class of the MRO (the lowest add-on)
            found[(model, name)] = (list(dict.fromkeys(keys)), _addon(defining[-1]))
    return found


@tagged("post_install", "-at_install")
class TestRpcMethodTable(TransactionCase):
    def test_every_public_method_has_an_entry(self):
        table = load_tables()
        methods = public_methods(self.env.registry)
        missing, used = [], set()
        for (model, method), (keys, addon) in sorted(methods.items()):
            key = next((k for k in keys if k in table), None)
            if key is None:
                missing.append(
                    f"{model}.{method} (defined in {addon}): add "
                    f'"{method}": <groups> under "{model}" in addons/{addon}/security_table.py'
                )
            else:
                used.add(key)
        self.assertFalse(
            missing,
            "Public methods callable over RPC without an entry in a security table "
            "(format: telecom_crm/security_table.py):\n" + "\n".join(missing),
        )
        stale = sorted(
            f"{model}.{method} ({table[(model, method)][1]})" for model, method in set(table) - used
        )
        self.assertFalse(
            stale, "Security table entries naming no public method:\n" + "\n".join(stale)
        )
        for (model, method), (entry, addon) in table.items():
            groups = entry.groups if isinstance(entry, Pending) else entry
            if isinstance(groups, tuple):
                for group in groups:
                    self.assertTrue(
                        self.env.ref(group, raise_if_not_found=False),
                        f"{addon}/security_table.py: {model}.{method} names {group}, "
                        "which does not exist",
                    )
            else:
                self.assertIsInstance(groups, ACL, f"{model}.{method}: unknown entry {entry!r}")

    def test_a_new_public_method_fails_the_table(self):
        """The check above fails for a public method nobody listed (here: a method
        added to a model class, as a developer would)."""
        Subscription = type(self.env["telecom.subscription"])
        klass = next(k for k in Subscription.mro() if _addon(k) == "telecom_crm")
        klass.action_brand_new = lambda self: True
        try:
            methods = public_methods(self.env.registry)
            self.assertIn(("telecom.subscription", "action_brand_new"), methods)
            keys, addon = methods[("telecom.subscription", "action_brand_new")]
            self.assertEqual(addon, "telecom_crm")
            self.assertFalse(set(keys) & set(load_tables()))
        finally:
            del klass.action_brand_new


@tagged("post_install", "-at_install")
class TestRpcRoleSweep(TelecomFixtures, HttpCase):
    """As a user of each role, call over XML-RPC every method its role may not call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_telecom()
        env = cls.env
        if not env["account.journal"].search([("type", "=", "sale")], limit=1):
            env["account.chart.template"].try_loading(
                "generic_coa", company=env.company, install_demo=False
            )
        # one of nearly everything (customers, services, invoices, usage, network,
        # tickets...): the representative records the methods are called on
        env["telecom.demo.generator"].generate(customers=6, seed=15)
        # and records in a known state (the demo's depend on the day: dunning...)
        cls.sub = cls._subscription(phone_number="+32470009901")
        element = env["telecom.network.element"].search([], limit=1)
        env["telecom.alarm"]._telecom_receive(
            [{"element": element.id, "severity": "major", "probable_cause": "Sweep test"}]
        )
        cls.dispute = env["helpdesk.ticket"].create(
            {
                "name": "Wrong invoice",
                "description": "<p>I never called Mars</p>",
                "type_id": env.ref("telecom_helpdesk.helpdesk_ticket_type_dispute").id,
                "partner_id": cls.resident.id,
                "telecom_billing_account_id": cls.resident_account.id,
            }
        )
        cls.users = {
            role: new_test_user(
                env, login=f"sweep_{role}", password=f"sweep_{role}_pw", groups=groups
            )
            for role, groups in ROLES.items()
        }
        cls.table = load_tables()
        cls.methods = public_methods(env.registry)

    def _proxy(self, role, context=None):
        """A function calling ``execute_kw`` over XML-RPC as the user of ``role``."""
        url = f"http://127.0.0.1:{config['http_port']}/xmlrpc/2/"
        common = xmlrpc.client.ServerProxy(url + "common", transport=Transport(self.cr))
        models = xmlrpc.client.ServerProxy(url + "object", transport=Transport(self.cr))
        password = f"sweep_{role}_pw"
        uid = common.authenticate(self.env.cr.dbname, f"sweep_{role}", password, {})
        self.assertTrue(uid)
        kwargs = {"context": context} if context else {}
        return lambda model, method, args: models.execute_kw(
            self.env.cr.dbname, uid, password, model, method, args, kwargs
        )

    def _representative(self, model):
        Model = self.env[model].sudo().with_context(active_test=False)
        if Model._abstract or Model._transient:
            return Model
        return Model.search([], limit=1, order="id desc")

    def _arguments(self, model, method, record):
        """Positional arguments of an RPC call: ids (record methods), then ``False``
        for each required parameter (a method checks its caller before its input)."""
        func = getattr(type(self.env[model]), method)
        api_kind = getattr(func, "_api", None)
        if method == "create":
            return [[{}]]
        if method == "write":
            return [record.ids, {}]
        if method == "default_get":
            return [[]]
        params = list(inspect.signature(func).parameters.values())[1:]
        required = [
            False
            for p in params
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        if api_kind in ("model", "model_create"):
            return required
        return [record.ids, *required]

    def _forbidden(self, user, model, entry):
        if entry is NOBODY:
            return True
        if isinstance(entry, ACL):
            return not self.env[model].with_user(user).has_access(entry.operation)
        return not any(user.has_group(group) for group in entry)

    def _snapshot(self, model, record):
        self.env.invalidate_all()
        Model = self.env[model].sudo().with_context(active_test=False)
        count = Model.search_count([]) if not (Model._abstract or Model._transient) else 0
        if not record:
            return count, None
        names = [
            name
            for name, field in Model._fields.items()
            if field.store and field.column_type and name not in ("__last_update",)
        ]
        return count, record.sudo().read(names, load=None)

    def test_forbidden_calls_are_refused(self):
        proxies = {role: self._proxy(role) for role in ROLES}
        accepted, other_errors, changed, unreached = [], [], [], []
        calls = 0
        for (model, method), (keys, _addon_name) in sorted(self.methods.items()):
            key = next(k for k in keys if k in self.table)
            entry = self.table[key][0]
            if isinstance(entry, Pending):
                _logger.info("not swept yet: %s.%s (%s)", model, method, entry.why)
                continue
            record = self._representative(model)
            if isinstance(entry, ACL) and entry.operation != "create" and not record:
                # an ORM write on no record checks nothing: the sweep needs one
                unreached.append(f"{model}.{method}")
                continue
            args = self._arguments(model, method, record)
            for role, user in self.users.items():
                if not self._forbidden(user, model, entry):
                    continue
                before = self._snapshot(model, record)
                calls += 1
                try:
                    with mute_logger("odoo.http", "odoo.addons.base.models.ir_model"):
                        proxies[role](model, method, args)
                except xmlrpc.client.Fault as fault:
                    if fault.faultCode != ACCESS_ERROR:
                        other_errors.append(
                            f"{role}: {model}.{method}: "
                            + fault.faultString.strip().splitlines()[-1][:200]
                        )
                else:
                    accepted.append(f"{role}: {model}.{method}")
                if self._snapshot(model, record) != before:
                    changed.append(f"{role}: {model}.{method}")
        _logger.info("RPC sweep: %s forbidden calls over XML-RPC", calls)
        self.assertFalse(
            unreached,
            "No record to call these on (add one to setUpClass):\n" + "\n".join(unreached),
        )
        self.assertGreater(calls, 500)
        problems = (
            (["Forbidden calls accepted:", *accepted] if accepted else [])
            + (
                [
                    "Forbidden calls refused with something else than an AccessError "
                    + "(the role check comes first):",
                    *other_errors,
                ]
                if other_errors
                else []
            )
            + (["Forbidden calls that changed data:", *changed] if changed else [])
        )
        self.assertFalse(problems, "\n".join(problems))

    def assertRefused(self, call, model, method, args, code=ACCESS_ERROR, text=None):
        with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as caught:
            call(model, method, args)
        self.assertEqual(caught.exception.faultCode, code, caught.exception.faultString)
        if text:
            self.assertIn(text, caught.exception.faultString)

    def test_the_issue_examples(self):
        """Issue 15's leaks, tried as a sales agent over XML-RPC: refused, nothing runs."""
        call = self._proxy("sales")
        jobs = self.env["queue.job"].search_count([])
        element = self.env["telecom.network.element"].search([], limit=1)
        self.assertRefused(call, "telecom.network.element", "action_push_intended", [element.ids])
        self.assertRefused(call, "telecom.network.element", "action_backup", [element.ids])
        version = self.env["telecom.config.version"].search([], limit=1)
        self.assertRefused(call, "telecom.config.version", "action_rollback", [version.ids])
        order = self.env["telecom.provisioning.order"].search([], limit=1)
        self.assertRefused(call, "telecom.provisioning.order", "action_requeue", [order.ids])
        self.env.invalidate_all()
        self.assertEqual(self.env["queue.job"].search_count([]), jobs)

    def test_context_keys_open_no_guard(self):
        """The context keys that used to switch business guards off, sent by users of
        the roles that may otherwise write those records: refused, nothing changed."""
        sub = self.sub
        line = sub.line_ids
        price, count, state = line.price_unit, len(sub.line_ids), sub.state
        self.assertNotEqual(state, "draft")
        self.assertTrue(price)
        for context in (None, {"telecom_lifecycle": True}):
            call = self._proxy("sales", context)
            self.assertRefused(
                call,
                "telecom.subscription.line",
                "write",
                [line.ids, {"price_unit": 0}],
                code=WARNING,
                text="through its actions",
            )
            self.assertRefused(
                call,
                "telecom.subscription.line",
                "create",
                [[{"subscription_id": sub.id, "product_id": line.product_id.id, "price_unit": 0}]],
                code=WARNING,
            )
            self.assertRefused(
                call,
                "telecom.subscription",
                "write",
                [sub.ids, {"state": "terminated"}],
                code=WARNING,
            )
        self.env.invalidate_all()
        self.assertEqual((line.price_unit, len(sub.line_ids), sub.state), (price, count, state))
        # states that have their buttons (billing's): not a write of anyone else
        call = self._proxy("care")
        account = sub.billing_account_id
        account_state = account.state
        self.assertRefused(
            call,
            "telecom.billing.account",
            "write",
            [account.ids, {"state": "closed"}],
            code=WARNING,
        )
        charge = self.env["telecom.charge"].create(
            {"billing_account_id": account.id, "description": "Fee", "amount": 5.0}
        )
        self.assertRefused(
            call, "telecom.charge", "write", [charge.ids, {"state": "cancelled"}], code=WARNING
        )
        self.env.invalidate_all()
        self.assertEqual((account.state, charge.state), (account_state, "pending"))
        # usage amounts: rating writes them, in SQL, never a billing user's write
        usage = self.env["telecom.usage.record"].search([("state", "=", "rated")], limit=1)
        amount = usage.amount
        call = self._proxy("billing", {"telecom_rating_write": True})
        self.assertRefused(
            call, "telecom.usage.record", "write", [usage.ids, {"amount": 0}], code=WARNING
        )
        self.env.invalidate_all()
        self.assertEqual(usage.amount, amount)
        # service orders: created by the subscription's actions only (a crafted one
        # would carry a waived fee or a free plan)
        call = self._proxy("care")
        self.assertRefused(
            call,
            "telecom.service.order",
            "create",
            [[{"subscription_id": sub.id, "action": "terminate", "values": {"waive_etf": True}}]],
        )
        service = sub.service_order_ids[:1]
        self.assertRefused(
            call,
            "telecom.service.order",
            "write",
            [service.ids, {"values": {"waive_etf": True}, "state": "submitted"}],
            code=WARNING,
        )
        # disputes: an open one does not close without a decision
        dispute = self.dispute
        self.assertEqual(dispute.telecom_dispute_state, "open")
        resolved = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        call = self._proxy("care", {"telecom_dispute_resolving": True})
        self.assertRefused(
            call, "helpdesk.ticket", "write", [dispute.ids, {"stage_id": resolved.id}], code=WARNING
        )
        self.assertRefused(
            call,
            "helpdesk.ticket",
            "write",
            [dispute.ids, {"telecom_dispute_state": "credited"}],
            code=WARNING,
        )
        self.env.invalidate_all()
        self.assertEqual(dispute.telecom_dispute_state, "open")
        self.assertNotEqual(dispute.stage_id, resolved)
