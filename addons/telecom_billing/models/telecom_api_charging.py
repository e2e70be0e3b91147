# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC of charging (docs/rpc.md): usage records in (``import_usage``, rated at once
through mediation) and the price of a hypothetical record (``rate_preview``)."""

from odoo import _, api, models
from odoo.exceptions import AccessError, ValidationError

from ..rating import mediation

MAX_RPC_RECORDS = 100_000


def plain(value):
    """XML-RPC has no None: missing values are False (as in the rest of telecom.api)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return False if value is None else value


class TelecomApi(models.AbstractModel):
    _inherit = "telecom.api"

    @api.model
    def _telecom_usage_source(self, source):
        Source = self.env["telecom.mediation.source"]
        if isinstance(source, int) and not isinstance(source, bool):
            found = Source.browse(source).exists()
        else:
            found = Source.search([("code", "=", str(source or ""))], limit=1)
        if not found:
            raise ValidationError(_("Unknown mediation source %(code)s.", code=source))
        return found

    @api.model
    def import_usage(self, source, records, batch_ref=None, request_id=None):
        """Import usage records; returns the batch's reconciliation report.

        ``source``: a mediation source code or id. ``records``: a list of dicts
        with the canonical columns (``record_id``, ``subscriber``, ``usage_type``,
        ``start_time`` ISO-8601, ``quantity``, optional ``direction``,
        ``called_number``, ``location``). Invalid records are rejected one by one
        with a reason (in the report counts), never the whole call. Safe to retry:
        the same ``batch_ref`` (or, without one, the same records) returns the
        first call's report, and a record id is never charged twice. ``request_id``
        is accepted as another name of ``batch_ref``.
        """
        batch_ref = batch_ref or request_id
        if not self.env["telecom.mediation.batch"].has_access("create"):
            raise AccessError(_("Importing usage needs the Billing rights."))
        source = self._telecom_usage_source(source)
        if not isinstance(records, list | tuple) or not records:
            raise ValidationError(_("records must be a non-empty list of dicts."))
        if len(records) > MAX_RPC_RECORDS:
            raise ValidationError(
                _("At most %(max)s records per call; send files for more.", max=MAX_RPC_RECORDS)
            )
        allowed = set(mediation.CANONICAL_COLUMNS)
        for index, record in enumerate(records):
            if not isinstance(record, dict):
                raise ValidationError(_("Record %(i)s is not a dict.", i=index))
            unknown = set(record) - allowed
            if unknown:
                raise ValidationError(
                    _(
                        "Record %(i)s has unknown field(s) %(fields)s; the fields are %(known)s.",
                        i=index,
                        fields=", ".join(sorted(map(str, unknown))),
                        known=", ".join(mediation.CANONICAL_COLUMNS),
                    )
                )
        if batch_ref is not None and not isinstance(batch_ref, str):
            raise ValidationError(_("batch_ref must be a string."))
        if batch_ref is not None and len(batch_ref) > 128:
            raise ValidationError(_("batch_ref has at most 128 characters."))
        data = mediation.records_to_csv(records).encode("utf-8")
        batch = self.env["telecom.mediation.batch"]._import_data(
            source.with_company(source.company_id),
            data,
            f"rpc-{batch_ref or 'call'}.csv",
            origin="rpc",
            rpc_ref=batch_ref or None,
        )
        return plain(batch._report())

    @api.model
    def rate_preview(self, subscription, usage_type, start_time, quantity, called_number=None,
                     direction="out", location=None):  # fmt: skip
        """Price a hypothetical usage record for a subscription (nothing is stored).

        ``subscription``: id, name (S0000123) or phone number; ``usage_type``: code;
        ``start_time``: ISO-8601; ``quantity``: seconds, bytes or count. Returns
        the zone, band, rated quantity, allowance units that would be used, the
        amount (a string, exact) and the steps of the calculation.
        """
        self._api_check_user()
        Sub = self.env["telecom.subscription"]
        if isinstance(subscription, int) and not isinstance(subscription, bool):
            sub = Sub.browse(subscription).exists()
        else:
            text = str(subscription or "")
            sub = Sub.search(["|", ("name", "=", text), ("phone_number", "=", text)], limit=1)
        if not sub:
            raise ValidationError(_("Unknown subscription %(sub)s.", sub=subscription))
        sub.check_access("read")
        return plain(
            Sub._telecom_rate_preview(
                sub,
                str(usage_type or ""),
                start_time,
                quantity,
                called_number=called_number or None,
                direction=direction or "out",
                location=location or None,
            )
        )
