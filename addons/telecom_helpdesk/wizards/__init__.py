from . import telecom_dispute_resolve_wizard
from . import telecom_helpdesk_xlsx_wizard
