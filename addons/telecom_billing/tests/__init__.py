from . import test_billing_menu
