# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Trigram indexes for what staff type into a search box: part of a number.

The web client searches a subscription by any of its identifiers with ``ilike``
(``_rec_names_search``: number, phone number, reference, circuit id, username,
SIM ICCID): ``ILIKE '%0470123%'`` cannot use a B-tree, so without these every
search (a customer by phone, a subscription, the usage list by number) read the
whole subscription table, once per identifier. A GIN trigram index answers a
partial number in about the same time at 1,000 or 300,000 subscriptions (README,
Operator scale). The B-tree indexes of the same columns stay: exact lookups (the
rating engine's subscriber resolution, ``lookup_subscription``) use them.
Customer numbers get the same for ``telecom_customer_number ilike``.
"""

from odoo import models
from odoo.tools import sql

TRIGRAM_COLUMNS = {
    "telecom_subscription": ("phone_number", "ref", "circuit_id", "username", "sim_iccid"),
    "res_partner": ("telecom_customer_number",),
}


def create_trigram_indexes(model):
    if not model.pool.has_trigram:
        return
    table = model._table
    for column in TRIGRAM_COLUMNS[table]:
        sql.create_index(
            model.env.cr, f"{table}__{column}_trgm", table, [f'"{column}" gin_trgm_ops'], "gin"
        )


class TelecomSubscription(models.Model):
    _inherit = "telecom.subscription"

    def init(self):
        super().init()
        create_trigram_indexes(self)


class ResPartner(models.Model):
    _inherit = "res.partner"

    def init(self):
        super().init()
        create_trigram_indexes(self)
