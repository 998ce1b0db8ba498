"""Writing Hub-ready repositories and publishing them.

Two things every publisher here needs and that are easy to get wrong: an output folder that is
either complete or absent (a crash half way must not leave something that ``load_dataset`` would
happily read), and Parquet shards written row group by row group so memory stays flat however many
images a split holds. Uploading is plain ``huggingface_hub``; nothing here talks to the network
except :func:`push_to_hub`, whose every failure is one :class:`~genjudge.hub.errors.HubError`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from huggingface_hub import HfApi

from genjudge.hub.errors import hub_call
from genjudge.safe_io.durable import create_temp_dir, fsync_dir, fsync_tree


@contextmanager
def atomic_directory(out_dir: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a fresh temporary folder next to ``out_dir``; on success it replaces ``out_dir``.

    On any exception the temporary folder is removed and ``out_dir`` is left as it was. The
    temporary folder sits in the same parent so the final step is a rename, not a copy; its files
    are flushed to disk first, so a power cut cannot leave a complete-looking folder of short files.
    """
    out = Path(out_dir)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} already exists; pass overwrite=True (--overwrite) to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = create_temp_dir(out.parent, out.name)  # not mkdtemp's 0700: the result is a folder like any other
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fsync_tree(tmp)
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / out.name)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)
    fsync_dir(out.parent)


class ParquetShardWriter:
    """Stream rows of one split into ``<folder>/<name>-NNNNN-of-MMMMM.parquet`` shards.

    Rows are buffered ``rows_per_group`` at a time (one Parquet row group each, which is also how
    ``datasets`` batches image datasets), and a new shard starts once the current one holds
    ``max_shard_bytes`` of payload (a buffer that alone reaches that size is flushed early, so a
    shard never grows far past the limit). Shard names get their ``-of-MMMMM`` total when the split is
    closed, since the count is only known then.
    """

    def __init__(
        self,
        folder: Path,
        name: str,
        schema: pa.Schema,
        *,
        max_shard_bytes: int = 500 * 1024 * 1024,
        rows_per_group: int = 100,
    ) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.schema = schema
        self.max_shard_bytes = max_shard_bytes
        self.rows_per_group = rows_per_group
        self.num_rows = 0
        self.num_bytes = 0
        self._buffer: list[dict[str, Any]] = []
        self._buffer_bytes = 0
        self._writer: pq.ParquetWriter | None = None
        self._shard_bytes = 0
        self._shards: list[Path] = []

    def write(self, row: dict[str, Any], payload_bytes: int) -> None:
        """Add one row; ``payload_bytes`` (roughly its size) drives shard rollover."""
        self._buffer.append(row)
        self._buffer_bytes += payload_bytes
        if len(self._buffer) >= self.rows_per_group or self._buffer_bytes >= self.max_shard_bytes:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._writer is None or self._shard_bytes >= self.max_shard_bytes:
            self._open_shard()
        table = pa.Table.from_pylist(self._buffer, schema=self.schema)
        assert self._writer is not None
        self._writer.write_table(table)
        self.num_rows += table.num_rows
        self.num_bytes += table.nbytes
        self._shard_bytes += self._buffer_bytes
        self._buffer = []
        self._buffer_bytes = 0

    def _open_shard(self) -> None:
        if self._writer is not None:
            self._writer.close()
        path = self.folder / f"{self.name}-{len(self._shards):05d}.parquet"
        self._shards.append(path)
        self._writer = pq.ParquetWriter(path, self.schema)
        self._shard_bytes = 0

    def close(self) -> list[Path]:
        """Flush, close and give the shards their final names; returns them in order."""
        self._flush()
        if self._writer is None:
            self._open_shard()
        assert self._writer is not None
        self._writer.close()
        total = len(self._shards)
        final = []
        for index, path in enumerate(self._shards):
            target = path.with_name(f"{self.name}-{index:05d}-of-{total:05d}.parquet")
            os.replace(path, target)
            final.append(target)
        return final


def push_to_hub(
    folder: str | Path,
    repo_id: str,
    token: str | None = None,
    *,
    private: bool = False,
    commit_message: str = "Upload dataset with genjudge",
    api: HfApi | None = None,
) -> str:
    """Create the dataset repo if needed and upload ``folder`` to it; returns the commit URL.

    Every failure (refused, unreachable, offline, bad id) raises :class:`~genjudge.hub.errors.HubError`
    with the token redacted from its message.
    """
    api = api if api is not None else HfApi(token=token)
    with hub_call(f"could not upload {folder} to the dataset repo {repo_id}", token=token):
        api.create_repo(repo_id, repo_type="dataset", exist_ok=True, private=private)
        commit = api.upload_folder(
            folder_path=str(folder), repo_id=repo_id, repo_type="dataset", commit_message=commit_message
        )
    return str(getattr(commit, "commit_url", commit))
