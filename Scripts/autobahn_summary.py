#!/usr/bin/env python3
"""Summarizes an Autobahn TestSuite report directory and gates on its results.

Reads ``index.json`` from the report directory, prints a Markdown table of how many cases of each group
(1.*, 2.*, ...) ended with each behavior, writes the same Markdown to ``--markdown``, and exits 1 when
any case's ``behavior`` or ``behaviorClose`` is outside OK / NON-STRICT / INFORMATIONAL, listing each
such case with the reason the TestSuite gives in its per-case JSON.

Usage: autobahn_summary.py REPORT_DIR [--markdown PATH] [--title TEXT] [--min-cases N]
"""

import argparse
import json
import os
import sys
from collections import Counter, defaultdict

PASSING = ("OK", "NON-STRICT", "INFORMATIONAL")
# Known behaviors in a stable column order; anything else the TestSuite reports is appended after them.
ORDER = ("OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "WRONG CODE", "UNCLEAN", "FAILED")


def case_key(case_id):
    """Sorts "9.10.2" after "9.2.1" by comparing the dotted parts as numbers."""
    parts = []
    for part in case_id.split("."):
        parts.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return parts


def group_of(case_id):
    return case_id.split(".", 1)[0]


def columns_for(counters):
    seen = set()
    for counter in counters:
        seen.update(counter)
    return [b for b in ORDER if b in seen] + sorted(seen - set(ORDER))


def table(title, per_group, group_names):
    totals = Counter()
    for counter in per_group.values():
        totals.update(counter)
    columns = columns_for(per_group.values())
    lines = [
        f"**{title}**",
        "",
        "| group | " + " | ".join(columns) + " | total |",
        "|---" * (len(columns) + 2) + "|",
    ]
    for group in group_names:
        counter = per_group[group]
        cells = [str(counter.get(c, 0)) for c in columns]
        lines.append(f"| {group}.* | " + " | ".join(cells) + f" | {sum(counter.values())} |")
    cells = [str(totals.get(c, 0)) for c in columns]
    lines.append("| **all** | " + " | ".join(cells) + f" | {sum(totals.values())} |")
    return lines


def load_case(report_dir, entry):
    path = os.path.join(report_dir, entry.get("reportfile", ""))
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report_dir")
    parser.add_argument("--markdown", help="write the Markdown summary to this file")
    parser.add_argument("--title", default="Autobahn TestSuite")
    parser.add_argument(
        "--min-cases", type=int, default=1, help="fail when the report holds fewer cases (a run that died early)"
    )
    args = parser.parse_args(argv)

    index_path = os.path.join(args.report_dir, "index.json")
    try:
        with open(index_path, encoding="utf-8") as handle:
            index = json.load(handle)
    except (OSError, ValueError) as error:
        print(f"autobahn_summary: cannot read {index_path}: {error}", file=sys.stderr)
        return 2
    if not isinstance(index, dict) or not index:
        print(f"autobahn_summary: {index_path} names no agent", file=sys.stderr)
        return 2

    markdown = [f"## {args.title}", ""]
    failures = []
    too_few = []
    for agent in sorted(index):
        cases = index[agent]
        behavior = defaultdict(Counter)
        behavior_close = defaultdict(Counter)
        for case_id, entry in cases.items():
            group = group_of(case_id)
            behavior[group][entry.get("behavior", "MISSING")] += 1
            behavior_close[group][entry.get("behaviorClose", "MISSING")] += 1
            if entry.get("behavior") not in PASSING or entry.get("behaviorClose") not in PASSING:
                failures.append((agent, case_id, entry))
        groups = sorted(behavior, key=lambda g: case_key(g))
        markdown += [f"### agent `{agent}`: {len(cases)} cases", ""]
        markdown += table("behavior", behavior, groups) + [""]
        markdown += table("behaviorClose", behavior_close, groups) + [""]
        if len(cases) < args.min_cases:
            too_few.append((agent, len(cases)))

    failures.sort(key=lambda f: (f[0], case_key(f[1])))
    if failures:
        markdown += [f"### {len(failures)} failing cases", "", "| agent | case | behavior | behaviorClose | reason |"]
        markdown += ["|---|---|---|---|---|"]
        for agent, case_id, entry in failures:
            detail = load_case(args.report_dir, entry)
            reason = "; ".join(
                str(detail[k]) for k in ("result", "resultClose") if detail.get(k)
            ) or "(no per-case report)"
            reason = reason.replace("|", "\\|").replace("\n", " ")
            markdown.append(
                f"| {agent} | {case_id} | {entry.get('behavior')} | {entry.get('behaviorClose')} | {reason} |"
            )
        markdown.append("")
    else:
        markdown += ["All cases OK, NON-STRICT or INFORMATIONAL.", ""]

    text = "\n".join(markdown)
    print(text)
    if args.markdown:
        os.makedirs(os.path.dirname(os.path.abspath(args.markdown)), exist_ok=True)
        with open(args.markdown, "w", encoding="utf-8") as handle:
            handle.write(text)

    for agent, count in too_few:
        print(f"autobahn_summary: agent {agent} has only {count} cases (< {args.min_cases})", file=sys.stderr)
    if failures:
        print(f"autobahn_summary: {len(failures)} cases failed", file=sys.stderr)
        for agent, case_id, entry in failures:
            detail = load_case(args.report_dir, entry)
            print(
                f"  {case_id} [{agent}] behavior={entry.get('behavior')} close={entry.get('behaviorClose')}: "
                f"{detail.get('description', '')} -> {detail.get('result', '')} / {detail.get('resultClose', '')}",
                file=sys.stderr,
            )
    return 1 if failures or too_few else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
