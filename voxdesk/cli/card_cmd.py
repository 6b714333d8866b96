"""voxdesk-cli card BUNDLE [--intended-use TEXT] [--limitations TEXT] [--author TEXT] [--license TEXT]:
show the model card's own words, or set them (the bundle is rewritten atomically; an empty
text removes a field)."""
from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from voxdesk.engine.model.card import FIELDS

    parser.add_argument("bundle", metavar="BUNDLE", help="model bundle (.voxmodel)")
    for key, label in FIELDS:
        parser.add_argument(f"--{key.replace('_', '-')}", dest=key, default=None, metavar="TEXT",
                            help=f"set the card's {label.lower()}")


def run(args: argparse.Namespace) -> int:
    from voxdesk.engine.model.bundle import read_metadata
    from voxdesk.engine.model.card import FIELDS, card_of, write_card

    changes = {k: getattr(args, k) for k, _ in FIELDS if getattr(args, k) is not None}
    card = write_card(args.bundle, changes) if changes else card_of(read_metadata(args.bundle))
    for key, label in FIELDS:
        print(f"{label}: {card.get(key, '(not given)')}")
    return 0
