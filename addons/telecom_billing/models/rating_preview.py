# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rating preview: price a hypothetical (or stored) record, step by step, changing nothing.

Plain functions used by ``telecom.subscription``, ``telecom.api`` and the preview wizard.
"""

from datetime import datetime, timezone

from odoo.exceptions import ValidationError

from ..engine.rating_session import RatingSession, to_epoch
from ..rating import UsageRecord, mediation
from ..rating.timebands import TimeZone

#: the largest quantity a preview prices (seconds, bytes or count): a petabyte
MAX_PREVIEW_QUANTITY = 10**15


def parse_moment(env, value):
    """A naive UTC datetime from an ISO-8601 string or a datetime (RPC-friendly)."""
    _ = env._
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ValidationError(_("A start time is required (ISO-8601)."))
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValidationError(
                _("%(value)s is not an ISO-8601 date and time.", value=text)
            ) from exc
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def explain_steps(steps, rec):
    """Plain-data explanation of :meth:`RatingEngine.explain`'s trace."""
    out = []
    for step in steps:
        kind, *args = step
        if kind == "local_time":
            local, tz, offset = args
            moment = datetime.fromtimestamp(local, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
            out.append(
                {
                    "step": "local_time",
                    "text": f"local time {moment} ({tz}, UTC{offset / 3600:+g}h)",
                }
            )
        elif kind == "period_start":
            out.append({"step": "period", "text": f"billing period from {args[0]}"})
        elif kind == "tariff":
            out.append({"step": "tariff", "text": f"tariff {args[0]}, version {args[1]}"})
        elif kind == "zone":
            zone = args[0]
            out.append(
                {
                    "step": "zone",
                    "text": f"zone {zone.code} ({zone.zone_class})" if zone else "no zone",
                }
            )
        elif kind == "band":
            out.append({"step": "band", "text": f"band at start: {args[0]}"})
        elif kind == "price_line":
            out.append({"step": "price", "text": str(args[0]) if args[0] else "no price"})
        elif kind == "increments":
            q, first, nxt, rated = args
            out.append(
                {"step": "increments", "text": f"{q} -> {rated} with increments {first}/{nxt}"}
            )
        elif kind == "allowance":
            covered, detail = args
            parts = ", ".join(
                f"{units} from {b.scope} {b.allowance.usage_type} balance"
                f"{' (rollover)' if b.generation else ''}"
                for b, units in detail
            )
            out.append(
                {"step": "allowance", "text": f"{covered} from allowances" + (
                    f": {parts}" if parts else "")}
            )  # fmt: skip
        elif kind == "charge":
            band, lo, hi, units_price = args
            out.append(
                {"step": "charge", "text": f"units {lo}-{hi} in band {band}: {units_price} "
                 "(before the price unit division)"}
            )  # fmt: skip
        elif kind == "connection_fee":
            out.append({"step": "fee", "text": f"connection fee {args[0]}"})
        elif kind == "minimum":
            out.append({"step": "minimum", "text": f"minimum charge {args[0]}"})
        elif kind == "exact":
            out.append({"step": "exact", "text": f"exact amount {args[0]}"})
        elif kind == "rounded":
            amount, rounding = args
            out.append(
                {
                    "step": "rounded",
                    "text": f"rounded to {amount} ({rounding.precision} decimals, "
                    f"{rounding.method})",
                }
            )
    if rec.state != "rated":
        out.append({"step": "result", "text": f"{rec.state}: {rec.reason}"})
    return out


def rate_preview(env, subscription, usage_type, start_time, quantity, called_number=None,
                 direction="out", location=None, allowance_quantity=None):  # fmt: skip
    """Price a hypothetical record for a subscription; returns plain data.

    Allowances are read (current balances) but never consumed; nothing is written.
    """
    _ = env._
    subscription.ensure_one()
    session = RatingSession(env, subscription.company_id, persist=False)
    utype = session.usage_types.get(usage_type)
    if utype is None:
        raise ValidationError(_("Unknown usage type %(code)s.", code=usage_type))
    try:
        quantity = int(quantity)
    except (TypeError, ValueError, OverflowError) as exc:  # "x", None, NaN, Infinity
        raise ValidationError(_("The quantity must be a whole number.")) from exc
    if quantity < 0:
        raise ValidationError(_("The quantity cannot be negative."))
    if quantity > MAX_PREVIEW_QUANTITY:
        raise ValidationError(
            _("The quantity is absurd: at most %(max)s.", max=MAX_PREVIEW_QUANTITY)
        )
    if direction not in ("out", "in"):
        raise ValidationError(_("The direction is 'out' or 'in'."))
    number = None
    if called_number:
        number = mediation.normalize_number(str(called_number))
        if number is None:
            raise ValidationError(_("%(number)s is not an E.164 number.", number=called_number))
    loc = None
    if location:
        loc = mediation.normalize_location(str(location))
        if loc is None:
            raise ValidationError(_("%(loc)s is not a country code.", loc=location))
    moment = parse_moment(env, start_time)
    sub = session.subscriber(subscription)
    rec = UsageRecord(
        record_id="preview",
        usage_type=utype.code,
        start=to_epoch(moment),
        quantity=quantity,
        direction=direction,
        called_number=number,
        location=loc,
        sub=sub,
    )
    session.engine.locate(rec)
    if allowance_quantity is None:
        session.store.prepare({(sub, rec.period_start)})
    steps = []
    session.engine.rate(rec, trace=steps, dry_run=True, covered=allowance_quantity)
    version = rec.version
    currency = env["res.currency"].browse(version.currency) if version else None
    return {
        "subscription": subscription.name,
        "usage_type": utype.code,
        "start_time": moment.isoformat(),
        "local_time": datetime.fromtimestamp(
            rec.start + TimeZone.get(sub.tz.name).offset(rec.start), timezone.utc
        )
        .replace(tzinfo=None)
        .isoformat(),
        "state": rec.state if rec.state != "accepted" else "rated",
        "reason": rec.reason,
        "zone": rec.zone.code if rec.zone else None,
        "zone_class": rec.zone.zone_class if rec.zone else None,
        "time_band": rec.band,
        "quantity": quantity,
        "rated_quantity": rec.rated_quantity,
        "allowance_quantity": rec.allowance_quantity,
        "amount": str(rec.amount),
        "currency": currency.name if currency else None,
        "tariff": version.tariff_code if version else None,
        "tariff_version_id": version.id if version else None,
        "period_start": rec.period_start.isoformat() if rec.period_start else None,
        "steps": explain_steps(steps, rec),
    }
