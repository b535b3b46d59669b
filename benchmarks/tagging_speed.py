"""Tagging cost of two code trees on the same generated articles, and whether they tag alike.

    python -m benchmarks.tagging_speed --old TREE [--new TREE] [--articles 5000] [--rounds 3]
    python -m benchmarks.tagging_speed --same TREE [--new TREE] [--articles 3000]
    (either with --corpus FILE: JSON lines of title, body, captions, instead of generated articles)

A tree is a checkout of this project (e.g. `git worktree add --detach /work/wt/tag-old 46ab5ca`);
--new defaults to this one. The articles come from `benchmarks.generate` (seed 0) of this tree,
written once to a JSON lines file both trees read. Each measurement is a child process of one
tree, pinned to one core with one polars thread: it builds the gazetteer, tags the articles once
(the first call), then `--repeats` more times (steady state). Rounds alternate old and new, so
both see the same load; the figures are medians over rounds of process CPU seconds.

--same tags the articles with both trees and compares every article's countries, primary
countries, people, organizations, topics, and every mention row (count and evidence): a change
meant only to make tagging cheaper must report 0 differences. With --shared DIR the gold set's
articles (benchmarks.tagging, text read from DIR into a temporary file) are compared too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = 1  # default core; --core picks another (the long benchmark run keeps CPU 0)
KINDS = ("countries", "countries_primary", "people", "organizations", "topics")
# Run inside the measured tree: only what every version of tag_articles offers.
_CHILD = r"""
import json, sys, time
corpus, repeats, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
from loaders.entities import load_gazetteer, tag_articles
rows = [json.loads(line) for line in open(corpus, encoding="utf-8") if line.strip()]
titles = [r.get("title") or "" for r in rows]
bodies = [r.get("body") or "" for r in rows]
captions = [list(r.get("captions") or []) for r in rows]
cpu = time.process_time
start = cpu(); load_gazetteer(); build = cpu() - start
start = cpu(); tags = tag_articles(titles, bodies, captions); first = cpu() - start
steady = []
for _ in range(repeats):
    start = cpu(); tag_articles(titles, bodies, captions); steady.append(cpu() - start)
if out != "-":
    kinds = ("countries", "countries_primary", "people", "organizations", "topics")
    mentions = tags.mentions.astype(str).values.tolist()
    json.dump({"tags": {k: getattr(tags, k) for k in kinds}, "mentions": mentions}, open(out, "w"))
print(json.dumps({"articles": len(rows), "build": build, "first": first, "steady": steady}))
"""


def write_corpus(n: int, path: Path) -> Path:
    """n generated articles (seed 0) as JSON lines, written once and reused."""
    if not path.exists():
        from benchmarks.generate import generate_articles

        with path.open("w", encoding="utf-8") as out:
            for article in generate_articles(n):
                keep = {k: article[k] for k in ("title", "body", "captions")}
                out.write(json.dumps(keep, ensure_ascii=False) + "\n")
    return path


def write_gold(shared: Path, path: Path) -> Path:
    """The gold set's articles as JSON lines, in a temporary file (their text stays outside the project)."""
    from benchmarks.tagging import gold_articles, read_gold

    with path.open("w", encoding="utf-8") as out:
        for article in gold_articles(read_gold(), shared):
            keep = {"title": article.title, "body": article.body, "captions": article.captions}
            out.write(json.dumps(keep, ensure_ascii=False) + "\n")
    return path


def compare(before: Path, after: Path, corpus: Path, core: int = CORE) -> list[str]:
    """Differences between two trees' tags of one corpus (empty when they tag alike)."""
    with tempfile.TemporaryDirectory() as tmp:
        found = {}
        for name, tree in (("before", before), ("after", after)):
            run_tree(tree.resolve(), corpus, 0, Path(tmp) / f"{name}.json", core)
            found[name] = json.loads((Path(tmp) / f"{name}.json").read_text())
    return differences(found["before"], found["after"])


def run_tree(tree: Path, corpus: Path, repeats: int, out: Path | None = None, core: int = CORE) -> dict:
    """One child process of one tree: its CPU seconds (build, first call, steady calls)."""
    env = dict(os.environ, PYTHONPATH=str(tree), POLARS_MAX_THREADS="1")
    command = ["taskset", "-c", str(core), sys.executable, "-c", _CHILD, str(corpus), str(repeats)]
    done = subprocess.run(
        [*command, str(out) if out else "-"], cwd=tree, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"tagging failed in {tree}:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(
    trees: dict[str, Path], corpus: Path, rounds: int, repeats: int, core: int = CORE
) -> dict[str, list[dict]]:
    """Rounds of one child per tree, alternating (the order flips each round)."""
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    names = list(trees)
    for i in range(rounds):
        for name in names if i % 2 == 0 else names[::-1]:
            result = run_tree(trees[name], corpus, repeats, core=core)
            result["load"] = load_average()
            runs[name].append(result)
            steady = statistics.median(result["steady"])
            print(
                f"round {i + 1} {name}: build {result['build']:.2f} s, first {result['first']:.2f} s, "
                f"steady {steady:.2f} s (load {result['load']})",
                file=sys.stderr,
            )
    return runs


def summary(runs: dict[str, list[dict]]) -> str:
    """Medians over rounds per tree: steady CPU s and articles per CPU-second, with and without the
    one-time gazetteer build."""
    lines = [
        "| tree | steady CPU s | articles/CPU-s (steady) | first call CPU s | gazetteer build CPU s "
        "| articles/CPU-s (build + first call) | loads |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, results in runs.items():
        n = results[0]["articles"]
        steady = statistics.median(statistics.median(r["steady"]) for r in results)
        first = statistics.median(r["first"] for r in results)
        build = statistics.median(r["build"] for r in results)
        once = statistics.median(r["build"] + r["first"] for r in results)
        loads = "; ".join(r["load"] for r in results)
        cells = [
            name,
            f"{steady:.3f}",
            f"{n / steady:,.0f}",
            f"{first:.3f}",
            f"{build:.2f}",
            f"{n / once:,.0f}",
        ]
        lines.append("| " + " | ".join([*cells, loads]) + " |")
    return "\n".join(lines)


def differences(old: dict, new: dict) -> list[str]:
    """Where two trees' tags of the same articles differ: per kind and article, then mentions."""
    out = []
    for kind in KINDS:
        for i, (a, b) in enumerate(zip(old["tags"][kind], new["tags"][kind], strict=True)):
            if a != b:
                out.append(f"{kind} of article {i}: {a} -> {b}")
    old_rows, new_rows = {tuple(r) for r in old["mentions"]}, {tuple(r) for r in new["mentions"]}
    out += [f"mention only before: {r}" for r in sorted(old_rows - new_rows)]
    out += [f"mention only after: {r}" for r in sorted(new_rows - old_rows)]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="tree to time against --new")
    parser.add_argument("--same", type=Path, help="tree whose tags --new must reproduce exactly")
    parser.add_argument("--new", type=Path, default=ROOT)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3, help="steady calls per child after the first")
    parser.add_argument("--shared", type=Path, help="with --same: also compare the gold set's articles")
    parser.add_argument("--core", type=int, default=CORE, help="CPU the children are pinned to")
    parser.add_argument("--corpus-dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument(
        "--corpus", type=Path, help="JSON lines of title, body, captions to use instead of generated articles"
    )
    args = parser.parse_args(argv)
    if not (args.old or args.same):
        parser.error("give --old TREE (timing) or --same TREE (identical tags)")
    if args.corpus:
        corpus, label = args.corpus, f"the articles of {args.corpus}"
    else:
        corpus = write_corpus(args.articles, args.corpus_dir / f"tagging_speed_{args.articles}.jsonl")
        label = f"{args.articles} generated articles"
    if args.same:
        corpora = {label: corpus}
        if args.shared:
            with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
                corpora["the gold set's articles"] = write_gold(args.shared, Path(handle.name))
        failed = False
        for label, path in corpora.items():
            diff = compare(args.same, args.new, path, args.core)
            print(f"{label}: {len(diff)} differences", *diff[:40], sep="\n")
            failed = failed or bool(diff)
        if args.shared:
            corpora["the gold set's articles"].unlink()
        return 1 if failed else 0
    trees = {f"old ({args.old})": args.old.resolve(), f"new ({args.new})": args.new.resolve()}
    runs = measure(trees, corpus, args.rounds, args.repeats, args.core)
    print(f"{label}, CPU {args.core}, medians of {args.rounds} alternating rounds")
    print(summary(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
