from . import test_demo_generator
from . import test_security
