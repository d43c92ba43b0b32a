"""Prompt files: loaded from prompts/, variables checked, hashed for cache keys.

A prompt is a UTF-8 text file using ``$name`` placeholders (string.Template). Each prompt has a
fixed set of variables the code passes; a file that uses others, or misses one, is rejected when
loaded, not when the first paper is halfway through.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from .errors import PromptError

__all__ = ["PROMPT_VARIABLES", "Prompt", "load_prompt", "prompts_dir"]

PROMPT_VARIABLES: dict[str, frozenset[str]] = {
    "extract_system": frozenset(),
    "extract_user": frozenset({"title", "institutions", "excerpt"}),
    "reask": frozenset({"errors"}),
    "json_mode": frozenset({"schema"}),
    "topic_system": frozenset(),
    "topic_user": frozenset({"titles"}),
    "verify_system": frozenset(),
    "verify_user": frozenset(
        {"method", "method_quotes", "problem", "problem_quotes", "result", "result_quotes"}
    ),
}


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    def render(self, **variables: str) -> str:
        expected = PROMPT_VARIABLES[self.name]
        if set(variables) != expected:
            raise PromptError(
                f"prompt {self.name!r} takes {sorted(expected)}, got {sorted(variables)}"
            )
        return Template(self.text).substitute(variables).strip()


def prompts_dir() -> Path:
    """The bundled prompts: inside the installed package, or prompts/ of a source checkout."""
    packaged = Path(str(resources.files("digest"))) / "prompts"
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parent.parent / "prompts"
    if source.is_dir():
        return source
    raise PromptError(f"prompts not found in {packaged} nor {source}; reinstall paper-digest")


def load_prompt(name: str, directory: Path | None = None) -> Prompt:
    """Read and check one prompt. Not cached: an edited file takes effect (and changes the hash
    that keys stored answers) on the next run, also in a long-lived process."""
    directory = directory or prompts_dir()
    if name not in PROMPT_VARIABLES:
        raise PromptError(f"unknown prompt {name!r}; known: {sorted(PROMPT_VARIABLES)}")
    path = directory / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise PromptError(f"{path}: cannot read prompt ({err.strerror})") from err
    template = Template(text)
    if not template.is_valid():
        raise PromptError(f"{path}: invalid placeholder (use $$ for a literal dollar sign)")
    used = set(template.get_identifiers())
    expected = PROMPT_VARIABLES[name]
    if used != expected:
        raise PromptError(
            f"{path}: uses variables {sorted(used)}, the code passes {sorted(expected)}"
        )
    return Prompt(name=name, text=text)
