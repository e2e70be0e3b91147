"""The test command's own guarantees: it sees every WARNING/ERROR, counts every
test, and refuses to pass silently when Odoo is missing."""

HEAD = "2026-11-28 00:51:57,751 10366 "


def feed(checker, *lines):
    for line in lines:
        checker.feed(line + "\n")


def test_log_checker_flags_warnings_and_errors_only(suite_cli, tmp_path):
    checker = suite_cli.LogChecker(str(tmp_path / "log"), quiet=True)
    feed(
        checker,
        HEAD + "INFO telecom_test odoo.modules.loading: loading telecom_crm/views/x.xml",
        HEAD + "WARNING telecom_test odoo.fields: Field x.y: unknown parameter 'states'",
        HEAD + "ERROR telecom_test odoo.addons.telecom_crm.tests.test_x: FAIL: T.test_a",
        "Traceback (most recent call last):",
        HEAD + "CRITICAL telecom_test odoo.service.server: Failed to initialize database",
        HEAD + "INFO telecom_test odoo.addons.base: a message that says WARNING in it",
    )
    checker.close()
    assert [line.split()[3] for line in checker.bad] == ["WARNING", "ERROR", "CRITICAL"]
    with open(tmp_path / "log") as fh:
        assert len(fh.readlines()) == 6


def test_log_checker_counts_results_tests_run_and_skips(suite_cli, tmp_path):
    checker = suite_cli.LogChecker(str(tmp_path / "log"), quiet=True)
    feed(
        checker,
        HEAD + "INFO telecom_test odoo.addons.telecom_crm.tests.test_partner: "
        "Starting TestPartner.test_customer_number ...",
        HEAD + "INFO telecom_test odoo.addons.telecom_crm.tests.test_partner: "
        "Starting TestPartner.test_identity ...",
        HEAD + "INFO telecom_test odoo.addons.telecom_portal.tests.test_tour: "
        "Starting TestTour.test_tour ...",
        # Odoo's stats count class set-ups too: not what the summary reports
        HEAD + "INFO telecom_test odoo.tests.stats: telecom_crm: 12 tests 1.20s 300 queries",
        # a tour's browser log line is not a test of its own
        HEAD + "INFO telecom_test odoo.addons.telecom_portal.tests.test_tour.TestTour.test_tour"
        ".browser: Starting the tour ...",
        HEAD + "INFO telecom_test odoo.addons.telecom_portal.tests.test_tour: skipped "
        "TestTour.test_tour : Chrome not found",
        HEAD + "INFO telecom_test odoo.tests.result: 1 failed, 2 error(s) of 40 tests "
        "when loading database 'telecom_test'",
    )
    assert checker.started == {"telecom_crm": 2, "telecom_portal": 1}
    assert checker.result == {"failed": 1, "errors": 2, "total": 40}
    assert len(checker.skips) == 1


def test_external_db_from_environment_and_config(suite_cli, tmp_path, monkeypatch):
    for var in ("DB_HOST", "PGHOST", "DB_PORT", "PGPORT", "DB_USER", "PGUSER"):
        monkeypatch.delenv(var, raising=False)
    conf = tmp_path / "odoo.conf"
    conf.write_text("[options]\nhttp_port = 8069\n")
    assert suite_cli.external_db_params(str(conf)) is None
    conf.write_text("[options]\ndb_host = db.example\ndb_port = 5433\ndb_user = odoo\n")
    params = suite_cli.external_db_params(str(conf))
    assert params["db_host"] == "db.example" and params["db_port"] == "5433"
    monkeypatch.setenv("DB_HOST", "10.0.0.5")
    monkeypatch.setenv("DB_USER", "telecom")
    params = suite_cli.external_db_params(str(conf))
    assert params["db_host"] == "10.0.0.5" and params["db_user"] == "telecom"
    assert suite_cli.db_args(params)[0] == "--db_host=10.0.0.5"


def test_data_dir_follows_config(suite_cli, tmp_path):
    conf = tmp_path / "odoo.conf"
    conf.write_text("[options]\n")
    assert suite_cli.data_dir_args(str(conf))[0].startswith("--data-dir=")
    conf.write_text("[options]\ndata_dir = /var/lib/odoo\n")
    assert suite_cli.data_dir_args(str(conf)) == []


def test_free_port_is_bindable(suite_cli):
    import socket

    port = suite_cli.pgcluster.free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_unknown_module_refused(suite_cli):
    import pytest

    with pytest.raises(SystemExit, match="Unknown module"):
        suite_cli.main(["test", "--modules", "telecom_nope", "--python-only"])
