#!/usr/bin/env python3
"""Checks that the guides say what the code does.

1. Every ```swift block in README.md and Documentation/*.md is compiled code:
   - by default it must appear verbatim in a file under Tests/DocumentationSnippets/ (a test target that
     `swift build --build-tests` compiles and `swift test` runs);
   - a block preceded by `<!-- snippet: PATH -->` must appear verbatim in PATH instead (for code that needs
     a package with dependencies, for example a file under Examples/ or Integrations/ that CI builds);
   - a block preceded by `<!-- snippet: excerpt PATH -->` shows declarations of the library: each of its
     lines must appear in PATH, in order, with other lines (doc comments, bodies) allowed between them;
   - a block preceded by `<!-- snippet: manifest -->` is Package.swift code: a whole manifest (one that
     imports PackageDescription) is evaluated with `swift package dump-package` in a scratch folder next to
     a link named swift-websocket-pubsub to this repository; a fragment must appear verbatim in a whole one.
   - a block preceded by `<!-- snippet: not-built REASON -->` is code for a package this machine cannot
     resolve (a Lambda runtime, say); REASON must say which, and the guide must say so too. It is not
     compiled; keep such blocks few and short, and build what they call in a marked block or file.
   "Verbatim" allows a common indentation (a block may sit inside a function or a type) and looks for the
   block's `import` lines anywhere among the file's imports. A block line `@main` matches a file line
   `// @main`: a test target cannot hold an entry point, so the snippet file comments it out and a test
   calls `main()` instead.
2. Every file a guide names (`Something.swift`, `Scripts/x.sh`, a link to another guide) exists.

To add a snippet: put the code in a file under Tests/DocumentationSnippets/ (a new file per guide or
topic is best; wrap statements in a function whose parameters stand for the names the snippet takes for
granted), copy it into the guide, and run `bash Scripts/check-docs.sh`.

Documents in UNCHECKED_SNIPPETS are skipped for check 1, each with the reason; keep the list short.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SNIPPET_DIR = os.path.join(ROOT, "Tests", "DocumentationSnippets")
UNCHECKED_SNIPPETS: dict[str, str] = {}
# Names that guides use as placeholders or for the reader's own files, not files of this repository.
# Autobahn's reports are written by a run, not kept in the repository.
PLACEHOLDER_FILES = re.compile(
    r"^(File\.swift|Sources/MyHost/.*|Tests/MyHostTests/.*|MyHost.*|reports/.*|index\.json|summary\.md)$"
)
SKIP_DIRS = {".build", ".build-tsan", ".git", ".swiftpm", "node_modules", ".venv", "venv"}

MARKER = re.compile(r"^<!--\s*snippet:\s*(.*?)\s*-->$")


def documents():
    docs = ["README.md"]
    folder = os.path.join(ROOT, "Documentation")
    docs += sorted("Documentation/" + name for name in os.listdir(folder) if name.endswith(".md"))
    return docs


def swift_blocks(text):
    """Yields (line number, marker or None, block lines) for each ```swift block."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        if lines[index].strip() == "```swift":
            start = index + 1
            end = start
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            marker = None
            previous = index - 1
            while previous >= 0 and not lines[previous].strip():
                previous -= 1
            if previous >= 0:
                match = MARKER.match(lines[previous].strip())
                if match:
                    marker = match.group(1)
            yield start, marker, lines[start:end]
            index = end + 1
        else:
            index += 1


def dedent(lines):
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return [line[cut:] if line.strip() else "" for line in lines]


def contains_verbatim(file_lines, block):
    """Whether `block` (imports aside) appears in `file_lines` as consecutive lines under one indentation."""
    imports = [line.strip() for line in block if line.startswith("import ")]
    body = [line for line in block if not line.startswith("import ")]
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    file_imports = {line.strip() for line in file_lines if line.strip().startswith("import ")}
    if any(line not in file_imports for line in imports):
        return False
    if not body:
        return True
    body = dedent(body)
    first = body[0]
    for start, line in enumerate(file_lines):
        if not line.endswith(first) or line[: len(line) - len(first)].strip():
            continue
        indent = line[: len(line) - len(first)]
        if start + len(body) > len(file_lines):
            continue
        if all(matches(file_lines[start + offset], indent, wanted) for offset, wanted in enumerate(body)):
            return True
    return False


def matches(line, indent, wanted):
    if not wanted:
        return not line.strip()
    if line == indent + wanted:
        return True
    return wanted == "@main" and line.strip().startswith("// @main")


def code_words(line):
    """A line without its comment, whitespace collapsed: how an excerpt line is compared."""
    line = re.sub(r"(^|\s)//.*$", "", line)
    return " ".join(line.split())


def contains_excerpt(file_lines, block):
    """Whether each line of `block` appears in the file's code in order; declarations may wrap."""
    code = " ".join(words for words in map(code_words, file_lines) if words)
    position = 0
    for wanted in map(code_words, block):
        if not wanted:
            continue
        found = code.find(wanted, position)
        if found < 0:
            return False, wanted
        position = found + len(wanted)
    return True, None


def read_lines(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read().split("\n")


def snippet_files():
    found = []
    for folder, subfolders, files in os.walk(SNIPPET_DIR):
        subfolders[:] = [name for name in subfolders if name not in SKIP_DIRS]
        found += [os.path.join(folder, name) for name in files if name.endswith(".swift")]
    return {path: read_lines(path) for path in sorted(found)}


def check_manifest(lines, where, problems):
    with tempfile.TemporaryDirectory() as scratch:
        package = os.path.join(scratch, "MyPackage")
        os.makedirs(package)
        os.symlink(ROOT, os.path.join(scratch, "swift-websocket-pubsub"))
        with open(os.path.join(package, "Package.swift"), "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        result = subprocess.run(
            ["swift", "package", "dump-package", "--package-path", package],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            problems.append(f"{where}: the manifest does not evaluate:\n{result.stderr.strip()}")


def check_snippets(problems):
    compiled = snippet_files()
    manifests = []
    fragments = []
    counted = 0
    for doc in documents():
        text = open(os.path.join(ROOT, doc), encoding="utf-8").read()
        for line, marker, block in swift_blocks(text):
            where = f"{doc}:{line}"
            if doc in UNCHECKED_SNIPPETS:
                continue
            counted += 1
            if marker is None:
                if not any(contains_verbatim(lines, block) for lines in compiled.values()):
                    problems.append(
                        f"{where}: this ```swift block is in no file under Tests/DocumentationSnippets/ "
                        "(copy it there, or mark it; see Scripts/check_docs.py)"
                    )
            elif marker == "manifest":
                if any(line.startswith("import PackageDescription") for line in block):
                    manifests.append((where, block))
                else:
                    fragments.append((where, block))
            elif marker == "not-built" or marker.startswith("not-built "):
                if not marker[len("not-built") :].strip():
                    problems.append(f"{where}: say why it is not built: <!-- snippet: not-built REASON -->")
            elif marker.startswith("excerpt "):
                path = marker[len("excerpt ") :]
                if not os.path.isfile(os.path.join(ROOT, path)):
                    problems.append(f"{where}: marked as an excerpt of {path}, which does not exist")
                    continue
                found, missing = contains_excerpt(read_lines(os.path.join(ROOT, path)), block)
                if not found:
                    problems.append(f"{where}: `{missing}` is not in {path} (in this order)")
            else:
                path = os.path.join(ROOT, marker)
                if not os.path.isfile(path):
                    problems.append(f"{where}: marked as included from {marker}, which does not exist")
                elif not contains_verbatim(read_lines(path), block):
                    problems.append(f"{where}: this ```swift block is not in {marker} as written")
    for where, block in manifests:
        check_manifest(block, where, problems)
    for where, block in fragments:
        if not any(contains_verbatim(manifest, block) for _, manifest in manifests):
            problems.append(f"{where}: this manifest fragment is in no whole manifest of the guides")
    return counted


def repository_files():
    paths = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIP_DIRS and not name.startswith(".build")]
        relative = os.path.relpath(folder, ROOT)
        paths += [os.path.normpath(os.path.join(relative, name)) for name in files]
    return paths


FILE_NAME = re.compile(r"`([A-Za-z0-9_./+-]+\.(?:swift|md|sh|py|yml|yaml|json|txt))`")
LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")


def check_file_names(problems):
    paths = repository_files()
    names = {os.path.basename(path) for path in paths}
    for doc in documents():
        text = open(os.path.join(ROOT, doc), encoding="utf-8").read()
        for number, line in enumerate(text.split("\n"), start=1):
            for name in FILE_NAME.findall(line):
                if PLACEHOLDER_FILES.match(name):
                    continue
                if "/" in name:
                    exists = any(path == name or path.endswith("/" + name) for path in paths)
                else:
                    exists = name in names
                if not exists:
                    problems.append(f"{doc}:{number}: names `{name}`, which no file of the repository is")
            for link in LINK.findall(line):
                if "://" in link:
                    continue
                target = os.path.normpath(os.path.join(os.path.dirname(os.path.join(ROOT, doc)), link))
                if not os.path.isfile(target):
                    problems.append(f"{doc}:{number}: links to {link}, which does not exist")


def main():
    problems = []
    counted = check_snippets(problems)
    check_file_names(problems)
    for doc, reason in UNCHECKED_SNIPPETS.items():
        print(f"note: snippets of {doc} not checked: {reason}")
    if problems:
        print("\n".join(problems))
        print(f"{len(problems)} problem(s) in the guides")
        return 1
    print(f"{counted} swift blocks checked, every named file exists")
    return 0


if __name__ == "__main__":
    sys.exit(main())
