from . import session_store
from . import leader
from .hooks import post_load, post_init_hook
