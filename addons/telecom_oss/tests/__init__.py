from . import test_oss_jobs
