"""The English translation: complete, current, and what an English reader actually gets.

The UI is written in Chinese (the default) and translated through gettext into English
(locale/en/LC_MESSAGES/django.po). `make test` compiles the catalogue before pytest; a direct
pytest run compiles it here when the .mo is missing or older than the .po.

Data stays as written — task texts, unit names, document numbers, meeting names are Chinese
in both languages. What must not stay Chinese in English are the labels: the navigation,
table headers, definition terms, form labels and buttons.
"""

import ast
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse

from commendations.models import Decision
from meetings.models import Meeting
from tasks import roles
from tasks.tests.factories import build_world, make_user

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
CATALOGUE = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# The same paths the documented makemessages command leaves out (README, "Translations").
SCANNED = {".py", ".html", ".txt"}
NOT_SCANNED = {".venv", "staticfiles", "bench", "benchmarks", "loadtest", "locale", "node_modules", "test-results"}
MAKEMESSAGES_COMMAND = (
    ".venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=staticfiles "
    "--ignore=bench --ignore=benchmarks --ignore=loadtest"
)
# Each language is named in its own language in the switch, so whoever cannot read the
# current one still finds theirs: 简体中文 is the English catalogue's translation of 简体中文.
OWN_NAMES = {"简体中文"}


def read_catalogue(path):
    """The entries of a .po file as dicts (msgctxt, msgid, msgid_plural, msgstr: list, flags).

    Enough of the format for what makemessages writes; obsolete entries (#~) are left out.
    """
    entries, entry, key = [], None, None

    def finish():
        if entry and "msgid" in entry and not entry.get("obsolete"):
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            finish()
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if isinstance(key, int):
                entry["msgstr"][key] += text
            else:
                entry[key] += text
        else:
            keyword, _space, value = line.partition(" ")
            text = ast.literal_eval(value)
            if keyword.startswith("msgstr"):
                key = int(keyword[7:-1]) if "[" in keyword else 0
                entry["msgstr"][key] = text
            else:
                key = keyword
                entry[key] = text
    return [{**entry, "msgstr": [entry["msgstr"][n] for n in sorted(entry["msgstr"])]} for entry in entries]


def catalogue_keys(path):
    return {(entry.get("msgctxt"), entry["msgid"]) for entry in read_catalogue(path) if entry["msgid"]}


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """Compile every .po of LOCALE_PATHS whose .mo is missing or older, as compilemessages would."""
    compiled = False
    for po in LOCALE_DIR.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        if shutil.which("msgfmt") is None:
            pytest.fail(f"{mo} is missing or stale and msgfmt is not installed: apt-get install gettext")
        # --check-format: every placeholder of the msgid is kept in the translation.
        result = subprocess.run(
            ["msgfmt", "--check-format", "-o", str(mo), str(po)], check=False, capture_output=True, text=True
        )
        if result.returncode:
            pytest.fail(f"msgfmt rejects {po}:\n{result.stderr}")
        compiled = True
    if compiled:
        # Django caches catalogues per process; a changed LOCALE_PATHS setting drops the cache
        # (django.test.signals), so the English of this run is read from the new .mo.
        with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
            pass


# --- The catalogue ----------------------------------------------------------------------------------------


def test_every_entry_is_translated():
    entries = read_catalogue(CATALOGUE)
    untranslated = [entry["msgid"] for entry in entries if entry["msgid"] and not all(entry["msgstr"])]
    fuzzy = [entry["msgid"] for entry in entries if entry["msgid"] and "fuzzy" in entry["flags"]]
    assert len(entries) > 500
    # A fuzzy entry is a guess of msgmerge's: compiled catalogues leave it out. Check it, drop the flag.
    assert {"untranslated": untranslated, "fuzzy": fuzzy} == {"untranslated": [], "fuzzy": []}, CATALOGUE


def test_no_chinese_left_in_the_english():
    """A msgstr copied from its msgid would pass as translated; Chinese is allowed only quoted
    or in brackets: examples of data (“区政府”) and the 是/否 values of the fill-in sheet,
    which its upload reads in every language."""
    left = [
        (entry["msgid"], text)
        for entry in read_catalogue(CATALOGUE)
        for text in entry["msgstr"]
        if text not in OWN_NAMES and CJK.search(re.sub(r"“[^”]*”|\([^)]*\)", "", text))
    ]
    assert left == []


def test_catalogue_has_every_string_of_the_code(tmp_path, settings, monkeypatch):
    """makemessages on a copy of the sources finds no string the committed catalogue lacks."""
    sources = tmp_path / "src"
    sources.mkdir()

    def keep(folder, names):
        # What makemessages reads for the django domain: .py, .html and .txt files.
        return [name for name in names if not (Path(folder, name).is_dir() or Path(name).suffix in SCANNED)]

    for entry in settings.BASE_DIR.iterdir():
        if entry.name in NOT_SCANNED or entry.name.startswith("."):
            continue
        if entry.is_dir():
            shutil.copytree(entry, sources / entry.name, ignore=keep)
        elif entry.suffix in SCANNED:
            shutil.copy2(entry, sources / entry.name)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(sources)
    call_command("makemessages", locale=["en"], verbosity=0)

    missing = catalogue_keys(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po") - catalogue_keys(CATALOGUE)
    assert missing == set(), (
        f"strings not in {CATALOGUE}: {sorted(msgid for _context, msgid in missing)}. "
        f"Run `{MAKEMESSAGES_COMMAND}` and translate the new entries."
    )


# --- What an English reader gets ----------------------------------------------------------------------


class Labels(HTMLParser):
    """The UI labels of a page: the main navigation (but the language names), table headers,
    definition terms, form labels, buttons, captions, and placeholder / aria-label attributes."""

    LABEL_TAGS = {"dt", "label", "button", "legend", "caption"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html):
        super().__init__()
        self.stack, self.texts = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.texts += [attrs[name] for name in ("placeholder", "aria-label") if attrs.get(name)]
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        tags = [open_tag for open_tag, _attrs in self.stack]
        if tag in tags:
            del self.stack[len(tags) - 1 - tags[::-1].index(tag) :]

    def handle_data(self, data):
        tags = [tag for tag, _attrs in self.stack]
        in_navbar = any(tag == "nav" and "navbar" in attrs.get("class", "") for tag, attrs in self.stack)
        is_label = (
            self.LABEL_TAGS.intersection(tags)
            or ("th" in tags and "thead" in tags)
            or (in_navbar and "option" not in tags)
        )
        if is_label and data.strip():
            self.texts.append(data.strip())


def chinese_labels(response):
    return [text for text in Labels(response.content.decode()).texts if CJK.search(text)]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def english(client, world):
    """The office's client, reading in English as a browser set to English asks for it."""
    client.force_login(world.office)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# Each page with English labels it must show; the office sees every one of them.
PAGES = {
    "dashboard": ["Overview", "Key tasks at a glance", "Overdue", "Progress by section", "Lead units"],
    "task list": ["Lead units", "Responsible units", "Deadline", "Keywords", "Filter", "Export to Excel"],
    "task": ["Lead units", "Responsible units", "Deadline", "Progress reports", "Timeline", "Back to the list"],
    "unit": ["Tasks it leads", "Tasks it is responsible for", "Lead units"],
    "unit list": ["Units", "Leads", "Via collectives", "Overdue"],
    "meeting": ["Chair", "Source document", "Orders", "Deadline as written", "Enterprises mentioned"],
    "meeting list": ["Standing meetings", "Chair"],
    "decision": ["Document number", "Issued by", "Date issued", "Rank", "Enterprise name"],
    "decision list": ["Commendations", "Document number"],
    "report": ["Month reported", "Reporting unit", "Accept", "Return"],
    "extension": ["Requesting unit", "Original deadline", "Requested deadline", "Approve extension"],
    "reviews": ["Awaiting review"],
    "reminders": ["Reminder"],
}


def page_urls(world):
    return {
        "dashboard": reverse("dashboard"),
        "task list": reverse("tasks:task_list"),
        "task": world.task.get_absolute_url(),
        "unit": world.unit.get_absolute_url(),
        "unit list": reverse("tasks:unit_list"),
        "meeting": Meeting.objects.order_by("number").first().get_absolute_url(),
        "meeting list": reverse("meetings:meeting_list"),
        "decision": Decision.objects.get().get_absolute_url(),
        "decision list": reverse("commendations:decision_list"),
        "report": reverse("tasks:report_detail", args=[world.waiting.pk]),
        "extension": reverse("tasks:extension_detail", args=[world.extension.pk]),
        "reviews": reverse("tasks:review_queue"),
        "reminders": reverse("tasks:reminders"),
    }


def test_pages_read_in_english(english, world):
    """One world for all pages (building it is most of the time); every page's problems at once."""
    problems = {}
    for page, url in page_urls(world).items():
        response = english.get(url)
        content = response.content.decode()
        found = [f"status {response.status_code}"] if response.status_code != 200 else []
        found += [] if '<html lang="en">' in content else ["not marked as English"]
        found += [f"no “{label}”" for label in PAGES[page] if label not in content]
        found += [f"Chinese label “{text}”" for text in chinese_labels(response) if text not in OWN_NAMES]
        if found:
            problems[page] = found
    assert problems == {}

    # The records stay as written: a task's text and its units' names.
    content = english.get(world.task.get_absolute_url()).content.decode()
    assert world.task.text in content
    assert world.unit.name in content
    # Days as 31 December 2021 and report months as October 2021, not 2021年12月31日 / 2021年10月.
    deadline = world.task.deadline  # not extended
    assert f"{deadline.day} {deadline:%B} {deadline.year}" in content
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" not in content
    assert "<strong>October 2021</strong>" in content


def test_login_page_in_english(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")

    content = response.content.decode()
    assert '<html lang="en">' in content
    for label in ["Log in", "User name", "Password", "Language", "Switch"]:
        assert label in content
    assert [text for text in chinese_labels(response) if text not in OWN_NAMES] == []


def test_chinese_is_the_default(client, db):
    """No preference, or one we do not offer, reads in Chinese."""
    client.force_login(make_user("office", role=roles.OFFICE))
    for headers in [{}, {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}]:
        response = client.get(reverse("dashboard"), **headers)
        content = response.content.decode()
        assert '<html lang="zh-hans">' in content
        assert "重点工作总览" in content
        assert "Key tasks at a glance" not in content


def test_language_switch_and_cookie_choose_english(client, db):
    """The switch in the navigation posts to set_language, which keeps the choice in a cookie."""
    client.force_login(make_user("office", role=roles.OFFICE))
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("dashboard")})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    content = client.get(reverse("dashboard")).content.decode()
    assert "Key tasks at a glance" in content

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "重点工作总览" in client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
