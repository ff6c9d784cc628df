"""The `vigie` command: run recipes, macros, flows and the demo on a local project directory, without DSS."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Optional

from vigie import __version__
from vigie.core.errors import UsageError, VigieError


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: bad use exits 2 with the problem named, never a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _roles(pairs: list[str], what: str) -> dict[str, list[str]]:
    from vigie.runtime.params import parse_assignments

    roles: dict[str, list[str]] = {}
    for pair in pairs or []:
        for role, name in parse_assignments([pair], what).items():
            roles.setdefault(role, []).append(name)
    return roles


def _describe_component(kind: str, component_id: str) -> str:
    from vigie.runtime.plugin import load_descriptor

    desc = load_descriptor(kind, component_id)
    lines = [f"{component_id}: {desc.get('meta', {}).get('label', '')}", desc.get("meta", {}).get("description", "")]
    for side in ("inputRoles", "outputRoles"):
        for role in desc.get(side, []):
            what = "folder" if role.get("acceptsManagedFolder") else "dataset"
            need = "required" if role.get("required") else "optional"
            flag = "input" if side == "inputRoles" else "output"
            lines.append(f"  --{flag} {role['name']}=NAME   {what}, {need}: "
                         f"{role.get('label', '')}")
    for p in desc.get("params", []):
        if p.get("type") == "SEPARATOR":
            continue
        bounds = ""
        if "minI" in p or "maxI" in p:
            bounds = f" [{p.get('minI', '')}..{p.get('maxI', '')}]"
        if "minD" in p or "maxD" in p:
            bounds = f" [{p.get('minD', '')}..{p.get('maxD', '')}]"
        choices = ",".join(c["value"] for c in p.get("selectChoices", []))
        lines.append(f"  --param {p['name']}=...   {p.get('type')}{bounds}"
                     f"{' {' + choices + '}' if choices else ''} default={p.get('defaultValue')!r}: "
                     f"{p.get('label', '')}")
    return "\n".join(lines)


def _cmd_list(args: argparse.Namespace) -> int:
    from vigie.runtime.plugin import component_ids, load_descriptor

    for component_id in component_ids(args.kind):
        print(f"{component_id:32s} {load_descriptor(args.kind, component_id).get('meta', {}).get('label', '')}")
    return 0


def _cmd_describe(args: argparse.Namespace) -> int:
    print(_describe_component(args.kind, args.id))
    return 0


def _cmd_recipe_run(args: argparse.Namespace) -> int:
    from vigie.runtime.local import LocalProject
    from vigie.runtime.params import parse_assignments
    from vigie.runtime.runner import run_recipe

    params = parse_assignments(args.param, "--param")
    inputs, outputs = _roles(args.input, "--input"), _roles(args.output, "--output")
    summary = run_recipe(args.id, LocalProject(args.project), inputs, outputs, params)
    written = ", ".join(n for names in summary.outputs.values() for n in names)
    print(f"{args.id}: done in {summary.seconds:.1f} s; wrote {written} in {args.project}")
    return 0


def _cmd_macro_run(args: argparse.Namespace) -> int:
    from vigie.runtime.local import LocalProject
    from vigie.runtime.params import parse_assignments
    from vigie.runtime.runner import run_macro

    summary = run_macro(args.id, LocalProject(args.project), parse_assignments(args.param, "--param"))
    print(summary.result if isinstance(summary.result, str) else f"{args.id}: done in {summary.seconds:.1f} s")
    return 0


def _print_step(step, status: str) -> None:
    if status == "running":
        print(f"  running {step.name} ({step.recipe})", flush=True)
    elif status == "skipped":
        print(f"  up to date: {step.name} (use --force to run it again)", flush=True)


def _cmd_flow_run(args: argparse.Namespace) -> int:
    from vigie.runtime.flow import load_flow, run_flow
    from vigie.runtime.local import LocalProject

    flow = load_flow(args.flow)
    print(f"flow {flow.name} on {args.project}")
    outcomes = run_flow(flow, LocalProject(args.project), force=args.force, on_step=_print_step)
    ran = sum(o.status == "ran" for o in outcomes)
    print(f"{ran} step(s) ran, {len(outcomes) - ran} up to date")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from vigie.runtime.demo import describe_project, run_demo

    print(f"Vigie demo: project {Path(args.project).resolve()}")
    project, outcomes = run_demo(Path(args.project), documents=args.documents, force=args.force,
                                 on_step=_print_step)
    print("What the demo made:")
    for line in describe_project(project):
        print(f"  {line}")
    print("Run it again: steps whose inputs and parameters did not change are skipped.")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from vigie.evaluation.bench import format_leaderboard, run_plan_bench

    result = run_plan_bench(Path(args.project), args.documents, args.seed, args.dataset, args.detector)
    print(format_leaderboard(result.leaderboard))
    print(f"leaderboard dataset: {Path(args.project) / 'datasets' / 'leaderboard.parquet'}")
    print(f"report: {result.report_path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="vigie", description="Vigie: document fraud, handwriting, next best offer and "
                     "explanations. Runs the plugin's recipes, macros and flows on a local project directory.")
    parser.add_argument("--version", action="version", version=f"vigie {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details to stderr")
    parser.add_argument("--debug", action="store_true", help="show the full traceback when a job fails")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    for kind, plural in (("recipe", "recipes"), ("macro", "macros")):
        group = commands.add_parser(kind, help=f"list, describe and run the plugin's {plural}",
                                    description=f"List, describe and run the plugin's {plural}.")
        sub = group.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
        lister = sub.add_parser("list", help=f"list the {plural} with their labels")
        lister.set_defaults(func=_cmd_list, kind=kind)
        describe = sub.add_parser("describe", help=f"show a {kind}'s roles and parameters with defaults")
        describe.add_argument("id", help=f"{kind} id (see 'vigie {kind} list')")
        describe.set_defaults(func=_cmd_describe, kind=kind)
        run = sub.add_parser("run", help=f"run a {kind} on a local project directory",
                             description=f"Run a {kind} on a local project directory (created if needed). "
                             f"See 'vigie {kind} describe ID' for its roles and parameters.")
        run.add_argument("id", help=f"{kind} id (see 'vigie {kind} list')")
        run.add_argument("--project", required=True, help="local project directory")
        if kind == "recipe":
            run.add_argument("--input", action="append", default=[], metavar="ROLE=NAME",
                             help="bind an input role to a dataset or folder name (repeatable)")
            run.add_argument("--output", action="append", default=[], metavar="ROLE=NAME",
                             help="bind an output role to a dataset or folder name (repeatable)")
        run.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                         help="set a parameter; others take their declared defaults (repeatable)")
        run.set_defaults(func=_cmd_recipe_run if kind == "recipe" else _cmd_macro_run)
        group.set_defaults(func=lambda _args, g=group: (g.print_help(), 2)[1])

    flow = commands.add_parser("flow", help="run a flow of recipe steps", description="Run a flow file (YAML).")
    flow_sub = flow.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    flow_run = flow_sub.add_parser("run", help="run the flow's steps in dependency order, skipping up-to-date ones",
                                   description="Run a flow's steps in dependency order. A step whose outputs are "
                                   "newer than its inputs and whose parameters did not change is skipped.")
    flow_run.add_argument("flow", help="flow file (YAML): name, steps with recipe, inputs, outputs, params")
    flow_run.add_argument("--project", required=True, help="local project directory")
    flow_run.add_argument("--force", action="store_true", help="run every step, even those up to date")
    flow_run.set_defaults(func=_cmd_flow_run)
    flow.set_defaults(func=lambda _args: (flow.print_help(), 2)[1])

    bench = commands.add_parser("bench", help="score every forgery detector on every dataset (experiment plan)",
                                description="Run the experiment plan on a local project: every registered detector "
                                "on a fresh synthetic corpus (or the dataset folders given), one metric protocol, "
                                "thresholds fixed on the calibration split. Outputs are cached per detector version. "
                                "Writes the leaderboard dataset and an HTML report (bench_report/report.html).")
    bench.add_argument("--project", default="vigie-bench", help="project directory (default: ./vigie-bench)")
    bench.add_argument("--documents", type=int, default=300, help="size of the fresh corpus (default: 300)")
    bench.add_argument("--seed", type=int, default=0, help="seed of the fresh corpus")
    bench.add_argument("--dataset", action="append", default=None, metavar="FOLDER",
                       help="score these project folders instead of a fresh corpus (repeatable)")
    bench.add_argument("--detector", action="append", default=None, metavar="NAME",
                       help="only these detectors (repeatable; default: all registered)")
    bench.set_defaults(func=_cmd_bench)

    demo = commands.add_parser("demo", help="run the demo flow on a local project",
                               description="Create a local project, generate a small synthetic claims corpus, "
                               "run the demo flow and print what it made and where.")
    demo.add_argument("--project", default="vigie-demo", help="project directory (default: ./vigie-demo)")
    demo.add_argument("--documents", type=int, default=None, help="corpus size (default: the demo flow's)")
    demo.add_argument("--force", action="store_true", help="run every step, even those up to date")
    demo.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    parser = build_parser()
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = parser.parse_args(argv)
        logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                            format="%(levelname)s %(name)s: %(message)s")
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return args.func(args)
    except UsageError as exc:
        print(f"vigie: error: {exc}", file=sys.stderr)
        return 2
    except VigieError as exc:
        if debug:
            raise
        print(f"vigie: failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("vigie: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a job failed: say what, keep the traceback for --debug
        if debug:
            raise
        print(f"vigie: failed: {type(exc).__name__}: {exc} (run with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
