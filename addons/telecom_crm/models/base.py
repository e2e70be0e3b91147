# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The role check of the suite's public methods.

Any public method of a model (no leading underscore) is callable over RPC by any
user who may log in, whatever the views show (a button's ``groups=`` only hides
it), and the caller chooses the whole context. So every public method the suite
defines starts with ``self._telecom_check_groups(...)`` (or relies on the model's
access rights when it is a create/write override), and the groups it names are
the ones ``security_table.py`` of its add-on lists; the table test of
telecom_demo holds both together.
"""

from odoo import models
from odoo.exceptions import AccessError


class Base(models.AbstractModel):
    _inherit = "base"

    def _telecom_check_groups(self, *groups, what=None):
        """Refuse (``AccessError``) a caller in none of ``groups`` (xml ids; implied
        groups count: a Manager is in every telecom group). ``what`` names the action
        in the message ("Setting up tariffs is for Telecom / Billing only.").

        Code running as superuser passes: a cron, a job, or a public method that
        checked its caller before it went ``sudo()``.
        """
        if self.env.su:
            return
        user = self.env.user
        if any(user.has_group(group) for group in groups):
            return
        names = [
            (self.env.ref(group, raise_if_not_found=False) or self.env["res.groups"])
            .sudo()
            .full_name
            or group
            for group in groups
        ]
        if what:
            raise AccessError(
                self.env._(
                    "%(what)s is for %(groups)s only.",
                    what=what,
                    groups=self.env._(" or ").join(names),
                )
            )
        raise AccessError(
            self.env._(
                "You are not allowed to do this on %(model)s (%(name)s) records: it is for "
                "%(groups)s only.",
                model=self.env["ir.model"].sudo()._get(self._name).name or self._name,
                name=self._name,
                groups=self.env._(" or ").join(names),
            )
        )
