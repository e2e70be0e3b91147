# the order of the steps: each file appends its own to those of the files above it
from . import demo_generator
from . import demo_crm
from . import demo_crm_bulk
from . import demo_billing
from . import demo_billing_bulk
from . import demo_payments_bulk
from . import demo_oss
from . import demo_oss_bulk
from . import demo_helpdesk
from . import demo_helpdesk_bulk
from . import demo_portal
