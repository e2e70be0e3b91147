from . import test_demo_generator
from . import test_demo_usage
from . import test_demo_billing
from . import test_demo_oss
from . import test_demo_helpdesk
from . import test_demo_portal
from . import test_demo_bulk
from . import test_rpc_method_table
