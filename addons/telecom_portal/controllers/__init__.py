from . import base
from . import services
from . import usage
from . import requests
from . import tickets
from . import account
from . import invoices
from . import agents
