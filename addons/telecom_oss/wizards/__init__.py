from . import telecom_config_diff
from . import telecom_availability_report
