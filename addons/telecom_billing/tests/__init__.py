from . import test_billing_menu
from . import test_rating_golden_db
from . import test_mediation
from . import test_tariff_rerating
from . import test_api_xmlrpc
from . import test_usage_tour
from . import test_demo_usage
