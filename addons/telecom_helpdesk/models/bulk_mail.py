# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Post one public message on each of many records, in a bounded number of queries.

``record.message_post(message_type="comment", subtype_xmlid="mail.mt_comment",
partner_ids=..., email_layout_xmlid=...)`` costs about 15 queries per record: the
author, the alias domain, the company, the reply-to, the parent message and the
e-mail ancestors are read one record at a time, the message, its e-mail and its
notifications are created one by one. An outage notifies thousands of customers at
once: ``BulkNotifier`` stores the same messages, e-mails (queued: the mail queue
sends them at its own pace) and notifications, with Odoo's own helpers for every
value (recipients, rendering context, groups and layout), reading and writing for
the whole batch at a time. ``tests/test_outage.py`` compares it with
``message_post``.

What differs from ``message_post``: the author is not subscribed to each record (a
job notifying thousands of customers would make its user follow every ticket), and
nothing is sent at once (``mail_notify_force_send`` off: the queue sends).
"""

import uuid

from lxml import html
from markupsafe import Markup, escape

from odoo.tools import SQL, clean_context, safe_eval

# message types Odoo prefers as e-mail ancestors (mail.thread._notify_by_email_get_base_mail_values)
OUTGOING_TYPES = ("comment", "auto_comment", "email", "email_outgoing")


class BulkNotifier:
    """``message_post`` of a public comment on each record of ``records``."""

    def __init__(self, records, email_layout_xmlid=None):
        # nothing sent now (the mail queue sends); no tracking of the partners the
        # portal links write (auth_signup's signup type, one write per customer)
        self.records = records.with_context(
            mail_notify_force_send=False, tracking_disable=True
        )._fallback_lang()
        self.env = self.records.env
        self.layout = email_layout_xmlid

    def post(self, bodies, subjects, partner_ids):
        """``bodies``, ``subjects``: {record id: value}; ``partner_ids``: {record id:
        [partner ids]} (the recipients of each record, besides its followers).
        Returns the messages, in the order of the records."""
        records = self.records
        if not records:
            return self.env["mail.message"]
        env = self.env
        subtype_id = env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        author_id, email_from = records[:1]._message_compute_author(None, None)
        records_sudo = records.sudo()
        names = {record.id: record.display_name for record in records_sudo}
        domains = records_sudo._mail_get_alias_domains(default_company=env.company)
        companies = records._mail_get_companies(default=env.company)
        reply_to = records._notify_get_reply_to(default=email_from)
        parents = self._parents() if records._mail_flat_thread else {}
        values_list = []
        for record in records:
            values_list.append(
                {
                    "email_add_signature": True,
                    "record_name": names[record.id],
                    "author_id": author_id,
                    "author_guest_id": False,
                    "email_from": email_from,
                    "model": records._name,
                    "res_id": record.id,
                    "body": escape(bodies[record.id]),
                    "message_type": "comment",
                    "parent_id": parents.get(record.id, False),
                    "subject": subjects.get(record.id) or False,
                    "subtype_id": subtype_id,
                    "partner_ids": list(partner_ids.get(record.id) or []),
                    "record_alias_domain_id": domains[record.id].id,
                    "record_company_id": companies[record.id].id,
                    "reply_to": reply_to[record.id],
                    "email_layout_xmlid": self.layout or False,
                }
            )
        messages = records._message_create(values_list)
        for record, message, values in zip(records, messages, values_list, strict=True):
            record._message_post_after_hook(message, values)
        self._notify(messages, values_list)
        return messages

    # -- reading -----------------------------------------------------------------------
    def _parents(self):
        """{record id: its first message}: message_post's parent (flat threads)."""
        self.env["mail.message"].flush_model(["model", "res_id", "message_type"])
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (res_id) res_id, id FROM mail_message
                    WHERE model = %s AND res_id = ANY(%s)
                      AND message_type != 'user_notification'
                    ORDER BY res_id, id""",
                self.records._name,
                self.records.ids,
            )
        )
        return dict(self.env.cr.fetchall())

    def _ancestors(self, messages):
        """{message id: [earlier messages]}: the 32 latest messages of each record with
        a subtype and a Message-Id, as _notify_by_email_get_base_mail_values reads them
        (one query for all records)."""
        Message = self.env["mail.message"].sudo()
        Message.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT m.id, a.id FROM unnest(%s::int[], %s::int[]) AS m(id, res_id)
                     CROSS JOIN LATERAL (
                          SELECT a.id FROM mail_message a
                           WHERE a.model = %s AND a.res_id = m.res_id AND a.id != m.id
                             AND a.subtype_id IS NOT NULL AND a.message_id IS NOT NULL
                           ORDER BY a.id DESC LIMIT 32) a""",
                messages.ids,
                [m.res_id for m in messages],
                self.records._name,
            )
        )
        ancestors = {}
        for message_id, ancestor_id in self.env.cr.fetchall():
            ancestors.setdefault(message_id, []).append(ancestor_id)
        everything = Message.browse({a for ids in ancestors.values() for a in ids})
        everything.fetch(["message_type", "is_internal", "subtype_id", "message_id"])
        everything.subtype_id.fetch(["internal"])
        return {mid: Message.browse(ids) for mid, ids in ancestors.items()}

    def _recipients(self, messages, values_list):
        """[recipients data] of each message, as _notify_get_recipients computes them:
        the followers of the record who follow the subtype, and the message's own
        partners; never the author, nor an inactive partner."""
        records = self.records
        Followers = self.env["mail.followers"]
        subtype_id = values_list[0]["subtype_id"]
        followers = Followers._get_recipient_data(records, "comment", subtype_id)
        pids = sorted({pid for values in values_list for pid in values["partner_ids"]})
        direct = Followers._get_recipient_data(None, "comment", False, pids=pids)[0] if pids else {}
        user = self.env.user
        author = user.partner_id.id if user.active else values_list[0]["author_id"]
        out = []
        for values in values_list:
            data = dict(followers.get(values["res_id"], {}))
            for pid in values["partner_ids"]:
                if pid not in data and pid in direct:
                    data[pid] = direct[pid]
            out.append(
                [
                    pdata
                    for pid, pdata in data.items()
                    if not (pid and pid == author) and pdata["active"] is not False
                ]
            )
        return out

    # -- notifying ---------------------------------------------------------------------
    def _notify(self, messages, values_list):
        env = self.env
        records = self.records
        recipients = self._recipients(messages, values_list)
        # the customers' portal links carry the record's token: set the missing ones at once
        if "access_token" in records._fields:
            ensure_tokens(records.sudo())
        emailed = [
            (record, message, values, [r for r in data if r["notif"] == "email"])
            for record, message, values, data in zip(
                records, messages, values_list, recipients, strict=True
            )
        ]
        emailed = [item for item in emailed if item[3]]
        # internal followers reading their inbox: Odoo's own inbox notification (rare
        # here: customers' tickets are followed by customers)
        for record, message, values, data in zip(
            records, messages, values_list, recipients, strict=True
        ):
            inbox = [r for r in data if r["notif"] == "inbox"]
            if inbox:
                record._notify_thread_by_inbox(message, inbox, msg_vals=dict(values))
        if not emailed:
            return
        ancestors = self._ancestors(messages.browse([item[1].id for item in emailed]))
        # read for every recipient at once what the portal's access links read for
        # each (auth_signup: the partner's users, and its contacts when it writes the
        # partner's signup type)
        customers = (
            env["res.partner"].sudo().browse({pdata["id"] for item in emailed for pdata in item[3]})
        )
        customers.mapped("user_ids")
        customers.mapped("child_ids")
        mail_values, notified = [], []
        for record, message, values, data in emailed:
            msg_vals = dict(values, tracking_value_ids=[])
            base = self._base_mail_values(record, message, ancestors.get(message.id))
            for _lang, render_values, group in record._notify_get_classified_recipients_iterator(
                message, data, msg_vals=msg_vals
            ):
                body = record._notify_by_email_render_layout(
                    message, group, msg_vals=msg_vals, render_values=render_values
                )
                partners = group.pop("recipients")
                mail_values.append(
                    record._notify_by_email_get_final_mail_values(
                        partners, base, additional_values={"body_html": body}
                    )
                )
                notified.append((message, partners))
        Mail = env["mail.mail"].sudo().with_context(clean_context(env.context))
        mails = Mail.create(mail_values)
        env["mail.notification"].sudo().with_context(clean_context(env.context)).create(
            [
                {
                    "author_id": message.author_id.id,
                    "is_read": True,
                    "mail_mail_id": mail.id,
                    "mail_message_id": message.id,
                    "notification_status": "ready",
                    "notification_type": "email",
                    "res_partner_id": partner_id,
                }
                for mail, (message, partners) in zip(mails, notified, strict=True)
                for partner_id in partners
            ]
        )

    def _base_mail_values(self, record, message, ancestors):
        """record._notify_by_email_get_base_mail_values(message, {'auto_delete': True})
        with the ancestors read beforehand."""
        subject = message.subject or message.record_name
        if subject:
            subject = " ".join(subject.splitlines())
        ancestors = ancestors or message.browse()
        preferred = ancestors.sorted(
            lambda m: (
                not m.is_internal and not m.subtype_id.internal,
                m.message_type in OUTGOING_TYPES,
                m.message_type != "user_notification",
            ),
            reverse=True,
        )
        chain = preferred[:3].sorted("id") + message.sudo()
        values = {
            "mail_message_id": message.id,
            "references": " ".join(m.message_id for m in chain),
            "auto_delete": True,
        }
        if subject != message.subject:
            values["subject"] = subject
        headers = {}
        bounce = message.sudo().record_alias_domain_id.bounce_email
        if bounce:
            headers["Return-Path"] = bounce
        headers = record._notify_by_email_get_headers(headers=headers)
        if headers:
            values["headers"] = repr(headers)
        return values


def render_field(template, field, res_ids):
    """``template._render_field(field, res_ids, compute_lang=True)``, with a QWeb body
    compiled once per language instead of once per record.

    ``mail.render.mixin._render_template_qweb`` parses and compiles the template
    source again for every record (an etree is never cached by ``ir.qweb``): about
    4 ms a record, most of an outage notice's cost. This renders each record with
    the same variables, options and post-processing, from one compiled function;
    anything else (another engine, a restricted user) takes ``_render_field``.
    """
    engine = getattr(template._fields[field], "render_engine", "inline_template")
    if engine != "qweb" or not res_ids:
        return template._render_field(field, res_ids, compute_lang=True)
    options = dict(getattr(template._fields[field], "render_options", {}) or {})
    result = {}
    for tmpl, ids in template._classify_per_lang(res_ids).values():
        source = tmpl[field]
        model = tmpl.render_model
        restricted = (
            not tmpl._unrestricted_rendering
            and not tmpl.env.is_admin()
            and not tmpl.env.user.has_group("mail.group_mail_template_editor")
        )
        if restricted or not source or not tmpl._has_unsafe_expression_template_qweb(source, model):
            result.update(tmpl._render_field(field, ids))
            continue
        variables = tmpl._render_eval_context()
        qweb = tmpl.env["ir.qweb"]
        compiled = None
        rendered = {}
        for record in tmpl.env[model].browse(ids):
            # what ir.qweb._render does, the compilation aside
            values = dict(variables, object=record)
            qweb_env = qweb._prepare_environment(values)
            safe_eval.check_values(values)
            if compiled is None:
                tree = html.fragment_fromstring(source, create_parent="div")
                functions, name = qweb_env._compile(tree)
                compiled = functions[name]
            # without the <div> wrapping the template's nodes
            rendered[record.id] = Markup("".join(compiled(qweb_env, values)))[5:-6]
        if options.get("post_process"):
            rendered = tmpl._render_template_postprocess(model, rendered)
        result.update(rendered)
    return result


def ensure_tokens(records):
    """Give the records of a portal model without an access token one, in one query
    (``portal.mixin._portal_ensure_token`` writes them one by one)."""
    missing = records.filtered(lambda r: not r.access_token)
    if not missing:
        return
    missing.flush_recordset(["access_token"])
    tokens = [str(uuid.uuid4()) for _r in missing]
    records.env.cr.execute(
        SQL(
            """UPDATE %s t SET access_token = d.token FROM unnest(%s::int[], %s::varchar[])
                 AS d(id, token) WHERE t.id = d.id AND t.access_token IS NULL""",
            SQL.identifier(records._table),
            missing.ids,
            tokens,
        )
    )
    missing.invalidate_recordset(["access_token"])


__all__ = ["BulkNotifier", "ensure_tokens", "render_field"]
