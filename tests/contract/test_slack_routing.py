"""The routing file, and resolving its people to Slack members through the gateway and the Slack double."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalforge_assets.recovery.warroom.routing import RoutingFileError, load_routing, resolve_people
from evalforge_assets.recovery.warroom.slack_gateway import (
    IncomingWebhookGateway,
    WebApiGateway,
    slack_web_client,
)
from tests.doubles.slack_api import TOKEN, SlackApiDouble

ROUTING = """
teams:
  payments: [carol@example.com, "@dave"]
  sre: [alice@example.com]
services:
  checkout: payments
default: sre
"""


@pytest.fixture
def gateway(slack_api: SlackApiDouble) -> WebApiGateway:
    slack_api.page_cap = 2  # users.list is paged; resolution must read every page
    slack_api.add_user("U0CAROL001", "carol", real_name="Carol Diaz", email="carol@example.com")
    slack_api.add_user("U0DAVE0001", "dave.k", real_name="David King", display_name="dave")
    slack_api.add_user("U0ERIN0001", "erin", real_name="Erin Moss", display_name="")
    slack_api.add_user("U0FRANK001", "frank", real_name="", display_name="")
    slack_api.add_user("U0GINA0001", "gina.l", real_name="Gina Lopez", display_name="gina")
    slack_api.add_user("U0GINA0002", "gina.p", real_name="Gina Park", display_name="gina")
    slack_api.add_user("U0HARRY001", "harry.b", real_name="Harriet Bloom", display_name="harry")
    slack_api.add_user("U0HARRY002", "harry.c", real_name="Harriet Bloem", display_name="hcooper")
    slack_api.add_user("U0OLD00001", "olaf", real_name="Olaf Gone", deleted=True)
    return WebApiGateway(slack_web_client(TOKEN, slack_api.api_url))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "routing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_service_team_and_default(tmp_path: Path) -> None:
    routing = load_routing(write(tmp_path, ROUTING))

    assert routing.people_for("checkout") == ["carol@example.com", "@dave"]
    assert routing.team_for("search") == "sre" and routing.people_for("search") == ["alice@example.com"]


@pytest.mark.parametrize(
    ("person", "user_id"),
    [
        ("carol@example.com", "U0CAROL001"),  # users.lookupByEmail
        ("@dave", "U0DAVE0001"),  # display name
        ("Erin Moss", "U0ERIN0001"),  # real name
        ("frank", "U0FRANK001"),  # username
        ("Davd King", "U0DAVE0001"),  # fuzzy, one member above the threshold
    ],
)
def test_each_way_of_naming_someone_resolves(gateway: WebApiGateway, person: str, user_id: str) -> None:
    resolution = resolve_people(gateway, [person])

    assert resolution.user_ids == [user_id] and resolution.unresolved == []


def test_the_same_person_named_twice_is_invited_once(gateway: WebApiGateway) -> None:
    assert resolve_people(gateway, ["carol@example.com", "carol"]).user_ids == ["U0CAROL001"]


@pytest.mark.parametrize(
    ("person", "reason"),
    [
        ("nobody@example.com", "no Slack member has this email"),
        ("gina", "several members have the display name 'gina'"),  # ambiguous exact match
        ("Harriet Blom", "several members are close to 'Harriet Blom'"),  # ambiguous fuzzy match
        ("Zed Quinn", "no member's name matches 'Zed Quinn'"),  # below the threshold
        ("Olaf Gone", "no member's name matches"),  # deactivated members are not candidates
    ],
)
def test_ambiguous_or_unknown_people_are_unresolved_never_guessed(gateway: WebApiGateway, person: str,
                                                                  reason: str) -> None:
    resolution = resolve_people(gateway, [person, "carol@example.com"])

    assert resolution.user_ids == ["U0CAROL001"]
    assert resolution.unresolved == [person] and reason in resolution.reasons[person]


def test_the_threshold_is_configurable(gateway: WebApiGateway) -> None:
    assert resolve_people(gateway, ["Davd King"], threshold=99).unresolved == ["Davd King"]
    assert resolve_people(gateway, ["Dav King"], threshold=80).user_ids == ["U0DAVE0001"]


def test_users_are_listed_only_when_someone_is_named_by_handle(slack_api: SlackApiDouble,
                                                              gateway: WebApiGateway) -> None:
    resolve_people(gateway, ["carol@example.com"])

    assert "users.list" not in [method for method, _ in slack_api.calls]


def test_a_webhook_only_setup_resolves_nobody_and_says_so(slack_api: SlackApiDouble) -> None:
    resolution = resolve_people(IncomingWebhookGateway(slack_api.webhook_url), ["carol@example.com", "@dave"])

    assert resolution.user_ids == [] and resolution.unresolved == ["carol@example.com", "@dave"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("teams: [unclosed", "is not valid YAML"),
        ("- just\n- a list\n", "must be a mapping with `teams`"),
        ("teams:\n  sre: [a@example.com]\ndefault: payments\n", "default names team 'payments'"),
        ("teams:\n  sre: [a@example.com]\nservices:\n  checkout: pay\ndefault: sre\n",
         "services.checkout names team 'pay'"),
        ("teams:\n  sre: []\ndefault: sre\n", "team 'sre' needs at least one person"),
        ("teams:\n  sre: [a@example.com]\n", "default: Field required"),
        ("teams:\n  sre: [a@example.com]\ndefault: sre\nowners: x\n", "owners: Extra inputs are not permitted"),
    ],
)
def test_a_bad_routing_file_names_the_file_and_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)

    with pytest.raises(RoutingFileError) as caught:
        load_routing(path)
    assert str(path) in str(caught.value) and problem in str(caught.value)


def test_a_missing_routing_file_says_which_setting_to_fix(tmp_path: Path) -> None:
    with pytest.raises(RoutingFileError, match="EVALFORGE_SLACK_ROUTING"):
        load_routing(tmp_path / "absent.yaml")
