"""LLM calls are counted with their tokens and their cost at the configured price."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalforge_assets import telemetry
from evalforge_assets.llm import build_model, final_text, invoke, new_agent
from evalforge_assets.settings import Settings
from evalforge_assets.store import open_store
from tests.doubles.minimax import MiniMaxDouble, Reply


def _stored(tmp_path: Path) -> dict[str, dict[str, float]]:
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    telemetry.flush(store)
    return {name: {sid: s.value for sid, s in family.series.items()}
            for name, family in telemetry.read_families(store).items()}


def test_a_model_call_counts_the_call_its_tokens_and_its_cost(tmp_path: Path) -> None:
    telemetry.RECORDER.take()  # start from nothing this process recorded earlier
    settings = Settings(_env_file=None, MINIMAX_API_KEY="test-key",  # type: ignore[call-arg]
                        EVALFORGE_LLM_PRICES='{"MiniMax-M2.5": {"input_per_mtok": 2, "output_per_mtok": 10}}')
    double = MiniMaxDouble([Reply("Checkout is down.")])  # the double reports 50 prompt, 20 completion tokens
    agent = new_agent(build_model(settings, http_client=double.http_client()), system_prompt="Be brief.")
    assert final_text(invoke(agent, "What is failing?")) == "Checkout is down."
    stored = _stored(tmp_path)
    assert stored["evalforge_llm_calls_total"] == {"model=MiniMax-M2.5|outcome=ok": 1}
    assert stored["evalforge_llm_tokens_total"] == {"model=MiniMax-M2.5|direction=input": 50,
                                                    "model=MiniMax-M2.5|direction=output": 20}
    assert stored["evalforge_llm_cost_usd_total"]["model=MiniMax-M2.5"] == pytest.approx((50 * 2 + 20 * 10) / 1e6)
