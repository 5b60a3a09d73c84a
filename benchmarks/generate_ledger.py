"""Write a synthetic ledger: python benchmarks/generate_ledger.py DIR [--cases N] [--events N] [--seed S]."""
import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thads.settings.base")

import django  # noqa: E402

django.setup()

from cases.ledger.synthetic import generate_ledger  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory")
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--events", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    result = generate_ledger(args.directory, cases=args.cases, events=args.events, seed=args.seed)
    print(f"{result.directory}: {result.cases} cases, {result.events} events")
