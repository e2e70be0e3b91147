from . import telecom_helpdesk_report
