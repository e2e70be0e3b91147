# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import difflib

from markupsafe import Markup, escape

from odoo import api, fields, models

from ..models.telecom_config import normalise_config


def unified_diff(a_text, b_text, a_label, b_label):
    return list(
        difflib.unified_diff(
            normalise_config(a_text).splitlines(),
            normalise_config(b_text).splitlines(),
            fromfile=a_label,
            tofile=b_label,
            lineterm="",
        )
    )


def diff_html(lines, empty_text):
    """Unified diff lines as escaped HTML (``empty_text`` when there is none)."""
    if not lines:
        return Markup("<p>%s</p>") % empty_text
    out = []
    for line in lines:
        css = ""
        if line.startswith("+") and not line.startswith("+++"):
            css = "text-success"
        elif line.startswith("-") and not line.startswith("---"):
            css = "text-danger"
        elif line.startswith("@@"):
            css = "text-info"
        out.append(Markup('<span class="%s">%s</span>') % (css, escape(line)))
    return Markup('<pre class="o_telecom_oss_diff">%s</pre>') % Markup("\n").join(out)


class TelecomConfigDiff(models.TransientModel):
    _name = "telecom.config.diff"
    _description = "Compare two configuration versions"

    version_a_id = fields.Many2one("telecom.config.version", string="From", required=True)
    version_b_id = fields.Many2one("telecom.config.version", string="To", required=True)
    diff = fields.Html(compute="_compute_diff", sanitize=False)
    changed_lines = fields.Integer(compute="_compute_diff")

    @api.depends("version_a_id", "version_b_id")
    def _compute_diff(self):
        for wizard in self:
            lines = unified_diff(
                wizard.version_a_id.content,
                wizard.version_b_id.content,
                wizard.version_a_id.display_name or "",
                wizard.version_b_id.display_name or "",
            )
            wizard.diff = diff_html(lines, self.env._("No difference."))
            wizard.changed_lines = sum(
                1 for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---"))
            )
