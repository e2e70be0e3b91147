from . import test_oss_jobs
from . import test_inventory
from . import test_resources
from . import test_ipam
from . import test_concurrency
from . import test_provisioning
