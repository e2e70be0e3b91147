from . import test_billing_menu
from . import test_rating_golden_db
