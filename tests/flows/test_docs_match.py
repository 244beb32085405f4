"""The docs say what the code does: the number and names of the source kinds, the export folders, and a
help text for every argument of every command."""

from __future__ import annotations

import argparse
import re

from flows.cli import _parser
from flows.locations import Locations
from tests.conftest import REPO

NUMBERS = {"four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def _commands(parser: argparse.ArgumentParser, prefix: str = "groundmill"):
    """(command line, parser) of every command and sub-command."""
    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, f"{prefix} {name}")


def _choices(command: str, option: str) -> tuple[str, ...]:
    parser = dict(_commands(_parser()))[command]
    return tuple(next(a for a in parser._actions if option in a.option_strings or a.dest == option).choices)


def test_the_documented_source_kinds_are_the_clis():
    kinds = _choices("groundmill sources add", "--kind")
    listed = re.search(r"There are (\w+) kinds: (.+)\.", (REPO / "docs" / "sources.md").read_text())
    assert NUMBERS[listed[1]] == len(kinds) and set(re.findall(r"`(\w+)`", listed[2])) == set(kinds)
    for doc in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for number in re.findall(rf"\b({'|'.join(NUMBERS)}) (?:source )?kinds\b", doc.read_text()):
            assert NUMBERS[number] == len(kinds), f"{doc.name} says {number} kinds"


def test_the_documented_export_folders_are_where_export_writes():
    text = (REPO / "docs" / "publishing.md").read_text()
    documented = re.findall(
        r"^groundmill export (\w+)(?: --table (\w+))?.*# (data/exports/[\w-]+)", text, re.M
    )
    assert {fmt for fmt, _, _ in documented} == set(_choices("groundmill export", "format"))
    where = Locations(REPO)
    for fmt, table, folder in documented:
        assert where.export(fmt, table or "grounding").relative_to(REPO).as_posix() == folder


def test_every_argument_of_every_command_has_a_help_text():
    missing = [
        f"{command} {action.option_strings[0] if action.option_strings else action.dest}"
        for command, parser in _commands(_parser())
        for action in parser._actions
        if not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)) and not action.help
    ]
    assert missing == []
