#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""ecs_check.py - every field outside minerwatch.* is an ECS 8.11 field with
ECS's type.

Reads the ECS field list (name, type, 'array' where ECS normalizes the value
to an array: tests/integration/ecs-8.11-fields.tsv by default) and checks
every JSON line of the files named on the command line (or of every *.json
in the directories named). Prints one line per distinct violation (field,
what is wrong, first file:line) and exits 1 when there is any, 0 when every
line passed, 2 on usage or a file that is not NDJSON.

  ecs_check.py [--fields TSV] FILE|DIR...
"""
import datetime
import ipaddress
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FIELDS = os.path.join(HERE, "ecs-8.11-fields.tsv")

STRING_TYPES = {"keyword", "wildcard", "constant_keyword", "match_only_text",
                "text", "version"}


def load_fields(path):
    fields = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            fields[cols[0]] = (cols[1], len(cols) > 2 and cols[2] == "array")
    return fields


def is_date(v):
    if not isinstance(v, str):
        return False
    try:
        datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def is_ip(v):
    if not isinstance(v, str):
        return False
    try:
        ipaddress.ip_address(v)
        return True
    except ValueError:
        return False


def scalar_ok(typ, v):
    """Does one value fit ECS type typ?"""
    if v is None:
        return True
    if typ in STRING_TYPES:
        return isinstance(v, str)
    if typ == "long":
        return isinstance(v, int) and not isinstance(v, bool)
    if typ in ("float", "scaled_float", "half_float", "double"):
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if typ == "boolean":
        return isinstance(v, bool)
    if typ == "date":
        return is_date(v)
    if typ == "ip":
        return is_ip(v)
    if typ == "geo_point":
        return isinstance(v, (dict, str, list))
    if typ in ("flattened", "object"):
        return isinstance(v, dict)
    if typ == "nested":
        return isinstance(v, dict)
    return False


class Checker:
    def __init__(self, fields):
        self.fields = fields
        self.bad = {}  # (field, problem) -> first "file:line"

    def report(self, name, problem, where):
        self.bad.setdefault((name, problem), where)

    def walk(self, prefix, obj, where):
        for key, val in obj.items():
            name = prefix + key
            if name == "minerwatch" or name.startswith("minerwatch."):
                continue
            self.field(name, val, where)

    def field(self, name, val, where):
        spec = self.fields.get(name)
        if spec is None:
            if isinstance(val, dict):
                # An intermediate object (process, process.parent, ...).
                self.walk(name + ".", val, where)
            else:
                self.report(name, "not an ECS 8.11 field", where)
            return
        typ, array = spec
        if typ in ("object", "nested") and (
                isinstance(val, dict) or isinstance(val, list)):
            items = val if isinstance(val, list) else [val]
            for item in items:
                if isinstance(item, dict):
                    self.walk(name + ".", item, where)
                else:
                    self.report(name, "holds a non-object", where)
            return
        if typ == "flattened":
            if not isinstance(val, dict) and not isinstance(val, list):
                self.report(name, "flattened field holds a scalar", where)
            return
        if isinstance(val, list):
            for v in val:
                if not scalar_ok(typ, v):
                    self.report(name, "element is not %s: %r" % (typ, v),
                                where)
            return
        if array:
            self.report(name, "ECS normalizes it to an array", where)
        if isinstance(val, dict):
            self.report(name, "is an object, ECS type is %s" % typ, where)
        elif not scalar_ok(typ, val):
            self.report(name, "is not %s: %r" % (typ, val), where)


def files_of(args):
    for a in args:
        if os.path.isdir(a):
            for n in sorted(os.listdir(a)):
                if n.endswith(".json"):
                    yield os.path.join(a, n)
        else:
            yield a


def main(argv):
    fields_path = DEFAULT_FIELDS
    if len(argv) > 2 and argv[1] == "--fields":
        fields_path = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    chk = Checker(load_fields(fields_path))
    lines = 0
    for path in files_of(argv[1:]):
        with open(path, encoding="utf-8", errors="replace") as f:
            for i, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    doc = json.loads(line)
                except ValueError as e:
                    print("%s:%d: not JSON: %s" % (path, i, e),
                          file=sys.stderr)
                    return 2
                if not isinstance(doc, dict):
                    chk.report("(line)", "not a JSON object", "%s:%d" % (path, i))
                    continue
                lines += 1
                chk.walk("", doc, "%s:%d" % (os.path.basename(path), i))
    for (name, problem), where in sorted(chk.bad.items()):
        print("%s: %s (first at %s)" % (name, problem, where))
    print("ecs_check: %d lines, %d violations" % (lines, len(chk.bad)))
    return 1 if chk.bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
