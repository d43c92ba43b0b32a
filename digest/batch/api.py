"""The files and batches endpoints, called through the run's OpenAI client (its retries,
timeouts and hooks), each answer given back as the plain dict the API documents; an error is one
line (BatchAPIError) naming the step, with the secrets masked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..llm.client import batch_step as _step
from ..untrusted import loads
from .files import ENDPOINT

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = ["cancel", "create", "download", "find_batch", "find_file", "retrieve", "upload"]

FILE_TYPE = "application/jsonl"


async def upload(client: AsyncOpenAI, name: str, content: bytes) -> str:
    """Upload an input file (purpose "batch"); its id."""
    with _step(f"uploading {name}"):
        made = await client.files.create(file=(name, content, FILE_TYPE), purpose="batch")
    return made.id


async def find_file(client: AsyncOpenAI, name: str) -> str | None:
    """The id of an input file uploaded under this name (before a stop that lost its id)."""
    with _step(f"looking for {name} among the uploaded files"):
        async for found in client.files.list(purpose="batch"):
            if found.filename == name:
                return found.id
    return None


async def create(client: AsyncOpenAI, file_id: str, name: str) -> dict[str, Any]:
    """Create the batch of an uploaded file; the file's name goes in its metadata."""
    with _step(f"creating the batch of {name}"):
        batch = await client.batches.create(
            input_file_id=file_id,
            endpoint=ENDPOINT,
            completion_window="24h",
            metadata={"digest_file": name},
        )
    return batch.model_dump(mode="json")


async def find_batch(client: AsyncOpenAI, file_id: str) -> dict[str, Any] | None:
    """The batch already made from this input file (created just before a stop), if any."""
    with _step(f"looking for the batch of {file_id}"):
        async for batch in client.batches.list(limit=100):
            if batch.input_file_id == file_id:
                return batch.model_dump(mode="json")
    return None


async def retrieve(client: AsyncOpenAI, batch_id: str) -> dict[str, Any]:
    with _step(f"looking at batch {batch_id}"):
        return (await client.batches.retrieve(batch_id)).model_dump(mode="json")


async def cancel(client: AsyncOpenAI, batch_id: str) -> dict[str, Any]:
    with _step(f"cancelling batch {batch_id}"):
        return (await client.batches.cancel(batch_id)).model_dump(mode="json")


async def download(client: AsyncOpenAI, file_id: str) -> list[dict[str, Any]]:
    """The lines of an output or error file, as dicts (a line that is not JSON is skipped:
    its request stays pending and fails with the batch)."""
    with _step(f"downloading {file_id}"):
        content = (await client.files.content(file_id)).content
    lines = []
    for line in content.splitlines():
        try:
            lines.append(loads(line))
        except ValueError:  # not JSON, or nested past any answer's depth
            continue
    return [line for line in lines if isinstance(line, dict)]
