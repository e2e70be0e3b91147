# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""JSON HTTP endpoint for alarm sources that do not speak XML-RPC.

    POST /telecom/api/v1/alarms
    Authorization: Bearer <API key of an Odoo user allowed to report alarms>
    Content-Type: application/json

    [{"element": "olt-ghent-1", "severity": "major", "probable_cause": "lossOfSignal",
      "specific_problem": "PON 1/1/3", "time": "2026-11-28T10:00:00Z"}, ...]

(a single object, or ``{"alarms": [...]}``, are accepted too). The answer lists one
result per alarm; a bad alarm does not reject the good ones.
"""

import json
import logging

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

_logger = logging.getLogger(__name__)

MAX_BODY = 20 * 1024 * 1024


class TelecomAlarmController(http.Controller):
    def _reply(self, status, payload):
        return request.make_response(
            json.dumps(payload),
            headers=[("Content-Type", "application/json")],
            status=status,
        )

    @http.route(
        "/telecom/api/v1/alarms",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def receive_alarms(self, **kwargs):
        raw = request.httprequest.get_data(cache=False)
        if len(raw) > MAX_BODY:
            return self._reply(413, {"error": "body too large"})
        try:
            body = json.loads(raw or b"null")
        except (UnicodeDecodeError, ValueError) as exc:
            return self._reply(400, {"error": f"body is not valid JSON: {exc}"})
        if isinstance(body, dict) and "alarms" in body:
            body = body["alarms"]
        elif isinstance(body, dict):
            body = [body]
        if not isinstance(body, list):
            return self._reply(400, {"error": "send an alarm object or a list of them"})
        try:
            results = request.env["telecom.oss.api"].report_alarms(body)
        except AccessError:
            return self._reply(403, {"error": "this user may not report alarms"})
        except UserError as exc:
            return self._reply(400, {"error": exc.args[0]})
        counts = {}
        for result in results:
            counts[result["status"]] = counts.get(result["status"], 0) + 1
        return self._reply(200, {"results": results, "counts": counts})
