# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing's side of the billing account: invoices, direct debit, credit notes.

Extension point ``_telecom_usage_locked_until()``: up to which date each account's
usage is closed (mediation rejects older usage).

Extension point ``_telecom_create_credit_note(lines, reason, origin)``: the one
way credits (disputes, goodwill, SLA credits) reach the customer; helpdesk
calls it for tickets. Dunning (levels, history, ``_telecom_dunning_excluded``)
is in ``telecom_dunning.py``.
"""

import math
from collections import defaultdict

from markupsafe import Markup
from stdnum import iban as stdnum_iban

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.telecom_crm.models.telecom_api import MAX_LONG_TEXT, MAX_NUMBER

from ..billrun import add_months, period_end, period_start
from ..engine.invoice_defaults import InvoiceDefaults


class CreditNoteSpec:
    """A credit note to write (the invoice writer's spec: header, lines, move type)."""

    __slots__ = ("account", "header", "invoice", "lines", "move_type", "reason")

    def __init__(self, account, header, lines, reason, invoice):
        self.account = account
        self.header = header
        self.lines = lines
        self.reason = reason
        self.invoice = invoice
        self.move_type = "out_refund"


def _telecom_error_text(exc):
    """The message of an exception, as a user reads it."""
    return str(exc.args[0]) if getattr(exc, "args", None) else str(exc)


class TelecomBillingAccount(models.Model):
    _inherit = "telecom.billing.account"

    mandate_id = fields.Many2one(
        "account.banking.mandate",
        string="Direct Debit Mandate",
        tracking=True,
        check_company=True,
        ondelete="restrict",
        domain="[('partner_id', 'child_of', payer_id), ('state', '=', 'valid')]",
        help="A valid SEPA mandate of the payer: the invoices of this account are then "
        "collected by direct debit.",
    )
    direct_debit = fields.Boolean(compute="_compute_direct_debit")
    next_bill_date = fields.Date(
        compute="_compute_next_bill_date",
        help="First day of the account's next billing period: the date of the bill run "
        "that invoices it next.",
    )
    invoice_ids = fields.One2many(
        "account.move", "telecom_billing_account_id", string="Invoices", readonly=True
    )
    invoice_count = fields.Integer(compute="_compute_invoice_stats")
    open_amount = fields.Monetary(
        compute="_compute_invoice_stats",
        help="What the account owes: residual of its posted invoices minus open credit notes.",
    )
    overdue_amount = fields.Monetary(compute="_compute_invoice_stats")
    telecom_pool_ids = fields.One2many(
        "telecom.allowance.pool",
        "billing_account_id",
        string="Shared Pool Sizes",
        help="The size of the account's pool of a shared allowance, stated here: it replaces "
        "the allowance's own pool size and the sum of the lines' grants.",
    )

    @api.depends("mandate_id.state")
    def _compute_direct_debit(self):
        for account in self:
            account.direct_debit = account.mandate_id.state == "valid"

    @api.depends("billing_day", "billing_period_months")
    @api.depends_context("date")
    def _compute_next_bill_date(self):
        today = fields.Date.to_date(self.env.context.get("date")) or fields.Date.context_today(self)
        for account in self:
            months = account.billing_period_months or 1
            start = period_start(today, min(max(account.billing_day or 1, 1), 28), months)
            account.next_bill_date = add_months(start, months)

    def _telecom_billing_period(self, day):
        """``(start, end)`` of this account's billing period holding ``day``."""
        self.ensure_one()
        months = self.billing_period_months or 1
        start = period_start(day, self.billing_day or 1, months)
        return start, period_end(start, months)

    def _compute_invoice_stats(self):
        stats = self._telecom_balances()
        for account in self:
            count, open_amount, overdue, _oldest = stats.get(account.id, (0, 0.0, 0.0, None))
            account.invoice_count = count
            account.open_amount = open_amount
            account.overdue_amount = overdue

    def _telecom_usage_locked_until(self):
        """Extension point: ``{account id: date}`` up to which usage is closed.

        Mediation rejects usage that started on or before this date (reason
        ``closed_period``), on top of the company's usage lock date. Bill runs
        override it with the end of the last invoiced period.
        """
        return {}

    def _telecom_balances(self, today=None):
        """{account id: (invoice count, open amount, overdue amount, oldest due date)}.

        Amounts in the account's currency (posted telecom invoices and credit notes;
        invoices on a direct debit order being collected are not overdue).
        """
        ids = [i for i in self.ids if i]
        if not ids:
            return {}
        today = today or fields.Date.context_today(self)
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT m.telecom_billing_account_id, COUNT(*),
                          COALESCE(SUM(m.amount_residual * CASE WHEN m.move_type = 'out_refund'
                                       THEN -1 ELSE 1 END)
                                   FILTER (WHERE m.state = 'posted'), 0),
                          COALESCE(SUM(m.amount_residual) FILTER (
                              WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
                                AND m.payment_state IN ('not_paid', 'partial')
                                AND m.invoice_date_due < %s AND NOT x.collecting), 0)
                          - COALESCE(SUM(m.amount_residual) FILTER (
                              WHERE m.state = 'posted' AND m.move_type = 'out_refund'
                                AND m.payment_state IN ('not_paid', 'partial')), 0),
                          MIN(m.invoice_date_due) FILTER (
                              WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
                                AND m.payment_state IN ('not_paid', 'partial')
                                AND m.invoice_date_due < %s AND NOT x.collecting)
                     FROM account_move m
                     -- on a direct debit order being collected: not overdue
                     CROSS JOIN LATERAL (
                          SELECT EXISTS (
                              SELECT 1 FROM account_payment_line pl
                                JOIN account_move_line l ON l.id = pl.move_line_id
                                JOIN account_payment_order o ON o.id = pl.order_id
                               WHERE l.move_id = m.id
                                 AND o.state IN ('draft', 'open', 'generated')) AS collecting) x
                    WHERE m.telecom_billing_account_id = ANY(%s)
                      AND m.move_type IN ('out_invoice', 'out_refund') AND m.state <> 'cancel'
                    GROUP BY m.telecom_billing_account_id""",
                today,
                today,
                ids,
            )
        )
        return {
            aid: (count, float(open_amount), max(float(overdue), 0.0), oldest)
            for aid, count, open_amount, overdue, oldest in self.env.cr.fetchall()
        }

    @api.constrains("mandate_id", "payer_id")
    def _check_mandate(self):
        for account in self:
            mandate = account.mandate_id
            if mandate and mandate.partner_id.commercial_partner_id != (
                account.payer_id.commercial_partner_id
            ):
                raise ValidationError(
                    _(
                        "%(account)s: the mandate %(mandate)s is not the payer's.",
                        account=account.name,
                        mandate=mandate.display_name,
                    )
                )

    # -- direct-debit mandates signed online -----------------------------------------
    def _telecom_pending_mandate(self):
        """The account's latest mandate signed online and waiting for the back
        office's check (draft), or an empty recordset: at most one may wait."""
        self.ensure_one()
        return self.env["account.banking.mandate"].search(
            [("telecom_billing_account_id", "=", self.id), ("state", "=", "draft")],
            order="id desc",
            limit=1,
        )

    @api.model
    def _telecom_masked_iban(self, number):
        """An IBAN as shown to customers and integrators: ``BE71 **** 6769``."""
        number = (number or "").replace(" ", "")
        if len(number) < 8:
            return number
        return f"{number[:4]} **** {number[-4:]}"

    def _telecom_sign_mandate(self, iban, holder=None, signature_date=None, signed_by=None):
        """Record the SEPA mandate the payer signed online for this account.

        ``iban`` (spaces allowed), ``holder`` (account holder name), ``signature_date``
        (a date, default today), ``signed_by`` (who signed, for the chatter). Creates
        the payer's bank account when it is new and an OCA mandate (recurrent, CORE
        for people, B2B for companies) remembering this account; validated at once
        when the company says so, else draft until the back office validates it.
        Called on the account as the system by the portal and the RPC method once they
        checked who asks; refuses a closed account, an invalid IBAN, a date ahead and
        a second mandate waiting for its check. Returns the mandate.
        """
        self.ensure_one()
        number = stdnum_iban.compact(iban or "") if isinstance(iban, str) else ""
        if self.state == "closed":
            raise UserError(_("%(account)s is closed.", account=self.name))
        if not stdnum_iban.is_valid(number):
            raise UserError(_("%(iban)s is not a valid IBAN.", iban=number or iban or "-"))
        today = fields.Date.context_today(self)
        signed = fields.Date.to_date(signature_date) if signature_date else today
        if signed > today:
            raise UserError(_("A mandate cannot be signed in the future."))
        Mandate = self.env["account.banking.mandate"]
        if self._telecom_pending_mandate():
            raise UserError(
                _("A mandate for %(account)s is already being checked.", account=self.name)
            )
        payer = self.payer_id.commercial_partner_id
        Bank = self.env["res.partner.bank"].with_company(self.company_id)
        bank = Bank.with_context(active_test=False).search(
            [("sanitized_acc_number", "=", number), ("partner_id", "child_of", payer.id)],
            limit=1,
        )
        if bank and not bank.active:
            bank.active = True
        if not bank:
            bank = Bank.create(
                {
                    "acc_number": number,
                    "partner_id": payer.id,
                    "acc_holder_name": (holder or "").strip() or False,
                    "allow_out_payment": False,
                }
            )
        mandate = Mandate.with_company(self.company_id).create(
            {
                "partner_bank_id": bank.id,
                "company_id": self.company_id.id,
                "signature_date": signed,
                "format": "sepa",
                "type": "recurrent",
                "recurrent_sequence_type": "first",
                "scheme": "B2B" if payer.is_company else "CORE",
                "telecom_billing_account_id": self.id,
            }
        )
        who = signed_by or self.env.user.name
        mandate.message_post(body=_("Signed online by %(who)s.", who=who))
        if self.company_id.telecom_mandate_auto_validate:
            mandate.validate()
        else:
            self.message_post(
                body=_(
                    "Direct-debit mandate %(ref)s signed online by %(who)s: to be checked "
                    "and validated.",
                    ref=mandate.unique_mandate_reference,
                    who=who,
                )
            )
        return mandate

    def _telecom_revoke_mandate(self, revoked_by=None):
        """Cancel the account's mandate in force (the customer revoked it): its next
        invoices are paid otherwise. Returns the mandate."""
        self.ensure_one()
        mandate = self.mandate_id
        if not mandate or mandate.state != "valid":
            raise UserError(_("%(account)s has no mandate in force.", account=self.name))
        who = revoked_by or self.env.user.name
        mandate.cancel()
        mandate.message_post(body=_("Revoked by %(who)s.", who=who))
        self.message_post(
            body=_(
                "Direct-debit mandate %(ref)s revoked by %(who)s.",
                ref=mandate.unique_mandate_reference,
                who=who,
            )
        )
        return mandate

    # -- actions ----------------------------------------------------------------------
    def action_view_invoices(self):
        self._telecom_check_groups(
            "account.group_account_invoice", "account.group_account_readonly"
        )
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("telecom_billing_account_id", "=", self.id)]
        action["context"] = {"create": False, "default_move_type": "out_invoice"}
        return action

    def action_open_credit_note_wizard(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Credit Note"),
            "res_model": "telecom.credit.note.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_billing_account_id": self.id},
        }

    # -- extension point: credit notes ----------------------------------------------------
    @api.model
    @api.model
    def _telecom_credit_origin_models(self):
        """Models a credit's origin may name as ``'model,id'`` text (RPC, wizard):
        ``{model: path to the record's customer}``."""
        return {
            "telecom.subscription": "partner_id",
            "telecom.usage.record": "billing_account_id.partner_id",
            "account.move": "commercial_partner_id",
        }

    def _telecom_origin_reference(self, origin):
        """('model,id' or free text, display name) of a credit's origin.

        A record passed by code is trusted. Text naming a record (``'model,id'``,
        from RPC or a form) may only name one of ``_telecom_credit_origin_models``
        that the caller may read, of this account's customer; other text is a free
        reference.
        """
        if not origin:
            return False, False
        if isinstance(origin, models.BaseModel):
            origin.ensure_one()
            return f"{origin._name},{origin.id}", origin.display_name
        text = str(origin)
        if len(text) > 256:
            raise ValidationError(_("The origin is a reference of at most 256 characters."))
        model, sep, rec_id = text.partition(",")
        if sep and model.strip() in self.env:
            model = model.strip()
            allowed = self._telecom_credit_origin_models()
            if model not in allowed or not rec_id.strip().isdigit():
                raise ValidationError(
                    _(
                        "The origin %(origin)s names a record a credit cannot answer: give a "
                        "%(models)s as 'model,id', or a free reference.",
                        origin=text,
                        models=", ".join(sorted(allowed)),
                    )
                )
            record = self.env[model].browse(int(rec_id)).exists()
            if not record:
                raise ValidationError(_("The origin %(origin)s does not exist.", origin=text))
            record.check_access("read")
            customer = record.sudo().mapped(allowed[model]).commercial_partner_id
            if customer != self.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "The origin %(origin)s is not a record of %(account)s's customer.",
                        origin=text,
                        account=self.name,
                    )
                )
            return f"{model},{record.id}", record.display_name
        return text, text

    def _telecom_create_credit_note(self, lines, reason, origin=None, invoice=None, post=True):
        """Credit the customer: a posted credit note (``account.move`` out_refund).

        :param lines: list of dicts: ``description`` (required), ``amount`` (the
            credit, positive, tax excluded), optional ``product_id`` (its taxes
            apply; default "Credit"), ``quantity`` (1), ``subscription_id``,
            ``usage_record_ids`` (the usage a dispute is about).
        :param reason: a ``telecom.reason.code`` of kind credit or dispute (record,
            id or code).
        :param origin: what the credit answers: a record (helpdesk ticket, usage
            record...), a ``'model,id'`` string or a free reference.
        :param invoice: the invoice credited (optional): the credit note is its
            reversal and is reconciled with it while it is open.
        :return: the credit note.

        Bad input raises (``UserError``, ``ValidationError``); many credit notes at
        once go through ``_telecom_create_credit_notes``.
        """
        self.ensure_one()
        spec = self._telecom_credit_note_spec(lines, reason, origin=origin, invoice=invoice)
        return self._telecom_write_credit_notes([spec], post=post)

    @api.model
    def _telecom_create_credit_notes(self, requests, post=True, log=True):
        """Many credit notes at once (an outage's SLA credits, a dispute over several
        invoices), through the bill runs' invoice writer and poster: a bounded number
        of queries per batch, not per credit note.

        :param requests: list of dicts ``account`` (a billing account), ``lines``,
            ``reason``, optional ``origin`` and ``invoice``, as
            ``_telecom_create_credit_note`` takes them.
        :param log: note each credit note in its billing account's chatter (``False``
            when the caller records the batch itself: an outage's thousands of SLA
            credits are listed on the outage, a note per account would double the
            cost of issuing them).
        :return: ``(moves, errors)``: the credit note of each request in their order
            (an empty recordset for a request that failed) and ``{request index:
            message}``. A request with bad input, or whose credit note cannot be
            written, is reported and the others go on (each is then written alone,
            in its own savepoint, as bill runs isolate a failing account).
        """
        Move = self.env["account.move"]
        specs, errors, defaults = [], {}, {}
        self._telecom_prime_credit_requests(requests, defaults)
        for index, request in enumerate(requests):
            try:
                account = request["account"]
                account.ensure_one()
                company = account.company_id
                if company not in defaults:
                    defaults[company] = InvoiceDefaults(self.env, company)
                spec = account._telecom_credit_note_spec(
                    request.get("lines"),
                    request.get("reason"),
                    origin=request.get("origin"),
                    invoice=request.get("invoice"),
                    defaults=defaults[company],
                )
            except (UserError, ValidationError, KeyError, ValueError) as exc:
                errors[index] = _telecom_error_text(exc)
                continue
            specs.append((index, spec))
        moves = [Move] * len(requests)
        if not specs:
            return moves, errors
        try:
            with self.env.cr.savepoint():
                written = self._telecom_write_credit_notes(
                    [spec for _i, spec in specs], post, log=log
                )
            for (index, _spec), move in zip(specs, written, strict=True):
                moves[index] = move
            return moves, errors
        except Exception:  # noqa: BLE001 - isolate the failing credit note below
            self.env.invalidate_all()
        for index, spec in specs:
            try:
                with self.env.cr.savepoint():
                    moves[index] = self._telecom_write_credit_notes([spec], post, log=log)
            except Exception as exc:  # noqa: BLE001 - reported, the others go on
                self.env.invalidate_all()
                errors[index] = _telecom_error_text(exc)
        return moves, errors

    @api.model
    def _telecom_prime_credit_requests(self, requests, defaults):
        """Read the accounts, products, subscriptions and usage records of many
        requests at once (``defaults``: {company: InvoiceDefaults}, filled here)."""
        accounts = self.browse()
        wanted = defaultdict(set)
        for request in requests:
            account = request.get("account") if isinstance(request, dict) else None
            if not isinstance(account, models.BaseModel) or account._name != self._name:
                continue
            accounts |= account
            for line in request.get("lines") or ():
                if not isinstance(line, dict):
                    continue
                for key, model in (
                    ("product_id", "product.product"),
                    ("subscription_id", "telecom.subscription"),
                ):
                    if line.get(key):
                        wanted[model].add(line[key])
                usage = line.get("usage_record_ids")
                if isinstance(usage, list | tuple):
                    wanted["telecom.usage.record"].update(usage)
        accounts.fetch(
            ["company_id", "currency_id", "invoice_partner_id", "payer_id", "payment_term_id"]
        )
        (accounts.invoice_partner_id | accounts.payer_id).fetch(["property_account_position_id"])
        for company in accounts.company_id:
            found = defaults[company] = InvoiceDefaults(self.env, company)
            for model, ids in wanted.items():
                found.prime(model, ids)

    def _telecom_credit_note_spec(self, lines, reason, origin=None, invoice=None, defaults=None):
        """Check a credit note's input and prepare it for the invoice writer.
        ``defaults``: the batch's ``InvoiceDefaults`` (fiscal positions, taxes and
        accounts read once for many credit notes of a company)."""
        self.ensure_one()
        if not self.env["account.move"].has_access("create"):
            raise UserError(_("Creating credit notes needs the invoicing rights."))
        reason = self._telecom_credit_reason(reason)
        if not lines or not isinstance(lines, list | tuple):
            raise ValidationError(_("A credit note needs at least one line."))
        origin_ref, origin_name = self._telecom_origin_reference(origin)
        invoice = self._telecom_credited_invoice(invoice)
        company = self.company_id
        if defaults is None or defaults.company != company:
            defaults = InvoiceDefaults(self.env, company)
        partner = self.invoice_partner_id or self.payer_id
        fpos = defaults.fiscal_position(partner, self.fiscal_position_id.id)
        line_vals = [self._telecom_credit_line(vals, fpos, defaults) for vals in lines]
        for index, vals in enumerate(line_vals, start=1):
            vals["sequence"] = index * 10
        header = {
            "move_type": "out_refund",
            "partner_id": partner.id,
            "currency_id": self.currency_id.id,
            "company_id": company.id,
            "journal_id": defaults.journal.id,
            "invoice_date": fields.Date.context_today(self),
            "fiscal_position_id": fpos.id or False,
            "invoice_payment_term_id": self.payment_term_id.id or False,
            "ref": _(
                "%(reason)s: %(origin)s",
                reason=reason.name,
                origin=origin_name or self.name,
            ),
            "invoice_origin": origin_name or False,
            "reversed_entry_id": invoice.id or False,
            "telecom_billing_account_id": self.id,
            "telecom_kind": "credit",
            "telecom_reason_code_id": reason.id,
            "telecom_origin": origin_ref,
            "telecom_origin_name": origin_name,
        }
        if not header["invoice_payment_term_id"]:
            # no payment terms: due on its date (Odoo's own default for a credit note)
            header["invoice_date_due"] = header["invoice_date"]
        return CreditNoteSpec(self, header, line_vals, reason, invoice)

    @api.model
    def _telecom_write_credit_notes(self, specs, post=True, log=True):
        """Write (and post) the credit notes of ``specs`` together; returns them in
        their order. The invoice writer of bill runs (fast, or Odoo's own creation and
        posting when the company's *Fast Invoice Writer* is off)."""
        Move = self.env["account.move"]
        by_company = {}
        for position, spec in enumerate(specs):
            by_company.setdefault(spec.account.company_id, []).append((position, spec))
        out = [Move] * len(specs)
        for company, items in by_company.items():
            writer = self.env["telecom.invoice.writer"].with_company(company)
            fast = company.telecom_billrun_fast
            written = writer._telecom_write([spec for _p, spec in items], fast=fast)
            moves = Move.browse([move_id for move_id, _lines in written])
            if post:
                writer._telecom_post(moves, fast=fast)
            for (position, _spec), (move_id, _lines) in zip(items, written, strict=True):
                out[position] = Move.browse(move_id)
        moves = Move.browse([move.id for move in out])
        if post:
            self._telecom_reconcile_credit_notes(specs, out)
        if log:
            self._telecom_log_credit_notes(specs, out)
        return moves

    @api.model
    def _telecom_reconcile_credit_notes(self, specs, moves):
        """A credit note of an open invoice pays it (reconciled with it)."""
        for spec, move in zip(specs, moves, strict=True):
            invoice = spec.invoice
            if (
                invoice
                and invoice.state == "posted"
                and invoice.payment_state in ("not_paid", "partial")
            ):
                (invoice.line_ids | move.line_ids).filtered(
                    lambda line: (
                        line.account_id.account_type == "asset_receivable" and not line.reconciled
                    )
                ).reconcile()

    @api.model
    def _telecom_log_credit_notes(self, specs, moves):
        """One note per billing account in its chatter (one query for the batch)."""
        bodies = {}
        for spec, move in zip(specs, moves, strict=True):
            text = _(
                "Credit note %(move)s (%(reason)s): %(amount)s %(currency)s.",
                move=move.name or "",
                reason=spec.reason.name,
                amount=move.amount_total,
                currency=move.currency_id.name,
            )
            account = spec.account
            bodies[account.id] = (
                bodies[account.id] + Markup("<br/>") + text
                if account.id in bodies
                else Markup("%s") % text
            )
        accounts = self.browse(list(bodies))
        accounts._message_log_batch(bodies=bodies)

    @api.model
    def _telecom_credit_reason(self, reason):
        Reason = self.env["telecom.reason.code"]
        if isinstance(reason, models.BaseModel):
            found = reason
        elif isinstance(reason, int) and not isinstance(reason, bool):
            found = Reason.browse(reason).exists()
        elif isinstance(reason, str) and reason:
            found = Reason.search([("code", "=", reason)], limit=1)
        else:
            found = Reason
        if len(found) != 1 or found.kind not in ("credit", "dispute"):
            raise ValidationError(
                _("%(reason)s is not a credit or dispute reason code.", reason=reason)
            )
        return found

    def _telecom_credited_invoice(self, invoice):
        if not invoice:
            return self.env["account.move"]
        if not isinstance(invoice, models.BaseModel):
            invoice = self.env["account.move"].browse(int(invoice)).exists()
        if (
            len(invoice) != 1
            or invoice.move_type != "out_invoice"
            or invoice.telecom_billing_account_id != self
        ):
            raise ValidationError(
                _("The credited invoice must be an invoice of %(account)s.", account=self.name)
            )
        return invoice

    def _telecom_credit_line(self, vals, fpos, defaults):
        if not isinstance(vals, dict):
            raise ValidationError(_("Each credit line is a dict."))
        unknown = set(vals) - {
            "description",
            "amount",
            "product_id",
            "quantity",
            "subscription_id",
            "usage_record_ids",
        }
        if unknown:
            raise ValidationError(
                _("Unknown credit line keys: %(keys)s.", keys=", ".join(sorted(unknown)))
            )
        description = (vals.get("description") or "").strip()
        if not description:
            raise ValidationError(_("Each credit line needs a description."))
        if len(description) > MAX_LONG_TEXT:
            raise ValidationError(
                _("A credit line's description has at most %(max)s characters.", max=MAX_LONG_TEXT)
            )
        try:
            amount = float(vals.get("amount"))
            quantity = float(vals.get("quantity") or 1.0)
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                _("%(line)s: the amount must be a number.", line=description)
            ) from exc
        if not (math.isfinite(amount) and math.isfinite(quantity)):
            raise ValidationError(
                _("%(line)s: the amount and quantity must be finite numbers.", line=description)
            )
        if amount <= 0 or quantity <= 0:
            raise ValidationError(_("%(line)s: a credit is a positive amount.", line=description))
        if amount * quantity > MAX_NUMBER:
            raise ValidationError(
                _("%(line)s: a credit of more than %(max)s is a mistake.", line=description,
                  max=MAX_NUMBER)
            )  # fmt: skip
        product = self.env["product.product"]
        if vals.get("product_id"):
            product = defaults.existing("product.product", [vals["product_id"]])
            if not product:
                raise ValidationError(_("%(line)s: unknown product.", line=description))
        product = product or defaults.ref("telecom_billing.product_telecom_credit")
        taxes, income = defaults.taxes_and_account(product, fpos)
        subscription = self.env["telecom.subscription"]
        if vals.get("subscription_id"):
            subscription = defaults.existing("telecom.subscription", [vals["subscription_id"]])
            if subscription.billing_account_id != self:
                raise ValidationError(
                    _(
                        "%(line)s: the subscription is not on %(account)s.",
                        line=description,
                        account=self.name,
                    )
                )
        usage = self.env["telecom.usage.record"]
        if vals.get("usage_record_ids"):
            usage = defaults.existing("telecom.usage.record", vals["usage_record_ids"])
            if usage.filtered(lambda u: u.billing_account_id != self):
                raise ValidationError(
                    _("%(line)s: usage records of another account.", line=description)
                )
        return {
            "display_type": "product",
            "name": description,
            "product_id": product.id,
            "quantity": quantity,
            "price_unit": amount,
            "tax_ids": taxes,
            "account_id": income,
            "telecom_section": "adjustment",
            "telecom_subscription_id": subscription.id or False,
            "telecom_usage_record_ids": usage,
        }

    # -- direct debit -----------------------------------------------------------------------
    @api.model
    def _telecom_add_to_debit_order(self, moves):
        """Add posted invoices with a direct debit payment mode to a draft payment order.

        Returns the (first) payment order. Invoices already on an order are skipped.
        """
        moves = moves.filtered(
            lambda m: (
                m.state == "posted"
                and m.payment_mode_id.payment_order_ok
                and not m.line_ids.payment_line_ids
            )
        )
        if not moves:
            return self.env["account.payment.order"]
        moves.with_context(tracking_disable=True).create_account_payment_line()
        return moves.line_ids.payment_line_ids.order_id[:1]
