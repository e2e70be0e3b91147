from . import test_telecom_team
