"""What an LLM call costs: a price table per model, from EVALFORGE_LLM_PRICES over the defaults below.

DEFAULT_PRICES are PLACEHOLDERS to check against your MiniMax account: MiniMax published US$0.30 per million
input tokens and US$1.20 per million output tokens for MiniMax-M2 (platform.minimax.io pricing page); the same
figures are assumed for M2.5. Set EVALFORGE_LLM_PRICES to your contract's prices.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from pydantic import BaseModel, Field, ValidationError


class ModelPrice(BaseModel):
    input_per_mtok: float = Field(ge=0, description="US dollars per million input tokens.")
    output_per_mtok: float = Field(ge=0, description="US dollars per million output tokens.")

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_mtok + output_tokens * self.output_per_mtok) / 1_000_000


DEFAULT_PRICES: dict[str, ModelPrice] = {
    "MiniMax-M2.5": ModelPrice(input_per_mtok=0.30, output_per_mtok=1.20),
    "MiniMax-M2": ModelPrice(input_per_mtok=0.30, output_per_mtok=1.20),
}


class PriceTableError(ValueError):
    """EVALFORGE_LLM_PRICES is not a valid price table."""


def price_table(raw: str | None) -> dict[str, ModelPrice]:
    """The defaults with EVALFORGE_LLM_PRICES (`{model: {input_per_mtok, output_per_mtok}}`) laid over them."""
    table = dict(DEFAULT_PRICES)
    if not raw:
        return table
    try:
        given = json.loads(raw)
        if not isinstance(given, dict):
            raise TypeError("the top level is not an object")
        table.update({str(model): ModelPrice.model_validate(price) for model, price in given.items()})
    except (ValueError, TypeError, ValidationError) as exc:
        raise PriceTableError(
            f"EVALFORGE_LLM_PRICES could not be read ({exc}); set it to JSON such as "
            '{"MiniMax-M2.5": {"input_per_mtok": 0.3, "output_per_mtok": 1.2}} (US dollars per million tokens).'
        ) from exc
    return table


def record_usage(recorder_count: Callable[..., None], model: str, input_tokens: int, output_tokens: int,
                 price: ModelPrice | None) -> None:
    """Count one response's tokens and, when the model has a price, its cost."""
    recorder_count("evalforge_llm_tokens_total", input_tokens, model=model, direction="input")
    recorder_count("evalforge_llm_tokens_total", output_tokens, model=model, direction="output")
    if price is not None:
        recorder_count("evalforge_llm_cost_usd_total", price.cost(input_tokens, output_tokens), model=model)
