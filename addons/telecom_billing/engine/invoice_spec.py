# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The invoice of one billing account in a bill run, as an ``InvoiceSpec``.

From what the bill-run engine loaded for an account (``billrun.AccountBill``:
recurring pieces, ledger credits of deleted lines, one-time charges, usage sums),
``InvoiceSpecBuilder`` makes the invoice lines in sections (recurring, one-time,
usage, adjustments) with their taxes and income accounts, and the header (partner,
payment terms, fiscal position, direct debit); a net credit becomes a credit note.
Each line carries in ``_link`` what it bills, for ``billrun_links.BilledLinks``.
"""

from decimal import Decimal

from ..billrun import quantize
from ..models.telecom_usage_record import human_quantity
from .invoice_defaults import InvoiceDefaults

KIND_ORDER = {"plan": 0, "addon": 1, "equipment": 2}
GENERIC_PRODUCTS = {
    "usage": "telecom_billing.product_telecom_usage",
    "one_time": "telecom_billing.product_telecom_one_time",
    "etf": "telecom_billing.product_telecom_etf",
    "equipment": "telecom_billing.product_telecom_one_time",
    "discount": "telecom_billing.product_telecom_discount",
    "adjustment": "telecom_billing.product_telecom_adjustment",
}


class InvoiceSpec:
    """An invoice to write: header values and lines (with what each line bills)."""

    __slots__ = ("bill", "header", "lines", "move_type", "untaxed")

    def __init__(self, bill, header, lines, move_type, untaxed):
        self.bill = bill
        self.header = header
        self.lines = lines  # dicts; "_link" says what the line bills
        self.move_type = move_type
        self.untaxed = untaxed


class InvoiceSpecBuilder:
    """Build the ``InvoiceSpec`` of each account of one bill run's chunk."""

    def __init__(self, run):
        self.run = run
        self.env = run.env
        self.company = run.company_id
        self.date = run.date
        self.journal = self.company._telecom_bill_journal()
        self.defaults = InvoiceDefaults(self.env, self.company)
        self.partners = {}  # invoice partners, read in one go by the engine
        self._product_cache = {}
        self._usage_products = {}
        self._labels = {}

    def digits(self, currency_id):
        currency = self.env["res.currency"].browse(currency_id)
        return currency.decimal_places

    def _product(self, product_id):
        product = self._product_cache.get(product_id)
        if product is None:
            product = self._product_cache[product_id] = self.env["product.product"].browse(
                product_id
            )
        return product

    def _generic_product(self, key):
        return self.defaults.ref(GENERIC_PRODUCTS[key])

    def _usage_product(self, usage_type_id):
        product = self._usage_products.get(usage_type_id)
        if product is None:
            utype = self.env["telecom.usage.type"].browse(usage_type_id)
            product = utype.product_id or self._generic_product("usage")
            self._usage_products[usage_type_id] = product
        return product

    def _partner_record(self, partner_id):
        partner = self.partners.get(partner_id)
        if partner is None:
            partner = self.env["res.partner"].with_company(self.company).browse(partner_id)
        return partner

    def _usage_order(self, group):
        utype = self.env["telecom.usage.type"].browse(group["usage_type_id"])
        zone = self.env["telecom.tariff.zone"].browse(group["zone_id"])
        return (utype.name or "", zone.name or "", group["currency_id"] or 0)

    def _fiscal_position(self, account):
        return self.defaults.fiscal_position(
            self._partner_record(account["invoice_partner_id"]), account["fiscal_position_id"]
        )

    def _taxes_and_account(self, product, fpos):
        return self.defaults.taxes_and_account(product, fpos)

    def _label(self, key):
        """Translated labels, looked up once per chunk."""
        if not self._labels:
            self._labels = {
                "daily": self.env._("daily proration"),
                "full": self.env._("full period"),
                "none": self.env._("no partial periods"),
                "recurring": self.env._("Recurring charges"),
                "one_time": self.env._("One-time charges"),
                "usage": self.env._("Usage"),
                "adjustment": self.env._("Adjustments"),
            }
        return self._labels[key]

    def _fmt_date(self, day):
        return day.strftime("%d/%m/%Y")

    def build(self, bill):
        """The invoice of one account, or None when there is nothing to bill."""
        account = bill.account
        fpos = self._fiscal_position(account)
        digits = self.digits(bill.currency_id)
        sections = {"recurring": [], "one_time": [], "usage": [], "adjustment": []}
        pieces = sorted(
            bill.pieces,
            key=lambda item: (
                item[1].period_start,
                item[0]["subscription"],
                KIND_ORDER.get(item[0]["kind"], 9),
                item[0]["line_id"],
            ),
        )
        for row, piece, _state in pieces:
            sections["recurring"].append(self._recurring_line(row, piece, fpos))
        for orphan in bill.orphans:
            sections["recurring"].append(self._orphan_line(orphan, fpos, digits))
        for charge in bill.charges:
            section = "adjustment" if charge["kind"] == "adjustment" else "one_time"
            sections[section].append(self._charge_line(charge, bill, fpos))
        for group in sorted(bill.usage, key=self._usage_order):
            sections["usage"].append(self._usage_line(group, bill, fpos))
        lines = []
        untaxed = Decimal(0)
        for key in ("recurring", "one_time", "usage", "adjustment"):
            if not sections[key]:
                continue
            lines.append(
                {"display_type": "line_section", "name": self._label(key), "telecom_section": key}
            )
            for line in sections[key]:
                untaxed += line["price_unit"]
                lines.append(line)
        if len(lines) == 0:
            return None
        move_type = "out_invoice"
        if untaxed < 0:
            # a net credit (terminations, adjustments): Odoo posts no negative invoice
            move_type = "out_refund"
            for line in lines:
                if line.get("display_type") != "line_section":
                    line["price_unit"] = -line["price_unit"]
        for index, line in enumerate(lines, start=1):
            line["sequence"] = index * 10
        term = account["payment_term_id"]
        if not term:
            term = self._partner_record(account["invoice_partner_id"]).property_payment_term_id.id
        header = {
            "move_type": move_type,
            "partner_id": account["invoice_partner_id"],
            "currency_id": bill.currency_id,
            "journal_id": self.journal.id,
            "company_id": self.company.id,
            "invoice_date": self.date,
            "date": self.date,
            "invoice_payment_term_id": term or False,
            "fiscal_position_id": fpos.id or False,
            "invoice_origin": self.run.name,
            "ref": self.env._(
                "%(account)s, period %(start)s - %(end)s",
                account=account["name"],
                start=self._fmt_date(bill.start),
                end=self._fmt_date(bill.end),
            ),
            "telecom_billing_account_id": account["id"],
            "telecom_kind": "bill",
            "telecom_bill_run_id": self.run.id,
            "telecom_period_start": bill.start,
            "telecom_period_end": bill.end,
        }
        if not term:
            # without payment terms the bill is due on its date (Odoo would take today)
            header["invoice_date_due"] = self.date
        header.update(self._payment_values(account, move_type))
        return InvoiceSpec(bill, header, lines, move_type, quantize(untaxed, digits))

    def _payment_values(self, account, move_type):
        """Direct debit: the payment mode and mandate of accounts with a valid mandate."""
        if move_type != "out_invoice" or not account.get("mandate_id"):
            return {}
        mode = self.company.telecom_sdd_payment_mode_id
        if not mode:
            return {}
        mandate = self.env["account.banking.mandate"].browse(account["mandate_id"])
        if mandate.state != "valid":
            return {}
        return {"payment_mode_id": mode.id, "mandate_id": mandate.id}

    def _recurring_line(self, row, piece, fpos):
        product = self._product(row["product_id"])
        taxes, income = self._taxes_and_account(product, fpos)
        who = row["subscription"] + (f" {row['ident']}" if row["ident"] else "")
        if piece.cover_from:
            span = f"{self._fmt_date(piece.cover_from)} - {self._fmt_date(piece.cover_to)}"
        else:
            span = self.env._(
                "not running in %(start)s - %(end)s",
                start=self._fmt_date(piece.period_start),
                end=self._fmt_date(piece.period_end),
            )
        if piece.billed:
            detail = self.env._(
                "correction: %(covered)s/%(days)s days now worth %(amount)s, %(billed)s billed "
                "before",
                covered=piece.covered,
                days=piece.days,
                amount=piece.amount,
                billed=piece.billed,
            )
        elif piece.covered < piece.days:
            detail = self.env._(
                "%(covered)s/%(days)s days of %(rate)s (%(policy)s)",
                covered=piece.covered,
                days=piece.days,
                rate=piece.rate,
                policy=self._label(piece.policy),
            )
        else:
            detail = ""
        name = f"{row['name']} - {who}\n{span}" + (f", {detail}" if detail else "")
        return {
            "display_type": "product",
            "name": name,
            "product_id": product.id,
            "quantity": 1.0,
            "price_unit": piece.delta,
            "tax_ids": taxes,
            "account_id": income,
            "telecom_section": "recurring",
            "telecom_subscription_id": row["subscription_id"],
            "telecom_subscription_line_id": row["line_id"],
            "telecom_period_from": piece.cover_from or piece.period_start,
            "telecom_period_to": piece.cover_to or piece.period_end,
            "telecom_days": piece.covered,
            "telecom_period_days": piece.days,
            "telecom_rate": piece.rate,
            "telecom_proration": piece.policy,
            "_link": ("recurring", row, piece),
        }

    def _orphan_line(self, orphan, fpos, digits):
        product = (
            self._product(orphan["product_id"])
            if orphan["product_id"]
            else (self._generic_product("adjustment"))
        )
        taxes, income = self._taxes_and_account(product, fpos)
        start = orphan["period_start"]
        name = self.env._(
            "%(product)s - %(sub)s\nCredit: cancelled before it started (period from %(start)s)",
            product=product.name,
            sub=orphan["subscription"] or "",
            start=self._fmt_date(start),
        )
        return {
            "display_type": "product",
            "name": name,
            "product_id": product.id,
            "quantity": 1.0,
            "price_unit": quantize(-orphan["amount"], digits),
            "tax_ids": taxes,
            "account_id": income,
            "telecom_section": "recurring",
            "telecom_subscription_id": orphan["subscription_id"],
            "telecom_period_from": start,
            "_link": ("orphan", orphan),
        }

    def _convert(self, amount, from_currency_id, bill):
        if not from_currency_id or from_currency_id == bill.currency_id:
            return amount
        source = self.env["res.currency"].browse(from_currency_id)
        target = self.env["res.currency"].browse(bill.currency_id)
        converted = source._convert(float(amount), target, self.company, self.date)
        return Decimal(str(converted))

    def _charge_line(self, charge, bill, fpos):
        product = (
            self._product(charge["product_id"])
            if charge["product_id"]
            else self._generic_product(charge["kind"])
        )
        taxes, income = self._taxes_and_account(product, fpos)
        digits = self.digits(bill.currency_id)
        amount = quantize(self._convert(charge["amount"], charge["currency_id"], bill), digits)
        name = charge["description"]
        if charge["subscription"]:
            name = f"{name} - {charge['subscription']}"
        return {
            "display_type": "product",
            "name": name,
            "product_id": product.id,
            "quantity": 1.0,
            "price_unit": amount,
            "tax_ids": taxes,
            "account_id": income,
            "telecom_section": "adjustment" if charge["kind"] == "adjustment" else "one_time",
            "telecom_subscription_id": charge["subscription_id"],
            "telecom_period_from": charge["date"],
            "_link": ("charge", charge),
        }

    def _usage_line(self, group, bill, fpos):
        utype = self.env["telecom.usage.type"].browse(group["usage_type_id"])
        zone = self.env["telecom.tariff.zone"].browse(group["zone_id"])
        product = self._usage_product(group["usage_type_id"])
        taxes, income = self._taxes_and_account(product, fpos)
        digits = self.digits(bill.currency_id)
        amount = quantize(self._convert(group["amount"], group["currency_id"], bill), digits)
        unit = utype.unit
        title = utype.name + (f", {zone.name}" if zone else "")
        detail = self.env._(
            "%(count)s records, %(quantity)s",
            count=group["count"],
            quantity=human_quantity(group["quantity"], unit),
        )
        if group["allowance"]:
            detail += self.env._(
                " (%(allowance)s from allowances)",
                allowance=human_quantity(group["allowance"], unit),
            )
        period = self._fmt_date(group["first_period"])
        if group["last_period"] != group["first_period"]:
            period += f" - {self._fmt_date(group['last_period'])}"
        return {
            "display_type": "product",
            "name": f"{title}\n{detail}, {self.env._('period of')} {period}",
            "product_id": product.id,
            "quantity": 1.0,
            "price_unit": amount,
            "tax_ids": taxes,
            "account_id": income,
            "telecom_section": "usage",
            "telecom_usage_type_id": utype.id,
            "telecom_zone_id": zone.id or False,
            "telecom_usage_count": group["count"],
            "telecom_usage_quantity": group["quantity"],
            "telecom_allowance_quantity": group["allowance"],
            "telecom_period_from": group["first_period"],
            "_link": ("usage", group),
        }
