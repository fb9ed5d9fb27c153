#!/usr/bin/env python3
"""The C++ examples of the docs as one program, so that a doc cannot show code that no longer
compiles. Run by tests/docs/CMakeLists.txt when it configures (and again whenever a page
changes):

    cpp_examples.py SOURCE_DIR OUTPUT_DIR PAGE.md...   writes doc_examples.cpp and
                                                       doc_examples.cmake (only when changed)
    cpp_examples.py --check SOURCE_DIR PROGRAM PAGE.md...
                                                       fails when the built program does not
                                                       hold the pages' examples as they are

Each ```cpp block of a page is a whole program (it has `int main(`) or a fragment, which
becomes a function body. A fragment usually needs names it does not show (a key, the bytes
of a response): an HTML comment right before the block, which GitHub does not render, gives
them, and says whether the example runs as a test or only builds (it calls a provider):

    <!-- example: runs
    before:
    std::string key_from_somewhere = "sk-example-not-a-real-key";
    after:
    if (!http.ok()) return 1;
    -->

`before:` lines go before the block, `after:` lines after it (checks: a non-zero return fails
the test); `#include` lines go to the top of the file. Without such a comment a block only
builds. A whole program that runs is run with no arguments and must return 0.
"""

import hashlib
import re
import subprocess
import sys
from pathlib import Path

PRELUDE = """\
// Generated from the docs by tests/docs/cpp_examples.py: every ```cpp block, compiled.
#include <llmux/llmux.hpp>
#include <llmux/native/http_client.hpp>
#include <llmux/native/session_runner.hpp>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>
"""

RUN_MAIN = """
// Runs a whole program of the docs, whichever of main's two forms it has.
template <class Main> int run_main(Main main_function, int argc, char **argv) {
  if constexpr (std::is_invocable_v<Main, int, char **>)
    return main_function(argc, argv);
  else
    return main_function();
}

"""

FENCE = re.compile(r"^(```+|~~~+)\s*([^\s`]*)")
COMMENT_START = re.compile(r"^<!--\s*example:\s*(runs|builds)\b(.*)$")


class Example:
    def __init__(self, page, line, code, mode, before, after):
        self.page, self.line, self.code = page, line, code
        self.mode, self.before, self.after = mode, before, after

    @property
    def name(self):
        return f"{self.page}:{self.line}"

    @property
    def fingerprint(self):
        """A digest of the code compiled for this example (hidden lines included)."""
        text = "\n".join(text for _, text in self.before + self.code + self.after)
        return hashlib.sha256(f"{self.mode}\n{text}".encode()).hexdigest()[:16]

    def listing(self):
        """The line `PROGRAM --list` prints for this example."""
        return f"{self.name} {self.mode} {self.fingerprint}"

    @property
    def whole_program(self):
        return any(re.match(r"\s*int\s+main\s*\(", text) for _, text in self.code)


def parse_comment(lines):
    """The mode and the before/after lines (each with its 1-based line number) of an example
    comment, `lines` being the comment's lines with their numbers."""
    mode = COMMENT_START.match(lines[0][1]).group(1)
    sections = {"before": [], "after": []}
    current = None
    for number, text in lines[1:]:
        if text.strip() == "-->":
            break
        label = text.strip().rstrip(":")
        if text.strip().endswith(":") and label in sections:
            current = label
        elif current is None:
            raise SystemExit(f"line {number}: an example comment's code goes under before: or after:")
        else:
            sections[current].append((number, text))
    return mode, sections["before"], sections["after"]


def examples_of(source_dir, page_path):
    page = page_path.resolve().relative_to(source_dir.resolve()).as_posix()
    lines = list(enumerate(page_path.read_text(encoding="utf-8").split("\n"), start=1))
    examples = []
    comment = None  # (mode, before, after) of the comment just read
    i = 0
    while i < len(lines):
        number, text = lines[i]
        start = COMMENT_START.match(text)
        if start:
            end = next(j for j in range(i, len(lines)) if lines[j][1].strip().endswith("-->"))
            comment = parse_comment(lines[i : end + 1])
            i = end + 1
            continue
        fence = FENCE.match(text)
        if fence:
            close = next(j for j in range(i + 1, len(lines))
                         if lines[j][1].startswith(fence.group(1)) and not lines[j][1].strip(fence.group(1)[0]).strip())
            if fence.group(2) in ("cpp", "c++"):
                mode, before, after = comment or ("builds", [], [])
                examples.append(Example(page, number, lines[i + 1 : close], mode, before, after))
            comment = None
            i = close + 1
            continue
        if text.strip():
            comment = None  # a comment counts only right before its block
        i += 1
    return examples


def line_directive(page, number):
    return f'#line {number} "{page}"'


def generate(examples):
    includes = []
    bodies = []
    for index, example in enumerate(examples):
        def code(pairs):
            out = []
            for number, text in pairs:
                if text.lstrip().startswith("#include"):
                    includes.append(text.strip())
                    text = ""
                out.append((number, text))
            return out

        body = [f"namespace doc_example_{index} {{ // {example.name}"]
        if example.whole_program:
            body.append("#define main main_")
            body.append(line_directive(example.page, example.line + 1))
            body += [text for _, text in code(example.code)]
            body.append("#undef main")
            body.append("int run(int argc, char **argv) { return run_main(main_, argc, argv); }")
        else:
            body.append("int run(int, char **) {")
            for section in (example.before, example.code, example.after):
                pairs = code(section)
                if pairs:
                    body.append(line_directive(example.page, pairs[0][0]))
                    body += [text for _, text in pairs]
            body.append("  return 0;")
            body.append("}")
        body.append("} // namespace")
        bodies.append("\n".join(body))

    table = ",\n".join(
        f'    {{"{e.name}", "{e.mode}", "{e.fingerprint}", doc_example_{i}::run}}'
        for i, e in enumerate(examples))
    main = f"""
namespace {{
struct DocExample {{
  const char *name;
  const char *mode; // "runs", or "builds" (it needs a provider)
  const char *fingerprint; // of its code, as cpp_examples.py --check computes it
  int (*run)(int, char **);
}};
const DocExample doc_examples[] = {{
{table}
}};
}} // namespace

// llmux_doc_examples NAME: runs that example; --list: names each one, whether it runs, and
// the fingerprint of its code.
int main(int argc, char **argv) {{
  if (argc == 2 && std::strcmp(argv[1], "--list") == 0) {{
    for (const DocExample &example : doc_examples)
      std::printf("%s %s %s\\n", example.name, example.mode, example.fingerprint);
    return 0;
  }}
  for (const DocExample &example : doc_examples)
    if (argc == 2 && std::strcmp(argv[1], example.name) == 0 &&
        std::strcmp(example.mode, "runs") == 0)
      return example.run(argc - 1, argv + 1);
  std::fprintf(stderr, "usage: llmux_doc_examples --list | NAME (an example that runs)\\n");
  return 2;
}}
"""
    unique_includes = list(dict.fromkeys(includes))
    return (PRELUDE + "\n".join(unique_includes) + "\n" + RUN_MAIN + "\n".join(bodies) + "\n"
            + main)


def cmake_list(examples):
    names = [e.name for e in examples if e.mode == "runs"]
    return (f"# Generated by tests/docs/cpp_examples.py.\n"
            f"set(LLMUX_DOC_EXAMPLE_COUNT {len(examples)})\n"
            f"set(LLMUX_DOC_EXAMPLES_THAT_RUN {' '.join(names)})\n")


def write_if_changed(path, text):
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def main(argv):
    check = argv[:1] == ["--check"]
    if check:
        argv = argv[1:]
    if len(argv) < 3:
        raise SystemExit(__doc__)
    source_dir = Path(argv[0])
    examples = [e for page in sorted(argv[2:]) for e in examples_of(source_dir, Path(page))]
    if check:
        built = subprocess.run([argv[1], "--list"], capture_output=True, text=True, check=True)
        expected = [e.listing() for e in examples]
        if built.stdout.splitlines() != expected:
            raise SystemExit(f"{argv[1]} holds\n{built.stdout}but the docs now make\n"
                             + "\n".join(expected) + "\n(build it again)")
        print(f"{len(examples)} C++ examples, built as the docs show them:\n{built.stdout}", end="")
        return
    output_dir = Path(argv[1])
    output_dir.mkdir(parents=True, exist_ok=True)
    write_if_changed(output_dir / "doc_examples.cpp", generate(examples))
    write_if_changed(output_dir / "doc_examples.cmake", cmake_list(examples))


if __name__ == "__main__":
    main(sys.argv[1:])
