from . import telecom_subscription_action_wizard
from . import telecom_price_change_wizard
