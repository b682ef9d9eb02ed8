"""What calls cost: a ledger per stage and model, and a budget that stops new work.

Every reply is booked (usage of failed replies and repair turns included; a cache hit costs
nothing but is counted), at the price of the endpoint that served it. ``Budget`` is checked
before a new call is scheduled: once spent, ``BudgetExceededError`` stops the run, while calls
already in flight finish and are booked (so the total can pass the budget by their cost).
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, ConfigDict

from kgsynth.errors import BudgetExceededError
from kgsynth.llm.base import Usage


class StageCost(BaseModel):
    """Totals for one (stage, model) row of the ledger."""

    model_config = ConfigDict(extra="forbid")

    calls: int = 0
    cache_hits: int = 0
    attempts: int = 0
    failed_attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False
    cost: float = 0.0


class Ledger:
    """Usage and cost per ``(stage, model)``; ``total()`` sums the rows."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], StageCost] = defaultdict(StageCost)

    def book(self, stage: str, model: str, usage: Usage, cost: float, *, attempts: int, cached: bool) -> None:
        """Add one completed call (``attempts`` HTTP attempts, 0 for a cache hit)."""
        row = self.rows[(stage, model)]
        row.calls += 1
        row.cache_hits += int(cached)
        row.attempts += attempts
        row.prompt_tokens += usage.prompt_tokens
        row.completion_tokens += usage.completion_tokens
        row.estimated = row.estimated or usage.estimated
        row.cost += cost

    def book_failure(self, stage: str, model: str, attempts: int) -> None:
        """Count HTTP attempts that got no reply (errors, timeouts): no tokens are known for them."""
        row = self.rows[(stage, model)]
        row.attempts += attempts
        row.failed_attempts += attempts

    def total(self, stage: str | None = None) -> StageCost:
        out = StageCost()
        for (row_stage, _model), row in self.rows.items():
            if stage is None or row_stage == stage:
                for field in StageCost.model_fields:
                    current, add = getattr(out, field), getattr(row, field)
                    setattr(out, field, (current or add) if field == "estimated" else current + add)
        return out


class Budget:
    """A spending limit in dollars and/or tokens, shared by every client of a run."""

    def __init__(self, max_cost: float | None = None, max_tokens: int | None = None) -> None:
        self.max_cost = max_cost
        self.max_tokens = max_tokens
        self.cost = 0.0
        self.tokens = 0

    def charge(self, usage: Usage, cost: float) -> None:
        self.cost += cost
        self.tokens += usage.total_tokens

    def check(self) -> None:
        """Raise ``BudgetExceededError`` when the budget is spent (checked before each new call)."""
        if self.max_cost is not None and self.cost >= self.max_cost:
            raise BudgetExceededError(
                f"budget reached: ${self.cost:.4f} spent of ${self.max_cost:.4f}; no new request is sent "
                "(raise --budget to go on)"
            )
        if self.max_tokens is not None and self.tokens >= self.max_tokens:
            raise BudgetExceededError(
                f"token budget reached: {self.tokens} tokens used of {self.max_tokens}; "
                "no new request is sent (raise --budget-tokens to go on)"
            )
