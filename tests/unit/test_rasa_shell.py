"""`python -m channels.server shell` as the README gives it: Rasa's log to a file, warnings only
on screen, and a free port when `make serve` already has 5005."""
import warnings

from channels import server


def test_the_shell_logs_to_a_file_and_takes_a_free_port_when_5005_is_taken(monkeypatch):
    monkeypatch.setattr(server, "port_taken", lambda port: port == 5005)
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)  # restored afterwards
    args = server.quiet_shell(["shell", "--model", "models/twitch_check.tar.gz"])
    assert args[:3] == ["shell", "--model", "models/twitch_check.tar.gz"]
    assert args[args.index("--log-file") + 1] == server.SHELL_LOG and "--quiet" in args
    port = int(args[args.index("--port") + 1])
    assert port != 5005 and not server.port_taken(port)


def test_a_port_or_verbosity_given_is_kept(monkeypatch):
    monkeypatch.setattr(server, "port_taken", lambda port: True)
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    args = server.quiet_shell(["shell", "--port", "5006", "-v"])
    assert args.count("--port") == 1 and "5006" in args and "--quiet" not in args
