"""The demo staff directory (`staff/demo-directory.json`) and its development-only keys.

Each demo person's Ed25519 key is derived from their staff id, so the demo, the tests and
`complaints` can sign as them without a key file in the repository. Never use these keys
outside development: anyone can derive them.

    python -m devtools.demo_staff directory        # prints staff/demo-directory.json
    python -m devtools.demo_staff key manager-2    # a demo key file for `complaints --key-file`
"""

from __future__ import annotations

import hashlib
import sys
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

from domain.signatures import public_key_of
from schemas.staff import StaffDirectory, StaffMember, StaffRole

_PEOPLE = [
    ("manager-1", "Ana Horvat", StaffRole.MANAGER, "Shift manager", 1, "500", "manager-2"),
    ("manager-1b", "Jaan Tamm", StaffRole.MANAGER, "Shift manager", 1, "500", "manager-2"),
    ("manager-2", "Ieva Kalniņa", StaffRole.MANAGER, "Store manager", 2, "2000", "manager-3"),
    ("manager-2b", "Marko Babić", StaffRole.MANAGER, "Store manager", 2, "2000", "manager-3"),
    ("manager-3", "Li Wei", StaffRole.MANAGER, "Regional director", 3, "10000", None),
    ("manager-3b", "Olga Smirnova", StaffRole.MANAGER, "Regional director", 3, "10000", None),
    ("specialist-1", "Kadri Sepp", StaffRole.SPECIALIST, "Customer care specialist", 0, "0", None),
    ("safety-1", "Mari Kask", StaffRole.SAFETY, "Safety officer", 0, "0", None),
    ("operations-1", "Toomas Lepp", StaffRole.OPERATIONS, "Operations coordinator", 0, "0", None),
]


def demo_key(staff_id: str) -> Ed25519PrivateKey:
    seed = hashlib.sha256(f"complaint-engine demo key, not secret: {staff_id}".encode())
    return Ed25519PrivateKey.from_private_bytes(seed.digest())


def demo_directory() -> StaffDirectory:
    return StaffDirectory(
        members=[
            StaffMember(
                staff_id=staff_id,
                name=name,
                role=role,
                title=title,
                level=level,
                authority_limit=Decimal(limit),
                reports_to=reports_to,
                public_key=public_key_of(demo_key(staff_id)),
            )
            for staff_id, name, role, title, level, limit, reports_to in _PEOPLE
        ]
    )


def key_file(staff_id: str) -> bytes:
    """A demo key as a PEM file, the form `complaints --key-file` reads."""
    return demo_key(staff_id).private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())


def main(argv: list[str]) -> None:
    match argv:
        case ["directory"]:
            print(demo_directory().model_dump_json(indent=2))
        case ["key", staff_id]:
            sys.stdout.buffer.write(key_file(staff_id))
        case _:
            raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
