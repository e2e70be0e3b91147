# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.telecom_crm.models.identifiers import iccid_problem

IMSI_RE = re.compile(r"^\d{14,15}$")
PIN_RE = re.compile(r"^\d{4,8}$")
PUK_RE = re.compile(r"^\d{8}$")
SECRETS = "telecom_oss.group_telecom_sim_secrets"


class TelecomSimCard(models.Model):
    _name = "telecom.sim.card"
    _description = "SIM card"
    _inherit = ("telecom.resource.mixin",)
    _order = "iccid"
    _rec_name = "iccid"
    _rec_names_search = ("iccid", "imsi")
    _check_company_auto = True

    iccid = fields.Char(string="ICCID", required=True, index=True, copy=False)
    imsi = fields.Char(string="IMSI", required=True, index=True, copy=False)
    sim_type = fields.Selection(
        [("physical", "Physical SIM"), ("esim", "eSIM profile")],
        required=True,
        default="physical",
    )
    batch = fields.Char(index="btree_not_null", help="Delivery batch / order of the vendor.")
    number_id = fields.Many2one(
        "telecom.number",
        string="Paired number",
        index="btree_not_null",
        readonly=True,
        check_company=True,
        copy=False,
    )
    element_id = fields.Many2one(
        "telecom.network.element",
        string="HLR/HSS",
        check_company=True,
        index="btree_not_null",
        help="The subscriber database holding this IMSI.",
    )
    # secrets: only the dedicated group reads or writes them
    pin1 = fields.Char(string="PIN1", groups=SECRETS, copy=False)
    puk1 = fields.Char(string="PUK1", groups=SECRETS, copy=False)
    pin2 = fields.Char(string="PIN2", groups=SECRETS, copy=False)
    puk2 = fields.Char(string="PUK2", groups=SECRETS, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    assignment_ids = fields.One2many("telecom.resource.assignment", "sim_id")

    _sql_constraints = (
        ("iccid_unique", "unique(iccid)", "An ICCID identifies one SIM card only."),
        ("imsi_unique", "unique(imsi)", "An IMSI belongs to one SIM card only."),
    )

    @api.constrains("iccid", "imsi")
    def _check_identifiers(self):
        for sim in self:
            # 19 or 20 digits with the Luhn check digit, as printed on the card (a
            # vendor file without the check digit is completed before the import)
            problem = iccid_problem(self.env, sim.iccid)
            if problem:
                raise ValidationError(problem)
            if not IMSI_RE.match(sim.imsi or ""):
                raise ValidationError(
                    self.env._("'%(imsi)s' is not a valid IMSI (14 or 15 digits).", imsi=sim.imsi)
                )

    @api.constrains("pin1", "puk1", "pin2", "puk2")
    def _check_secrets(self):
        for sim in self.sudo():
            for label, value, pattern in (
                ("PIN1", sim.pin1, PIN_RE),
                ("PIN2", sim.pin2, PIN_RE),
                ("PUK1", sim.puk1, PUK_RE),
                ("PUK2", sim.puk2, PUK_RE),
            ):
                if value and not pattern.match(value):
                    raise ValidationError(
                        self.env._(
                            "%(sim)s: %(label)s has the wrong format.",
                            sim=sim.iccid,
                            label=label,
                        )
                    )

    def _telecom_release_state(self, resource):
        # a SIM that was in service is deactivated for good; an unused one goes back
        return "retired" if resource.state == "assigned" else "free"

    @api.model
    def _telecom_allocate(self, company, partner=None, order=None, holder=None, sim_type=None):
        """Reserve the first SIM in stock (``FOR UPDATE SKIP LOCKED``) and return it."""
        self.flush_model(["state", "sim_type", "company_id", "iccid"])
        type_clause = SQL("AND sim_type = %s", sim_type) if sim_type else SQL()
        # raw SQL: the row lock with SKIP LOCKED is not expressible through the ORM
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM telecom_sim_card
                 WHERE company_id = %s AND state = 'free' %s
                 ORDER BY iccid
                 LIMIT 1
                 FOR UPDATE SKIP LOCKED
                """,
                company.id,
                type_clause,
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            raise UserError(
                self.env._("No SIM card in stock for %(company)s.", company=company.name)
            )
        sim = self.browse(row[0])
        sim._telecom_reserve(partner=partner, order=order, holder=holder)
        return sim
