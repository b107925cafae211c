#!/usr/bin/env python3
"""bench/ingest_rows.py - the rows of the ingest benchmarks (bench/run, bench/mixed).

  ingest_rows.py batch FILE N DOMAIN          a JSON array of N beacons for the tracker
  ingest_rows.py copy FILE N SITE_ID DOMAIN   the same mix as psql \\copy rows, in the
                                              columns the ingest INSERT fills

A quarter each: pageviews, web vitals, engagement, goal events, over ten pages.
"""
import json
import sys


def batch(path, n, domain):
    rows = []
    for i in range(n):
        page = "/produkte/pv-anlage-%d" % (i % 10)
        k = i % 4
        if k == 0:
            rows.append({"type": "pageview", "url": "https://%s%s" % (domain, page),
                         "referrer": "https://www.google.de/"})
        elif k == 1:
            rows.append({"name": ("LCP", "INP", "CLS")[i % 3],
                         "value": (1800.5 + i, 120 + i, 0.05)[i % 3], "rating": "good",
                         "id": "v4-%d" % i, "navigationType": "navigate", "url": page})
        elif k == 2:
            rows.append({"type": "engagement", "url": page, "engaged_ms": 1000 * i,
                         "scroll_pct": i % 100})
        else:
            rows.append({"type": "event", "name": "lead", "url": page,
                         "props": {"form": "angebot"}})
    with open(path, "w") as f:
        json.dump(rows, f)


def copy(path, n, site, domain):
    with open(path, "w") as f:
        for i in range(n):
            page = "/produkte/pv-anlage-%d" % (i % 10)
            k = i % 4
            kind = ("pageview", "vital", "engagement", "event")[k]
            name = ("\\N", ("LCP", "INP", "CLS")[i % 3], "\\N", "lead")[k]
            value = ("\\N", str((1800.5 + i, 120 + i, 0.05)[i % 3]), "\\N", "\\N")[k]
            eng = str(1000 * (i % 100)) if k == 2 else "\\N"
            scroll = str(i % 100) if k == 2 else "\\N"
            props = '{"form":"angebot"}' if k == 3 else "\\N"
            f.write("\t".join([site, "now", str(1234567 + i % 50), kind, domain, page,
                               "https://www.google.de/" if k == 0 else "\\N",
                               "google.de" if k == 0 else "direct", "desktop", "Chrome", name,
                               value, "good" if k == 1 else "\\N",
                               "navigate" if k == 1 else "\\N",
                               "v4-%d" % i if k == 1 else "\\N", eng, scroll, props]) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "batch":
        batch(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 6 and sys.argv[1] == "copy":
        copy(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        sys.exit(__doc__)
