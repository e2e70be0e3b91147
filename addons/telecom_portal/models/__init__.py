from . import res_partner
from . import sale_order
from . import telecom_subscription
from . import helpdesk_ticket
