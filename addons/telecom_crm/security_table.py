# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may call what over RPC: the public methods of telecom_crm's models.

Why a table
-----------
Any public method of any model (a name without a leading underscore, not
``@api.private``) is callable over XML-RPC / JSON-RPC by every user who can log
in, with the context the caller chooses. A button's ``groups=`` only hides the
button. So each public method the suite defines (on its own models, and the ones
it adds to or overrides on Odoo's: res.partner, account.move, sale.order,
helpdesk.ticket...) checks its caller, and this table says whom it lets in.

Each add-on has its own ``security_table.py`` beside its manifest, in this format::

    METHODS = {
        "<model>": {
            "<method>": (GROUP_A, GROUP_B),  # a caller in one of these groups
            "<method>": ACL("write"),  # whoever has that access right on the model
            "<method>": NOBODY,  # the suite's own code only (as superuser)
            "<method>": Pending((GROUP_A,), "why the check is not there yet"),
        },
    }

- A tuple of group xml ids: the method starts with
  ``self._telecom_check_groups(GROUP_A, GROUP_B)`` (telecom_crm/models/base.py),
  which raises ``AccessError`` for anyone in none of them. Implied groups count: a
  Manager is in every telecom group (and the OSS ones), a Network Engineer is in
  NOC, every telecom group is in User.
- ``ACL(operation)``: an override of an ORM method (``create``, ``write``,
  ``default_get``, ``message_new``...): the model's access rights
  (ir.model.access.csv and the record rules) decide, checked first thing.
- ``NOBODY``: no user may call it; only the suite's code does, as superuser after
  its own checks (e.g. service orders are created by the subscription's actions).
- ``Pending(groups, why)``: the entry the method will have once a change under way
  elsewhere lands; the RPC sweep skips it until then (remove the wrapper when the
  check is merged).

A method goes in the table of the add-on that first defines it on that model
(the lowest add-on in the dependency order, docs/architecture.md); an add-on that
overrides it further up keeps that entry. A method of an abstract mixin is listed
under the mixin's name and covers every model inheriting it.

The test ``telecom_demo/tests/test_rpc_method_table.py`` walks every model of the
suite's add-ons: a public method without an entry fails it (the message names the
method and the table to add it to), so does an entry naming no public method;
then, for a user of each role, it calls over real XML-RPC every method the role
may not call and expects an ``AccessError`` and no change to the target record.

Adding a public method: add its entry here (or in its add-on's table), start the
method with the check, run the test.
"""

# -- the groups ------------------------------------------------------------------
USER = "telecom_crm.group_telecom_user"
SALES = "telecom_crm.group_telecom_sales"
CARE = "telecom_crm.group_telecom_care"
BILLING = "telecom_crm.group_telecom_billing"
MANAGER = "telecom_crm.group_telecom_manager"
SYSTEM = "base.group_system"
SALESMAN = "sales_team.group_sale_salesman"
INVOICING = "account.group_account_invoice"
ACCOUNT_READONLY = "account.group_account_readonly"

# those who change subscriptions (their write access): the lifecycle actions
LIFECYCLE = (SALES, CARE, BILLING)


class ACL:
    """The model's access right ``operation`` decides (ORM method overrides)."""

    def __init__(self, operation):
        assert operation in ("read", "write", "create", "unlink"), operation
        self.operation = operation

    def __repr__(self):
        return f"ACL({self.operation!r})"


class Pending:
    """``groups`` once the change described by ``why`` is merged; not swept yet."""

    def __init__(self, groups, why):
        self.groups = groups
        self.why = why

    def __repr__(self):
        return f"Pending({self.groups!r}, {self.why!r})"


NOBODY = ()

METHODS = {
    "product.template": {
        "create": ACL("create"),
    },
    "res.partner": {
        "create": ACL("create"),
        "action_telecom_make_customer": (SALES, CARE),
        "action_telecom_view_subscriptions": (USER,),
        "action_telecom_view_billing_accounts": (USER,),
        "action_telecom_view_open_balance": (SALESMAN, INVOICING, ACCOUNT_READONLY),
        "action_telecom_view_orders": (SALESMAN,),
    },
    "sale.order": {
        "action_view_telecom_service_orders": (USER,),
        "action_view_telecom_subscriptions": (USER,),
    },
    # integrators: every method needs Telecom / User; the actions behind each one
    # (suspend, terminate...) check their own groups on top
    "telecom.api": {
        "create_customer": (USER,),
        "place_order": (USER,),
        "change_plan": (USER,),
        "suspend": (USER,),
        "resume": (USER,),
        "terminate": (USER,),
        "lookup_subscription": (USER,),
        "set_customer_timezone": (SALES, CARE),
    },
    "telecom.billing.account": {
        "create": ACL("create"),
        "write": ACL("write"),
        "action_activate": (SALES, BILLING),
        "action_suspend": (BILLING,),
        "action_close": (BILLING,),
        "action_reopen": (BILLING,),
        "action_view_subscriptions": (USER,),
    },
    "telecom.charge": {
        "write": ACL("write"),
        "action_cancel": (BILLING,),
    },
    "telecom.price.change.wizard": {
        "default_get": ACL("create"),
        "action_apply": (MANAGER,),
    },
    "telecom.price.version": {
        "create": ACL("create"),
        "action_schedule_for_subscribers": (MANAGER,),
    },
    "telecom.service.order": {
        "create": NOBODY,
        "write": ACL("write"),
        "action_submit": LIFECYCLE,
        "action_start": LIFECYCLE,
        "action_done": LIFECYCLE,
        "action_fail": LIFECYCLE,
        "action_retry": LIFECYCLE,
        "action_cancel": LIFECYCLE,
    },
    "telecom.subscription": {
        "create": ACL("create"),
        "write": ACL("write"),
        "action_open_suspend": LIFECYCLE,
        "action_open_resume": LIFECYCLE,
        "action_open_terminate": LIFECYCLE,
        "action_open_change_plan": LIFECYCLE,
        "action_open_add_addon": LIFECYCLE,
        "action_open_remove_addon": LIFECYCLE,
        "action_open_move": LIFECYCLE,
        "action_view_service_orders": (USER,),
        # waiving an ETF and resuming a fraud suspension: managers only (inside)
        "action_activate": LIFECYCLE,
        "action_suspend": LIFECYCLE,
        "action_resume": LIFECYCLE,
        "action_terminate": LIFECYCLE,
        "action_change_plan": LIFECYCLE,
        "action_add_addon": LIFECYCLE,
        "action_remove_addon": LIFECYCLE,
        "action_move": LIFECYCLE,
    },
    "telecom.subscription.action.wizard": {
        "action_confirm": LIFECYCLE,
    },
    "telecom.subscription.event": {
        "write": ACL("write"),
    },
    "telecom.subscription.line": {
        "create": ACL("create"),
        "write": ACL("write"),
    },
}
