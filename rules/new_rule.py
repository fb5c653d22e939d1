#!/usr/bin/env python3
"""Scaffold a new rule: rules/<pack>/<name>/ with rule.cpp, README.md and fixtures both ways, plus
its line in registry.h and its (sorted) entry in registry.cpp, so the registry test passes from
the first build. The generated rule reports nothing until its logic is written, and its positive
fixture fails until then: write the fixture first, then the code.

Usage: rules/new_rule.py PACK NAME "One-sentence summary." [--cwe N ...]
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent


def ident(pack: str, name: str) -> str:
    return f"{pack}_{name}".replace("-", "_")


def class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pack")
    ap.add_argument("name")
    ap.add_argument("summary")
    ap.add_argument("--cwe", type=int, nargs="*", default=[])
    args = ap.parse_args()
    if not re.fullmatch(r"[a-z]+", args.pack) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.name):
        print("pack is lower-case letters; name is kebab-case (e.g. security missing-helmet)", file=sys.stderr)
        return 2
    if not args.summary.endswith("."):
        print("the summary is one sentence ending with a period", file=sys.stderr)
        return 2
    if args.pack == "security" and not args.cwe:
        print("security rules need at least one --cwe", file=sys.stderr)
        return 2
    rule_id = f"{args.pack}/{args.name}"
    folder = ROOT / args.pack / args.name
    if folder.exists():
        print(f"{folder} exists already", file=sys.stderr)
        return 2
    (folder / "fixtures").mkdir(parents=True)
    fn = ident(args.pack, args.name)
    cwe = ", ".join(str(c) for c in args.cwe)
    summary_cpp = args.summary.replace("\\", "\\\\").replace('"', '\\"')
    (folder / "rule.cpp").write_text(f'''// {rule_id}: {args.summary}
// TODO: say what the rule judges, per file or per app/route, and what it deliberately leaves out.
#include <array>

#include "nodescope/syntax.h"
#include "registry.h"

namespace nodescope::rules {{
namespace {{

constexpr std::array<int, {len(args.cwe)}> kCwe = {{{cwe}}};
constexpr std::array<std::string_view, 1> kTags = {{"{args.pack}"}};
constexpr std::array<std::string_view, 1> kKinds = {{"call_expression"}};
constexpr RuleMeta kMeta{{
    .id = "{rule_id}",
    .summary = "{summary_cpp}",
    .severity = Severity::kWarning,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
}};

class {class_name(args.name)} final : public Rule {{
 public:
  const RuleMeta& meta() const override {{ return kMeta; }}
  void on_node(const SyntaxNode& /*node*/, FileContext& /*ctx*/) const override {{}}
}};

}}  // namespace

const Rule& {fn}() {{
  static const {class_name(args.name)} kRule;
  return kRule;
}}

}}  // namespace nodescope::rules
''')
    cwe_line = " · ".join(f"CWE-{c}" for c in args.cwe)
    (folder / "README.md").write_text(f"""# {rule_id}

{args.summary}

Severity: warning · Confidence: medium{(' · ' + cwe_line) if cwe_line else ''}

## What it finds
TODO

## Why it matters
TODO

## Bad
```js
```

## Good
```js
```

## How to fix
TODO

## Options
None yet.

## References
{chr(10).join(f'- CWE-{c}: https://cwe.mitre.org/data/definitions/{c}.html' for c in args.cwe)}
""")
    (folder / "fixtures" / "bad.js").write_text(f"// Code {rule_id} must report.\n// expect: {rule_id}\nTODO();\n")
    (folder / "fixtures" / "good.js").write_text(f"// Code {rule_id} must leave alone.\n// expect-not: {rule_id}\nok();\n")

    header = ROOT / "registry.h"
    text = header.read_text()
    decl = f"const Rule& {fn}();\n"
    decls = sorted(set(re.findall(r"const Rule& \w+\(\);\n", text)) | {decl})
    text = re.sub(r"(namespace nodescope::rules \{\n\n)(?:const Rule& \w+\(\);\n)+",
                  lambda m: m.group(1) + "".join(decls), text)
    header.write_text(text)

    registry = ROOT / "registry.cpp"
    text = registry.read_text()
    entries = re.findall(r"      &rules::(\w+)\(\),\n", text)
    entries = sorted(set(entries) | {fn})
    text = re.sub(r"(std::to_array<const Rule\*>\(\{\n)(?:      &rules::\w+\(\),\n)+",
                  lambda m: m.group(1) + "".join(f"      &rules::{e}(),\n" for e in entries), text)
    registry.write_text(text)
    print(f"created {folder.relative_to(ROOT.parent)}; re-run cmake to pick it up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
