#!/usr/bin/env python3
"""Reads the AppHost's resource table (resources.json) for scripts."""
import argparse
import json
import sys


def load(path):
    with open(path) as table:
        return json.load(table)["resources"]


def parser():
    commands = argparse.ArgumentParser(prog="resources.py", description=__doc__)
    sub = commands.add_subparsers(dest="command", required=True, metavar="COMMAND")
    running = sub.add_parser("all-running", help="exit 0 when every resource is Running, 1 otherwise (or unreadable)")
    running.add_argument("file", metavar="FILE", help="the resource table, e.g. .pocdir/resources.json")
    for field in ("url", "pid"):
        one = sub.add_parser(field, help=f"print the {'URL' if field == 'url' else 'process id'} of the resource NAME")
        one.add_argument("file", metavar="FILE", help="the resource table, e.g. .pocdir/resources.json")
        one.add_argument("name", metavar="NAME", help="a resource's name, e.g. web (for a service run as replicas, its first replica)")
    return commands


def main(argv):
    args = parser().parse_args(argv[1:])
    if args.command == "all-running":
        try:
            resources = load(args.file)
        except (OSError, ValueError, KeyError):
            return 1
        return 0 if resources and all(r["state"] == "Running" for r in resources) else 1
    try:
        resources = load(args.file)
    except (OSError, ValueError, KeyError) as error:
        print(f"resources.py: cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    found = next((r for r in resources if r["name"] == args.name), None)
    if found is None:  # a service run as replicas: each row is a replica's, named by its own id
        found = next((r for r in sorted(resources, key=lambda r: r["name"]) if r.get("service") == args.name), None)
    if found is None or found.get(args.command) is None:
        print(f"resources.py: no {args.command} for a resource named {args.name!r} in {args.file}", file=sys.stderr)
        return 1
    print(found[args.command])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
