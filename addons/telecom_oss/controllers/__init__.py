from . import telecom_alarm
