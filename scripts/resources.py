#!/usr/bin/env python3
"""Reads the AppHost's resource table (resources.json) for scripts.

  resources.py all-running FILE     exit 0 when every resource is Running, 1 otherwise (or unreadable)
  resources.py url FILE NAME        prints the URL of the resource NAME
  resources.py pid FILE NAME        prints the process id of the resource NAME
"""
import json
import sys


def load(path):
    with open(path) as table:
        return json.load(table)["resources"]


def main(argv):
    command, path = argv[1], argv[2]
    if command == "all-running":
        try:
            resources = load(path)
        except (OSError, ValueError, KeyError):
            return 1
        return 0 if resources and all(r["state"] == "Running" for r in resources) else 1
    if command in ("url", "pid"):
        print(next(r[command] for r in load(path) if r["name"] == argv[3]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
