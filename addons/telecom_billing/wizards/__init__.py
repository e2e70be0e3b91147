from . import telecom_usage_import_wizard
from . import telecom_prefix_import_wizard
from . import telecom_tariff_version_wizard
from . import telecom_rating_preview
from . import telecom_credit_note_wizard
