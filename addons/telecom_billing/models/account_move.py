# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import spreadsheet
from ..tools.params import positive_int_param
from .telecom_usage_record import human_quantity

_logger = logging.getLogger(__name__)

#: records per part of the itemised usage detail (system parameters override)
USAGE_DETAIL_ROWS = {"xlsx": 100_000, "pdf": 2_000}

SEND_STATES = [
    ("none", "Not to send"),
    ("to_send", "To e-mail"),
    ("portal", "Portal only"),
    ("to_print", "To print"),
    ("sent", "E-mailed"),
    ("printed", "Printed"),
    ("error", "Sending failed"),
]


# invoices e-mailed per transaction by the sending cron
SEND_BATCH = 10


class AccountMove(models.Model):
    _inherit = "account.move"

    telecom_billing_account_id = fields.Many2one(
        "telecom.billing.account",
        string="Billing Account",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
    )
    telecom_kind = fields.Selection(
        [("bill", "Bill-run invoice"), ("credit", "Telecom credit note")],
        readonly=True,
        copy=False,
    )
    telecom_bill_run_id = fields.Many2one(
        "telecom.bill.run",
        string="Bill Run",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    telecom_period_start = fields.Date(string="Billing Period", readonly=True, copy=False)
    telecom_period_end = fields.Date(string="Billing Period End", readonly=True, copy=False)
    telecom_send_state = fields.Selection(
        SEND_STATES,
        string="Delivery",
        default="none",
        readonly=True,
        copy=False,
        index=True,
    )
    telecom_send_error = fields.Char(string="Delivery Error", readonly=True, copy=False)
    telecom_sent_at = fields.Datetime(string="Delivered At", readonly=True, copy=False)
    telecom_reason_code_id = fields.Many2one(
        "telecom.reason.code",
        string="Credit Reason",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    telecom_origin = fields.Char(
        string="Credit Origin",
        readonly=True,
        copy=False,
        help="What the credit note answers: 'model,id' of a ticket, a usage record... or a "
        "free reference.",
    )
    telecom_origin_name = fields.Char(string="Credit For", readonly=True, copy=False)
    telecom_usage_count = fields.Integer(
        string="Usage Records", compute="_compute_telecom_usage_count"
    )

    def init(self):
        res = super().init()
        # one live bill-run invoice (or credit note) per billing account and period:
        # the database refuses a second one whatever the code does (crash, restart,
        # two runs at once). Cancelled invoices free the period for a new bill.
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS account_move_telecom_period_uniq
                       ON account_move (telecom_billing_account_id, telecom_period_start)
                    WHERE telecom_period_start IS NOT NULL AND state <> 'cancel'"""
            )
        )
        return res

    def _compute_telecom_usage_count(self):
        counts = dict.fromkeys(self.ids, 0)
        bills = self.filtered(lambda m: m.telecom_kind == "bill" and m.id)
        if bills:
            self.env.cr.execute(
                SQL(
                    """SELECT l.move_id, SUM(l.telecom_usage_count) FROM account_move_line l
                        WHERE l.move_id = ANY(%s) AND l.telecom_section = 'usage'
                        GROUP BY l.move_id""",
                    bills.ids,
                )
            )
            counts.update(dict(self.env.cr.fetchall()))
        for move in self:
            move.telecom_usage_count = counts.get(move.id, 0) or 0

    # -- printing ---------------------------------------------------------------------
    def _get_name_invoice_report(self):
        self.ensure_one()
        if self.telecom_kind == "bill":
            return "telecom_billing.report_telecom_invoice_document"
        return super()._get_name_invoice_report()

    def _telecom_allowance_summary(self):
        """Allowance balances of the usage periods this bill charges, for the layout."""
        self.ensure_one()
        lines = self.invoice_line_ids.filtered(lambda line: line.telecom_section == "usage")
        if not self.telecom_billing_account_id:
            return []
        domain = [("billing_account_id", "=", self.telecom_billing_account_id.id)]
        if lines:
            self.env.cr.execute(
                SQL(
                    """SELECT DISTINCT period_start FROM telecom_usage_record
                        WHERE invoice_line_id = ANY(%s)""",
                    lines.ids,
                )
            )
            periods = [row[0] for row in self.env.cr.fetchall()]
        else:
            periods = []
        if not periods:
            return []
        domain.append(("period_start", "in", periods))
        balances = self.env["telecom.allowance.balance"].sudo().search(domain)
        out = []
        for balance in balances.sorted(
            lambda b: (
                b.period_start,
                b.subscription_id.name or "",
                b.usage_type_id.code or "",
                b.generation,
            )
        ):
            owner = balance.subscription_id.display_name or _("Shared by the account")
            label = balance.product_tmpl_id.name or ""
            if balance.generation:
                label = _("%(plan)s (rolled over)", plan=label)
            out.append(
                {
                    "period": balance.period_start,
                    "owner": owner,
                    "allowance": label,
                    "usage_type": balance.usage_type_id.name,
                    "included": balance.included_display,
                    "used": balance.used_display,
                    "remaining": balance.remaining_display,
                    "percent": round(balance.used_percent),
                }
            )
        return out

    # -- payment: dunning restore -------------------------------------------------------
    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        accounts = self.filtered("telecom_billing_account_id").telecom_billing_account_id
        if accounts:
            accounts.sudo()._telecom_dunning_check_restore()
        return res

    # -- cancellation: the period is free again -------------------------------------------
    def button_cancel(self):
        bills = self.filtered(lambda m: m.telecom_kind == "bill" and m.state != "cancel")
        res = super().button_cancel()
        bills.filtered(lambda m: m.state == "cancel")._telecom_release()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_telecom_release(self):
        self.filtered(lambda m: m.telecom_kind == "bill")._telecom_release()

    def _telecom_release(self):
        """Give back what a cancelled or deleted bill consumed: its usage records, charges
        and recurring days become billable again, and its bill-run line says so."""
        if not self:
            return
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(SQL("SELECT id FROM account_move_line WHERE move_id = ANY(%s)", self.ids))
        line_ids = [row[0] for row in cr.fetchall()]
        # usage records rated again, charges pending again
        for table, state in (("telecom_usage_record", "rated"), ("telecom_charge", "pending")):
            cr.execute(
                SQL(
                    """UPDATE %s SET state = %s, invoice_line_id = NULL,
                              write_date = now() at time zone 'UTC', write_uid = %s
                        WHERE invoice_line_id = ANY(%s)""",
                    SQL.identifier(table),
                    state,
                    self.env.uid,
                    line_ids,
                )
            )
        cr.execute(
            SQL(
                "DELETE FROM telecom_billed_recurring WHERE move_id = ANY(%s) RETURNING line_id",
                self.ids,
            )
        )
        sub_line_ids = list({row[0] for row in cr.fetchall() if row[0]})
        if sub_line_ids:
            self.env["telecom.billed.recurring"]._telecom_refresh_billed_range(sub_line_ids)
        cr.execute(
            SQL(
                """UPDATE telecom_bill_run_line SET state = 'cancelled',
                          error = %s, write_date = now() at time zone 'UTC'
                    WHERE move_id = ANY(%s) AND state = 'done'""",
                _("Invoice cancelled: bill the period again with 'Re-bill'."),
                self.ids,
            )
        )
        for model in (
            "telecom.usage.record",
            "telecom.charge",
            "telecom.subscription.line",
            "telecom.bill.run.line",
        ):
            self.env[model].invalidate_model()
        _logger.info("telecom bill(s) %s released", self.ids)

    # -- actions ----------------------------------------------------------------------------
    def action_telecom_usage(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_billing.telecom_usage_record_action"
        )
        action["domain"] = [("invoice_line_id.move_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_telecom_usage_xlsx(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        if self.telecom_kind != "bill":
            raise UserError(_("Only bill-run invoices have an itemised usage detail."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/telecom_billing/usage_detail/{self.id}.xlsx",
            "target": "download",
        }

    # -- itemised usage ----------------------------------------------------------------
    # A bill of a business with hundreds of lines holds millions of records: the detail
    # is cut into parts of at most N records (system parameters
    # telecom_billing.usage_detail_xlsx_rows / _pdf_rows), one part per request, each
    # telling which records it holds and how many parts there are.
    def _telecom_usage_count(self):
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """SELECT count(*) FROM telecom_usage_record u
                     JOIN account_move_line l ON l.id = u.invoice_line_id
                    WHERE l.move_id = %s""",
                self.id,
            )
        )
        return self.env.cr.fetchone()[0]

    def _telecom_usage_part(self, fmt, part=1):
        """Which records part ``part`` of the ``fmt`` (xlsx | pdf) detail holds.

        Returns a dict: ``part``, ``parts``, ``count``, ``offset``, ``limit``,
        ``first`` and ``last`` (1-based record numbers), ``note`` (False when the
        detail fits in one part). A part that does not exist is a ``UserError``.
        """
        self.ensure_one()
        size = positive_int_param(
            self.env, f"telecom_billing.usage_detail_{fmt}_rows", USAGE_DETAIL_ROWS[fmt]
        )
        count = self._telecom_usage_count()
        parts = max(1, -(-count // size))
        if isinstance(part, bool) or not isinstance(part, int) or not 1 <= part <= parts:
            raise UserError(
                _("The usage detail of %(move)s has %(n)s part(s).", move=self.name, n=parts)
            )
        offset = (part - 1) * size
        info = {
            "part": part,
            "parts": parts,
            "count": count,
            "offset": offset,
            "limit": size,
            "first": offset + 1 if count else 0,
            "last": min(offset + size, count),
            "note": False,
        }
        if parts > 1:
            info["note"] = _(
                "Part %(part)s of %(parts)s: usage records %(first)s to %(last)s of %(count)s. "
                "The other parts are the other downloads of this invoice's usage detail.",
                part=part,
                parts=parts,
                first=info["first"],
                last=info["last"],
                count=count,
            )
        return info

    def _telecom_usage_rows(self, limit=None, offset=0):
        """The invoice's usage records, per subscription then time (plain tuples)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """SELECT s.name, COALESCE(s.phone_number, s.circuit_id, s.username, ''),
                          u.start_time, u.usage_type_id, COALESCE(u.called_number, ''),
                          u.zone_id, COALESCE(u.time_band, ''), u.quantity,
                          u.rated_quantity, u.allowance_quantity, u.amount
                     FROM telecom_usage_record u
                     JOIN account_move_line l ON l.id = u.invoice_line_id
                     LEFT JOIN telecom_subscription s ON s.id = u.subscription_id
                    WHERE l.move_id = %s
                    ORDER BY s.name, u.start_time, u.id
                    %s OFFSET %s""",
                self.id,
                SQL("LIMIT %s", limit) if limit else SQL(),
                offset or 0,
            )
        )
        rows = self.env.cr.fetchall()
        # names in the reader's language (translated fields)
        types = {
            t.id: (t.name, t.unit)
            for t in self.env["telecom.usage.type"].sudo().browse({r[3] for r in rows if r[3]})
        }
        zones = {
            z.id: z.name
            for z in self.env["telecom.tariff.zone"].sudo().browse({r[5] for r in rows if r[5]})
        }
        out = []
        for sub, ident, start, utype, called, zone, band, qty, rated, allowance, amount in rows:
            name, unit = types.get(utype, ("", ""))
            out.append(
                (
                    sub,
                    ident,
                    start,
                    name,
                    unit,
                    called,
                    zones.get(zone, ""),
                    band,
                    qty,
                    rated,
                    allowance,
                    amount,
                )
            )
        return out

    def _telecom_usage_report_part(self):
        """The part of the printed detail (context ``telecom_usage_part``, default 1)."""
        return self._telecom_usage_part("pdf", self.env.context.get("telecom_usage_part") or 1)

    def _telecom_usage_report_rows(self):
        """Rows of the printed usage detail (one part): dicts with human quantities."""
        part = self._telecom_usage_report_part()
        rows = []
        for (
            sub,
            ident,
            start,
            utype,
            unit,
            called,
            zone,
            band,
            qty,
            _rated,
            allowance,
            amount,
        ) in self._telecom_usage_rows(part["limit"], part["offset"]):
            rows.append(
                {
                    "subscription": f"{sub} {ident}".strip(),
                    "start": fields.Datetime.context_timestamp(self, start) if start else "",
                    "usage_type": utype,
                    "called": called,
                    "zone": zone,
                    "band": band,
                    "quantity": human_quantity(qty, unit),
                    "allowance": human_quantity(allowance, unit) if allowance else "",
                    "amount": amount,
                }
            )
        return rows

    def _telecom_usage_xlsx(self, part=1):
        """Part ``part`` of the itemised usage as an XLSX file (bytes), row by row."""
        self.ensure_one()
        info = self._telecom_usage_part("xlsx", part)
        buffer = io.BytesIO()
        workbook = spreadsheet.workbook(buffer, {"in_memory": True, "constant_memory": True})
        sheet = workbook.add_worksheet(_("Usage"))
        bold = workbook.add_format({"bold": True})
        stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        money = workbook.add_format({"num_format": "#,##0.0000"})
        headers = [
            _("Subscription"),
            _("Number"),
            _("Start (UTC)"),
            _("Usage Type"),
            _("Unit"),
            _("Called Number"),
            _("Zone"),
            _("Band"),
            _("Quantity"),
            _("Rated Quantity"),
            _("From Allowances"),
            _("Amount"),
        ]
        sheet.write_row(0, 0, headers, bold)
        sheet.set_column(0, 1, 16)
        sheet.set_column(2, 2, 20)
        sheet.set_column(3, 11, 14)
        index = 0
        rows = self._telecom_usage_rows(info["limit"], info["offset"])
        for index, row in enumerate(rows, start=1):
            (sub, ident, start, utype, unit, called, zone, band, qty, rated, allowance, amount) = (
                row
            )
            sheet.write_row(index, 0, [sub or "", ident, ""])
            if start:
                sheet.write_datetime(index, 2, start, stamp)
            sheet.write_row(
                index,
                3,
                [utype or "", unit or "", called, zone, band, qty or 0, rated or 0, allowance or 0],
            )
            sheet.write_number(index, 11, float(amount or 0), money)
        if info["note"]:
            sheet.write_string(index + 2, 0, info["note"], bold)
        workbook.close()
        return buffer.getvalue()

    # -- delivery ---------------------------------------------------------------------------
    @api.model
    def _cron_telecom_send_invoices(self):
        """E-mail queued bill-run invoices, at most N per minute per company."""
        for company in self.env["res.company"].search([("id", "in", self.env.companies.ids)]):
            limit = max(1, company.telecom_invoice_mail_per_minute)
            recent = self.search_count(
                [
                    ("company_id", "=", company.id),
                    ("telecom_sent_at", ">=", fields.Datetime.now() - timedelta(minutes=1)),
                ]
            )
            budget = limit - recent
            if budget <= 0:
                continue
            # a few per transaction (the cron commits and calls again while some remain):
            # rendering a PDF takes a second or more, and 60 in one transaction held
            # those invoices locked for minutes (a balance read waited 89 s behind it)
            moves = self.search(
                [
                    ("company_id", "=", company.id),
                    ("telecom_send_state", "=", "to_send"),
                    ("state", "=", "posted"),
                ],
                order="id",
                limit=min(budget, SEND_BATCH),
            )
            if moves:
                moves.with_company(company)._telecom_send()
                self.env["ir.cron"]._notify_progress(
                    done=len(moves),
                    remaining=self.search_count(
                        [("company_id", "=", company.id), ("telecom_send_state", "=", "to_send")]
                    ),
                )

    def _telecom_send(self):
        """Render and e-mail these invoices with the telecom template.

        Odoo's own sending (``account.move.send``: the PDF, the template, the "sent"
        mark) for the whole batch at once; if one of them fails, one by one so the
        others still go and the failing one shows its error.
        """
        template = self.env.ref("telecom_billing.mail_template_telecom_invoice")
        sender = self.env["account.move.send"]
        now = fields.Datetime.now()
        sent = {"telecom_send_state": "sent", "telecom_sent_at": now, "telecom_send_error": False}
        try:
            with self.env.cr.savepoint():
                sender._generate_and_send_invoices(
                    self, sending_methods={"email"}, mail_template=template
                )
                self.write(sent)
            return
        except Exception:  # noqa: BLE001 - find the failing invoice below
            self.env.invalidate_all()
        for move in self:
            try:
                with self.env.cr.savepoint():
                    sender._generate_and_send_invoices(
                        move, sending_methods={"email"}, mail_template=template
                    )
                    move.write(sent)
            except Exception as exc:  # noqa: BLE001 - one bad address never stops the batch
                self.env.invalidate_all()
                move.write(
                    {
                        "telecom_send_state": "error",
                        "telecom_send_error": str(exc)[:250],
                        "telecom_sent_at": now,
                    }
                )

    def action_telecom_print_batch(self):
        """Print the invoices delivered by post (one PDF) and mark them printed."""
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        moves = self.filtered(lambda m: m.telecom_send_state == "to_print") or self.search(
            [("telecom_send_state", "=", "to_print"), ("company_id", "in", self.env.companies.ids)]
        )
        if not moves:
            raise UserError(_("No invoice is waiting to be printed."))
        moves.write({"telecom_send_state": "printed", "telecom_sent_at": fields.Datetime.now()})
        return self.env.ref("account.account_invoices").report_action(moves, config=False)

    def action_telecom_resend(self):
        self._telecom_check_groups(
            "telecom_crm.group_telecom_billing", "account.group_account_invoice"
        )
        self.filtered(lambda m: m.state == "posted" and m.telecom_kind == "bill").write(
            {"telecom_send_state": "to_send", "telecom_send_error": False}
        )
        return True
