from . import test_attachments
from . import test_leader
from . import test_session_store
