"""devkit rt: everything of a Request Tracker lives in its data dir; the CLI knows the command."""
from devkit.__main__ import parser
from devkit.rt import RequestTracker


def test_the_site_config_keeps_rt_in_its_data_dir(tmp_path):
    rt = RequestTracker(port=18991, data_dir=tmp_path)
    config = rt._site_config()
    for path in ("var", "mason_data", "session_data", "rt.db"):
        assert f"'{tmp_path / path}'" in config
    assert "Set($WebBaseURL, 'http://127.0.0.1:18991');" in config
    assert "Set($MailCommand, sub { 1 });" in config  # no MTA needed, no mail leaves
    env = rt._env()
    assert env["RT_SITE_CONFIG"] == str(tmp_path / "RT_SiteConfig.pm")
    assert env["RT_SITE_CONFIG_DIR"] == str(tmp_path / "RT_SiteConfig.d")
    assert (rt.url, rt.api, rt.tokens) == ("http://127.0.0.1:18991",
                                           "http://127.0.0.1:18991/REST/2.0", {})


def test_the_cli_has_rt():
    args = parser().parse_args(["rt", "status"])
    assert args.action == "status" and args.func.__name__ == "cmd_rt"
