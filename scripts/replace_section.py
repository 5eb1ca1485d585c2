#!/usr/bin/env python3
"""Puts a generated section into docs/BENCHMARKS.md between <!-- NAME:start --> and <!-- NAME:end -->, replacing
what an earlier run wrote there, or appending it the first time.

Usage: replace_section.py NAME SECTION_FILE   (SECTION_FILE holds the text without the markers)
"""
import re
import sys

name, section_file = sys.argv[1], sys.argv[2]
start, end = "<!-- %s:start -->" % name, "<!-- %s:end -->" % name
section = start + "\n" + open(section_file).read().strip() + "\n" + end + "\n"
path = "docs/BENCHMARKS.md"
try:
    doc = open(path).read()
except FileNotFoundError:
    doc = "# Benchmarks\n\n"
pattern = re.compile(re.escape(start) + ".*?" + re.escape(end) + "\n?", re.S)
doc = pattern.sub(lambda m: section, doc) if pattern.search(doc) else doc.rstrip() + "\n\n" + section
open(path, "w").write(doc)
