# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from odoo.addons.base.tests.common import HttpCaseWithUserPortal


@tagged("post_install", "-at_install")
class TestPortalAccess(HttpCaseWithUserPortal):
    def test_portal_user_reaches_my_home_not_back_office(self):
        self.authenticate("portal", "portal")
        res = self.url_open("/my")
        self.assertEqual(res.status_code, 200)
        self.assertIn("o_portal_my_home", res.text)
        # the back office sends a portal user back to the portal
        res = self.url_open("/odoo", allow_redirects=False)
        self.assertIn(res.status_code, (302, 303))
        self.assertIn("/my", res.headers.get("Location", ""))
        res = self.url_open(
            "/odoo/action-telecom_crm.res_partner_action_telecom_customer",
            allow_redirects=False,
        )
        self.assertIn(res.status_code, (302, 303))
        self.assertIn("/my", res.headers.get("Location", ""))

    def test_anonymous_is_sent_to_login(self):
        res = self.url_open("/my", allow_redirects=False)
        self.assertIn(res.status_code, (302, 303))
        self.assertIn("/web/login", res.headers.get("Location", ""))
