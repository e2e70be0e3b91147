from . import test_portal_access
from . import test_portal_services
from . import test_portal_account
from . import test_portal_agents
from . import test_portal_tours
from . import test_demo
from . import test_portal_usage
from . import test_portal_billing
