# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invoice line defaults looked up once per batch (fiscal positions, taxes, income
accounts, existence checks): used by the bill-run engine and by credit notes in bulk."""

from odoo import _
from odoo.exceptions import UserError


class InvoiceDefaults:
    """Fiscal positions, taxes and income accounts of invoice lines, looked up once
    per batch of invoices of one company (bill-run chunks, credit notes in bulk):
    what ``account.move`` would compute for each invoice and line, without reading
    it again for every one."""

    def __init__(self, env, company):
        self.env = env
        self.company = company
        self._positions = {}
        self._auto_positions = None
        self._accounts = {}
        self._existing = {}
        self._journal = None

    @property
    def journal(self):
        """The company's bill journal (bill runs' and credit notes')."""
        if self._journal is None:
            self._journal = self.company._telecom_bill_journal()
        return self._journal

    def ref(self, xmlid):
        """``env.ref(xmlid)``, looked up once (``env.ref`` checks existence each time)."""
        found = self._existing.get(("ref", xmlid))
        if found is None:
            found = self._existing[("ref", xmlid)] = self.env.ref(xmlid)
        return found

    def prime(self, model, ids):
        """Read at once which of ``ids`` exist (and their fields) for ``existing``."""
        ids = {int(i) for i in ids if isinstance(i, int) or (isinstance(i, str) and i.isdigit())}
        known = self._existing.setdefault(model, set())
        todo = ids - known
        if todo:
            records = self.env[model].browse(sorted(todo)).exists()
            records.fetch([name for name, field in records._fields.items() if field.column_type])
            known.update(records.ids)
            self._existing.setdefault((model, "missing"), set()).update(todo - set(records.ids))

    def existing(self, model, ids):
        """``env[model].browse(ids).exists()``, from what ``prime`` read when it can."""
        ids = [int(i) for i in ids]
        known = self._existing.get(model, set())
        missing = self._existing.get((model, "missing"), set())
        if all(i in known or i in missing for i in ids):
            return self.env[model].browse([i for i in ids if i in known])
        return self.env[model].browse(ids).exists()

    def fiscal_position(self, partner, position_id=None):
        """The account's own position (``position_id``), else the one Odoo finds for
        the invoice partner (``account.fiscal.position._get_fiscal_position``)."""
        Fpos = self.env["account.fiscal.position"]
        if position_id:
            return Fpos.browse(position_id)
        found = self._positions.get(partner.id)
        if found is None:
            if self._auto_positions is None:
                self._auto_positions = bool(
                    Fpos.search_count(
                        [("auto_apply", "=", True), ("company_id", "in", (False, self.company.id))],
                        limit=1,
                    )
                )
            partner = partner.with_company(self.company)
            if self._auto_positions:
                found = Fpos.with_company(self.company)._get_fiscal_position(partner)
            else:
                # no automatic position: the partner's own, as _get_fiscal_position finds it
                found = partner.property_account_position_id
            self._positions[partner.id] = found
        return found

    def taxes_and_account(self, product, fpos):
        """(taxes, income account id) of a line of ``product`` under ``fpos``."""
        key = (product.id, fpos.id)
        found = self._accounts.get(key)
        if found is None:
            product = product.with_company(self.company)
            taxes = product.taxes_id.filtered(lambda t: t.company_id == self.company)
            if fpos:
                taxes = fpos.map_tax(taxes)
            income = product.product_tmpl_id.get_product_accounts(fiscal_pos=fpos)["income"]
            if not income:
                raise UserError(
                    _("Product %(product)s has no income account.", product=product.display_name)
                )
            found = self._accounts[key] = (taxes, income.id)
        return found
