#!/usr/bin/env python3
"""Validates SARIF files against the SARIF 2.1.0 JSON schema.

Usage: validate_sarif.py SCHEMA FILE...  (exit 1 on the first invalid file)
"""
import json
import sys

import jsonschema


def main() -> int:
    schema_path, *files = sys.argv[1:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft7Validator(schema)
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            for e in errors[:10]:
                print(f"{path}: {'/'.join(map(str, e.path))}: {e.message}", file=sys.stderr)
            return 1
        results = sum(len(run.get("results", [])) for run in doc.get("runs", []))
        print(f"{path}: valid SARIF 2.1.0 ({results} results)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
