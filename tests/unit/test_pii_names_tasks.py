"""The people action items and to-do lists assign work to (`capture/pii_names_tasks.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_tasks import find_task_owners

_NOTES = """Action items:
- Samir — call Škoda about the invoice
2. Emine: send the deck before Friday
- [ ] Will: review the Falcon upgrade
- Redis — restart the cluster
- June: release planned
3. Matilda — film adaptation available
- Note: this replaces v2"""


def _owners(text: str) -> list[str]:
    return [text[start:end] for _, start, end in find_task_owners(text)]


def test_the_names_that_lead_action_items_are_found() -> None:
    assert _owners(_NOTES) == ["Samir", "Emine", "Will", "Matilda"]


@pytest.mark.parametrize(
    "line",
    [
        "- Redis — restart the cluster",  # a tool is no given name
        "- June: release planned",  # a given name that is an English word needs a task's verb after it
        "- Max: the upper bound of retries",
        "- Note: this replaces v2",
        "- Samir — Call him",  # the task starts in lower case
    ],
)
def test_what_leads_an_item_but_names_no_one_stays(line: str) -> None:
    assert _owners("Notes:\n" + line) == []


def test_a_single_line_is_no_list() -> None:
    assert _owners("Samir: send the deck") == []


def test_the_redactor_hides_the_owners_and_keeps_the_tasks() -> None:
    redacted = redact_text("Action items:\n- Samir — call Škoda about the invoice\n- Will: review the PR", {})
    assert redacted == "Action items:\n- <PERSON> — call Škoda about the invoice\n- <PERSON>: review the PR"
