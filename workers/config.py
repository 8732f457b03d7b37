"""Worker settings from the environment: the same code runs on a laptop and a cluster."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict

TASK_QUEUE = "complaints"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    temporal_address: str = "127.0.0.1:7233"
    namespace: str = "default"
    task_queue: str = TASK_QUEUE
    data_dir: Path = Path("data")
    backend: str = "local"

    @property
    def local_db(self) -> Path:
        return self.data_dir / "complaints.db"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            temporal_address=env.get(
                "TEMPORAL_ADDRESS", cls.model_fields["temporal_address"].default
            ),
            namespace=env.get("TEMPORAL_NAMESPACE", "default"),
            task_queue=env.get("COMPLAINTS_TASK_QUEUE", TASK_QUEUE),
            data_dir=Path(env.get("COMPLAINTS_DATA_DIR", "data")),
            backend=env.get("COMPLAINTS_BACKEND", "local"),
        )
