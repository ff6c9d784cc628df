"""Running a recipe locally through the CLI: roles and parameters checked against recipe.json; bad use exits 2."""

from __future__ import annotations

import pandas as pd
import pytest
from vigie.cli import main
from vigie.runtime.descriptors import handler_reads
from vigie.runtime.local import LocalProject


@pytest.fixture
def project(tmp_path, toy_plugin):
    project = LocalProject(tmp_path / "proj")
    project.output_dataset("rows").write(pd.DataFrame({"value": range(10)}))
    return project


def run(project, *args):
    return main(["recipe", "run", "toy-copy", "--project", str(project.root), *args])


def test_recipe_runs_with_defaults_and_params(project, capsys):
    assert run(project, "--input", "rows=rows", "--output", "copy=out", "--output", "notes=notes",
               "--param", "factor=3", "--param", "flag=true") == 0
    out = project.input_dataset("out").read()
    assert out["value"].tolist() == [3 * v for v in range(10)] and set(out["mode"]) == {"a"}
    assert project.folder("notes").read_bytes("sub/note.txt") == b"flag=True"
    assert "toy-copy: done" in capsys.readouterr().out


def test_optional_output_may_be_left_out(project):
    assert run(project, "--input", "rows=rows", "--output", "copy=out") == 0
    assert project.folder("notes").list_paths() == []


@pytest.mark.parametrize("args, message", [
    (["--input", "rows=rows"], "missing required output role copy"),
    (["--input", "rows=rows", "--output", "copy=out", "--output", "bogus=x"], "unknown output role bogus"),
    (["--input", "rows=nope", "--output", "copy=out"], "input dataset nope (role rows) does not exist"),
    (["--input", "rows=rows", "--output", "copy=out", "--param", "factor=11"],
     "parameter factor must be between 1 and 10, got 11"),
    (["--input", "rows=rows", "--output", "copy=out", "--param", "factor=two"],
     "parameter factor expects an integer, got 'two'"),
    (["--input", "rows=rows", "--output", "copy=out", "--param", "colour=red"], "unknown parameter colour"),
    (["--input", "rows=rows", "--output", "copy=out", "--param", "mode=c"], "parameter mode must be one of a, b"),
    (["--input", "rows", "--output", "copy=out"], "--input must be written KEY=VALUE"),
])
def test_bad_use_exits_2_with_one_line(project, capsys, args, message):
    assert run(project, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("vigie: error: ") and message in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_unknown_recipe_and_missing_project_flag(toy_plugin, tmp_path, capsys):
    assert main(["recipe", "run", "nope", "--project", str(tmp_path / "p")]) == 2
    assert "unknown recipe 'nope' (known: toy-copy)" in capsys.readouterr().err
    assert main(["recipe", "run", "toy-copy"]) == 2
    err = capsys.readouterr().err
    assert "the following arguments are required: --project" in err and err.count("\n") == 1


def test_help_explains_every_command(capsys):
    for argv in (["--help"], ["recipe", "--help"], ["recipe", "run", "--help"], ["macro", "run", "--help"],
                 ["flow", "run", "--help"], ["demo", "--help"], ["recipe", "list", "--help"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 0
        assert "usage: vigie" in capsys.readouterr().out


def test_describe_lists_roles_and_params(toy_plugin, capsys):
    assert main(["recipe", "describe", "toy-copy"]) == 0
    out = capsys.readouterr().out
    assert "--input rows=NAME" in out and "--param factor=" in out and "[1..10]" in out


def test_handler_failure_is_one_line_exit_1(project, capsys, monkeypatch):
    from vigie.runtime import registry
    monkeypatch.setitem(registry.HANDLERS["recipe"], "toy-copy", "toy_handlers:reads_undeclared")
    assert run(project, "--input", "rows=rows", "--output", "copy=out") == 1
    err = capsys.readouterr().err
    assert "reads parameter 'not_declared', which its descriptor does not declare" in err


def test_static_reads_follow_the_handler():
    params, roles = handler_reads("toy_handlers:toy_copy")
    assert params == {"factor", "mode", "flag"}
    assert roles == {"input": {"rows"}, "output": {"copy", "notes"}}
    assert handler_reads("toy_handlers:reads_undeclared")[0] == {"not_declared"}
