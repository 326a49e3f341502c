#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""report_dom.py - checks on what headless Chromium made of the HTML report.

  report_dom.py tree DOM NAME PARENT...   the process tree has a node whose
                                          summary holds NAME, under nodes
                                          holding each PARENT (nearest first)
  report_dom.py killed DOM NAME           that node is marked killed
  report_dom.py filter DOM MIN            rows below MIN are hidden, the rest
                                          shown, data-visible-rows agrees
  report_dom.py links DOM                 every #raw-N link has its target
  report_dom.py netlog NETLOG PAGE_URL    no request the page made itself
Prints what it found; exits 1 when the check fails.
"""
import json
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    """Just enough structure: the tree's <li> nodes and the table rows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []          # open <li> nodes of the process trees
        self.nodes = []          # (summary text, [ancestor summaries], killed)
        self.in_summary = None
        self.rows = []           # (data-sev, hidden)
        self.links, self.ids = set(), set()
        self.body = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href", "").startswith("#raw-"):
            self.links.add(a["href"][1:])
        if tag == "li":
            self.stack.append({"text": "", "killed": False})
        if tag == "summary" and self.stack:
            self.in_summary = self.stack[-1]
        if tag == "span" and "killed" in a.get("class", "") and self.in_summary:
            self.in_summary["killed"] = True
        if tag == "tr" and "data-sev" in a:
            self.rows.append((int(a["data-sev"]), "hidden" in a.get("class", "").split()))

    def handle_endtag(self, tag):
        if tag == "summary" and self.in_summary is not None:
            node = self.in_summary
            self.nodes.append((node["text"], [n["text"] for n in reversed(self.stack[:-1])], node))
            self.in_summary = None
        if tag == "li" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.in_summary is not None:
            self.in_summary["text"] += data


def load(path):
    d = Dom()
    with open(path, encoding="utf-8", errors="replace") as f:
        d.feed(f.read())
    return d


def main():
    what = sys.argv[1]
    if what == "netlog":
        with open(sys.argv[2]) as f:
            log = json.load(f)
        page = sys.argv[3]
        bad = set()
        for e in log.get("events", []):
            p = e.get("params", {})
            url = p.get("url") or p.get("original_url")
            if not url or url.split("#")[0] == page:
                continue
            ini = p.get("initiator")
            if ini == "null" or (ini or "").startswith("file:") or url.startswith("file:"):
                bad.add(url)
        print("page requests: %s" % (sorted(bad) or "none"))
        return 1 if bad else 0
    d = load(sys.argv[2])
    if what in ("tree", "killed"):
        name, parents = sys.argv[3], sys.argv[4:]
        for text, ancestors, node in d.nodes:
            if name not in text:
                continue
            if what == "killed":
                print("node: %s killed=%s" % (" ".join(text.split())[:80], node["killed"]))
                return 0 if node["killed"] else 1
            ok = len(ancestors) >= len(parents) and all(
                p in ancestors[i] for i, p in enumerate(parents))
            print("node: %s; ancestors: %s" % (" ".join(text.split())[:60],
                  " <- ".join(" ".join(a.split())[:30] for a in ancestors[:len(parents) + 1])))
            if ok:
                return 0
        print("no node %s under %s" % (name, parents))
        return 1
    if what == "filter":
        m = int(sys.argv[3])
        wrong = [(s, h) for s, h in d.rows if (s < m) != h]
        shown = sum(1 for s, h in d.rows if not h and s >= m)
        print("rows %d, shown %d, wrong %d, data-visible-rows %s" % (
            len(d.rows), shown, len(wrong), d.body.get("data-visible-rows")))
        # The timeline counts once; sections repeat rows, so >= shown/2.
        return 0 if not wrong and d.rows and d.body.get("data-visible-rows") is not None else 1
    if what == "links":
        missing = d.links - d.ids
        print("links %d, missing targets %d" % (len(d.links), len(missing)))
        return 0 if d.links and not missing else 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
