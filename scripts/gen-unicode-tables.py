#!/usr/bin/env python3
"""Writes core/src/tokenize/unicode_tables.inc: the Unicode character classes that the
tokenizer's pre-tokenization patterns ask about, as compact runs.

    scripts/gen-unicode-tables.py [UNICODE_DIR] [OUTPUT]

UNICODE_DIR defaults to /usr/share/unicode (Debian's package `unicode-data`, installed by
scripts/setup.sh); OUTPUT to core/src/tokenize/unicode_tables.inc. Run it again when the
Unicode version changes and commit the result: the build never runs it.

Each code point gets one class. The patterns of cl100k_base and o200k_base ask about the
general categories L (and, for o200k_base, Lu, Ll, Lt, Lm, Lo separately), M and N, and about
\\s, which in tiktoken (Rust's regex crate) is the White_Space property. These sets do not
overlap (White_Space code points are Zs, Zl, Zp or Cc), so one class per code point holds
them all: Other, Lu, Ll, Lt, Lm, Lo, Mark, Number, Space.

The output has two tables:
  - latin1_char_classes[256]: the class of U+0000..U+00FF, looked up directly;
  - class_run_deltas[]: every maximal run of code points of one class, in order from U+0000,
    each as the LEB128 bytes (seven bits a byte, low bits first, the high bit set on every
    byte but the last) of ((first code point - previous run's first code point) << 4) | class.
    unicode_class.cpp decodes it once into the sorted array of (first << 4) | class that it
    searches; a code point's class is that of the last run starting at or before it.
The runs are stored as deltas rather than as that array for the npm package's size: Unicode
15.0's 3155 runs take 3,940 bytes (2.25 KB gzipped) instead of 12,620 (5.6 KB gzipped).
"""

import os
import sys

CLASSES = ["Other", "Lu", "Ll", "Lt", "Lm", "Lo", "Mark", "Number", "Space"]
CATEGORY_CLASS = {
    "Lu": "Lu",
    "Ll": "Ll",
    "Lt": "Lt",
    "Lm": "Lm",
    "Lo": "Lo",
    "Mn": "Mark",
    "Mc": "Mark",
    "Me": "Mark",
    "Nd": "Number",
    "Nl": "Number",
    "No": "Number",
}
LAST_CODE_POINT = 0x10FFFF


def read_version(unicode_dir):
    with open(os.path.join(unicode_dir, "ReadMe.txt"), encoding="utf-8") as f:
        for line in f:
            marker = "for Version "
            if marker in line:
                return line.split(marker, 1)[1].split()[0]
    return "unknown"


def read_categories(unicode_dir):
    """The general category of every assigned code point, from UnicodeData.txt, whose
    large blocks are given as a "<..., First>" line and a "<..., Last>" line."""
    classes = {}
    first = None
    with open(os.path.join(unicode_dir, "UnicodeData.txt"), encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split(";")
            code_point = int(fields[0], 16)
            name = fields[1]
            category = fields[2]
            cls = CATEGORY_CLASS.get(category)
            if name.endswith(", First>"):
                first = code_point
                continue
            if name.endswith(", Last>"):
                if first is None:
                    sys.exit(f"UnicodeData.txt: {name} without its First line")
                if cls:
                    for cp in range(first, code_point + 1):
                        classes[cp] = cls
                first = None
                continue
            if cls:
                classes[code_point] = cls
    return classes


def read_white_space(unicode_dir):
    spaces = []
    with open(os.path.join(unicode_dir, "PropList.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            points, prop = [part.strip() for part in line.split(";")]
            if prop != "White_Space":
                continue
            if ".." in points:
                low, high = [int(p, 16) for p in points.split("..")]
            else:
                low = high = int(points, 16)
            spaces.extend(range(low, high + 1))
    if not spaces:
        sys.exit("PropList.txt: no White_Space code points")
    return spaces


def leb128(value):
    """The unsigned LEB128 bytes of value: seven bits a byte, low bits first, the high bit set
    on every byte but the last."""
    out = []
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return out


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    unicode_dir = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
    output = (
        sys.argv[2]
        if len(sys.argv) > 2
        else os.path.join(root, "core", "src", "tokenize", "unicode_tables.inc")
    )
    version = read_version(unicode_dir)
    classes = read_categories(unicode_dir)
    for cp in read_white_space(unicode_dir):
        if cp in classes:
            sys.exit(f"U+{cp:04X} is White_Space and {classes[cp]}: the classes must not overlap")
        classes[cp] = "Space"

    runs = []
    previous = None
    for cp in range(LAST_CODE_POINT + 1):
        cls = classes.get(cp, "Other")
        if cls != previous:
            runs.append((cp, cls))
            previous = cls

    out = []
    out.append("// Generated by scripts/gen-unicode-tables.py from the Unicode Character Database")
    out.append(f"// {version} (UnicodeData.txt general categories, PropList.txt White_Space), as")
    out.append("// Debian's package unicode-data installs it in /usr/share/unicode. Do not edit: run")
    out.append("// the script again and commit its output.")
    out.append("//")
    out.append(f"// {len(runs)} runs. Included by core/src/tokenize/unicode_class.cpp only.")
    out.append("")
    out.append("// The class of U+0000..U+00FF, one byte each (declared in unicode_class.hpp).")
    out.append("const std::uint8_t latin1_char_classes[256] = {")
    row = []
    for cp in range(256):
        row.append(str(CLASSES.index(classes.get(cp, "Other"))))
        if len(row) == 32:
            out.append("    " + ", ".join(row) + ",")
            row = []
    out.append("};")
    out.append("")
    deltas = []
    previous_first = 0
    for cp, cls in runs:
        deltas.extend(leb128(((cp - previous_first) << 4) | CLASSES.index(cls)))
        previous_first = cp
    out.append("// Every maximal run of one class, in order from U+0000: for each, the LEB128")
    out.append("// bytes (seven bits a byte, low bits first, the high bit set on all but the last)")
    out.append("// of ((first code point - the previous run's first code point) << 4) | class.")
    out.append("// unicode_class.cpp decodes them once, on first use, into the (first << 4) |")
    out.append("// class words that char_class searches. Deltas rather than those words for the")
    out.append(f"// npm package's size: {len(deltas)} bytes in the .wasm, not {4 * len(runs)}.")
    out.append(f"constexpr std::size_t class_run_count = {len(runs)};")
    out.append("constexpr std::uint8_t class_run_deltas[] = {")
    row = []
    for byte in deltas:
        row.append(f"0x{byte:02X}")
        if len(row) == 16:
            out.append("    " + ", ".join(row) + ",")
            row = []
    if row:
        out.append("    " + ", ".join(row) + ",")
    out.append("};")
    text = "\n".join(out) + "\n"
    with open(output, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"{output}: Unicode {version}, {len(runs)} runs in {len(deltas)} bytes")


if __name__ == "__main__":
    main()
