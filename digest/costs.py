"""Costs: what tokens cost per model, and the rate limits to keep, from a price table.

The table ships as digest/data/prices.toml (USD per million input/output tokens, plus default
requests- and tokens-per-minute limits); a user file named by DIGEST_PRICES adds models or
replaces them. A model missing from both has no known price: costs are then reported as unknown,
never guessed.
"""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .errors import ConfigError
from .models import Usage
from .untrusted import load_toml

__all__ = ["Price", "load_prices", "price_for"]


class Price(BaseModel):
    input: float
    output: float
    rpm: int | None = None
    tpm: int | None = None
    batch_input: float | None = None  # the Batch API's rates, where the provider offers one
    batch_output: float | None = None

    def cost(self, usage: Usage) -> float:
        """USD for these tokens."""
        return (usage.prompt_tokens * self.input + usage.completion_tokens * self.output) / 1e6

    def batch(self) -> Price:
        """The price of the same tokens sent through the Batch API: its own columns, else the
        online price (an upper bound: a rate the table does not give is not guessed)."""
        return self.model_copy(
            update={
                "input": self.input if self.batch_input is None else self.batch_input,
                "output": self.output if self.batch_output is None else self.batch_output,
            }
        )


def load_prices(user_file: Path | None = None) -> dict[str, Price]:
    """The shipped table, updated with the user's file (DIGEST_PRICES when not given)."""
    shipped = resources.files("digest").joinpath("data/prices.toml").read_text(encoding="utf-8")
    table = _parse(shipped, "digest/data/prices.toml")
    path = user_file or (
        Path(os.environ["DIGEST_PRICES"]) if os.environ.get("DIGEST_PRICES") else None
    )
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            raise ConfigError(f"{path}: cannot read the price table ({err.strerror})") from err
        table.update(_parse(text, str(path)))
    return table


def price_for(model: str, prices: dict[str, Price] | None = None) -> Price | None:
    """The model's price: exact name first, then the longest listed name it starts with
    (a dated snapshot such as gpt-4o-mini-2024-07-18 costs what gpt-4o-mini costs)."""
    prices = load_prices() if prices is None else prices
    if model in prices:
        return prices[model]
    stems = [name for name in prices if model.startswith(name)]
    return prices[max(stems, key=len)] if stems else None


def _parse(text: str, where: str) -> dict[str, Price]:
    try:
        data = load_toml(text)
        return {name: Price.model_validate(row) for name, row in data.get("models", {}).items()}
    except (tomllib.TOMLDecodeError, ValidationError) as err:
        raise ConfigError(f"{where}: not a valid price table: {err}") from err
