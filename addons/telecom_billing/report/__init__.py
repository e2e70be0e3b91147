from . import telecom_revenue_report
from . import telecom_revenue_summary
from . import telecom_mrr_report
from . import telecom_kpi_report
from . import telecom_ar_ageing_report
