"""The CLI: every command has help, --json prints one object, errors are one line."""

from __future__ import annotations

import orjson
import pytest
import typer.main
from typer.testing import CliRunner

import agorascope
from agorascope.cli import app

runner = CliRunner()


def _commands() -> list[list[str]]:
    cmd = typer.main.get_command(app)
    out = []
    for name, sub in cmd.commands.items():
        if hasattr(sub, "commands"):
            out += [[name, s] for s in sub.commands]
        else:
            out.append([name])
    return out


def test_public_api_is_honest():
    assert len(set(agorascope.__all__)) == len(agorascope.__all__)  # ruff (RUF022) keeps it sorted
    public = {n for n in dir(agorascope) if not n.startswith("_") and n.isidentifier()}
    assert {"Project", "AgorascopeError", "POST_SCHEMA"} <= set(agorascope.__all__)
    assert public - set(agorascope.__all__) <= {"errors", "project", "schema", "store", "config", "privacy",
                                                "sources", "ingest", "urls", "pipeline", "cli", "sim", "text",
                                                "analysis", "alerts", "streams", "demo", "demo_steps"}
    for name in agorascope.__all__:
        assert hasattr(agorascope, name)


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c))
def test_every_command_has_help_and_json(command):
    res = runner.invoke(app, [*command, "--help"])
    assert res.exit_code == 0, res.output
    cmd = typer.main.get_command(app)
    for part in command:
        cmd = cmd.commands[part]
    assert cmd.help and len(cmd.help) > 20, f"{command} needs a docstring"
    names = {o for p in cmd.params for o in getattr(p, "opts", [])}
    assert "--json" in names, f"{command} lacks --json"


def test_init_ingest_status_export_json(tmp_path):
    proj = str(tmp_path / "p")
    assert runner.invoke(app, ["--project", proj, "init", "--json"]).exit_code == 0
    data = tmp_path / "a.csv"
    data.write_text("id,user,date,text\n1,ann,2026-03-01,hello @bob\n2,ann,2026-03-02,again\n")
    res = runner.invoke(app, ["--project", proj, "ingest", str(data), "--platform", "telegram", "--json"])
    assert res.exit_code == 0, res.output
    rep = orjson.loads(res.stdout)
    assert (rep["imported"], rep["duplicates"], rep["quarantined"]) == (2, 0, 0)
    assert rep["files"][0]["format"] == "csv"
    st = orjson.loads(runner.invoke(app, ["--project", proj, "status", "--json"]).stdout)
    assert st["posts"] == 2 and st["platforms"] == {"telegram": 2} and st["authors"] == 1
    res = runner.invoke(app, ["--project", proj, "pseudonym", "ann", "Ann", "--platform", "telegram", "--json"])
    ps = orjson.loads(res.stdout)["pseudonyms"]
    assert ps["ann"] == ps["Ann"]
    res = runner.invoke(app, ["--project", proj, "forget", "--pseudonym", ps["ann"], "--json"])
    assert orjson.loads(res.stdout)["deleted"]["posts"] == 2
    out = tmp_path / "out.parquet"
    res = runner.invoke(app, ["--project", proj, "export", str(out), "--json"])
    assert orjson.loads(res.stdout)["rows"] == 0 and out.exists()


def test_errors_are_one_line_with_the_fix(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "agorascope", "--project", str(tmp_path / "none"), "status"],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stderr.strip().startswith("Error: No agorascope project")
    assert "agorascope init" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "agorascope", "--project", str(tmp_path / "none"), "status", "--json"],
                       capture_output=True, text=True)
    err = orjson.loads(r.stdout)["error"]
    assert err["type"] == "StoreError" and "agorascope init" in err["message"]


def test_bad_time_and_mapping_messages(tmp_path):
    proj = str(tmp_path / "p")
    runner.invoke(app, ["--project", proj, "init"])
    res = runner.invoke(app, ["--project", proj, "export", str(tmp_path / "x.csv"), "--since", "last tuesday"])
    assert res.exit_code != 0
    res = runner.invoke(app, ["--project", proj, "ingest", str(tmp_path), "--map", "author"])
    assert res.exit_code != 0
