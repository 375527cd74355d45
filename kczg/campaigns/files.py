"""Campaign files: one TOML file per campaign (and one per supplementary notice), read and
checked here, described in Chinese for `check-campaign`, copied for a new year. Nothing here
writes to the database (loading a file is kczg.operations.campaigns)."""
from __future__ import annotations

import re
import tomllib
from datetime import datetime, timezone
from pathlib import Path

from forms import spec
from forms.registry import FORMS

CAMPAIGN_DIR = Path(__file__).resolve().parent
DEFAULT_CAMPAIGN = CAMPAIGN_DIR / "kczg-2021.toml"


class CampaignFileError(ValueError):
    pass



def _read(path) -> tuple[dict, str]:
    """A TOML file's data and text; any failure to read it is the file's error."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        return tomllib.loads(text), text
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CampaignFileError(f"cannot read {path}: {e}") from e


def read_campaign_file(path: Path) -> dict:
    data, text = _read(path)
    check_lists(data.get("lists", []), path, text)
    for key in ("campaign", "phases", "review_bodies", "lists", "unit_types", "contacts"):
        if key not in data:
            raise CampaignFileError(f"{path}: missing [{key}]")
    bodies = {b["short_id"] for b in data["review_bodies"]}
    for lst in data["lists"]:
        routed = [lst.get("review_body")] + [d["review_body"] for d in lst.get("domains", [])]
        for short_id in filter(None, routed):
            if short_id not in bodies:
                raise CampaignFileError(f"{path}: list {lst['code']} routes to unknown "
                                        f"review body {short_id!r}")
        if lst.get("open", True) and lst.get("quota_scope") == "domain" and not lst.get("domains"):
            raise CampaignFileError(f"{path}: list {lst['code']} has a per-domain quota "
                                    "but no domains")
    return data


def notice_text(path, name: str | None) -> str:
    """The notice's text: beside the campaign file, else among the shipped campaign files; a
    named file found nowhere is an error (the notice page would be silently empty)."""
    if not name:
        return ""
    for folder in (Path(path).parent, CAMPAIGN_DIR):
        candidate = folder / name
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise CampaignFileError(f"{path}: notice_file {name!r} not found beside the campaign file "
                            f"or in {CAMPAIGN_DIR}")


def campaign_year(c: dict) -> int:
    """The campaign's year: `year` in the file, else the slug's or the title's first digits."""
    if c.get("year"):
        return int(c["year"])
    for text in (str(c.get("slug", "")), str(c.get("title", ""))):
        m = re.match(r"(\d{4})", text)
        if m:
            return int(m.group(1))
    return 0


def check_lists(lists: list[dict], path, text: str | None = None) -> None:
    """Each open list has a form (a class in forms/ or a [lists.form] table, checked here, every
    problem with its line) and a calendar of its own only with both ends."""
    problems = []
    for lst in lists:
        code = lst.get("code", "?")
        if "form" in lst:
            found = spec.check(lst["form"], f"list {code}", text)
            problems += found
            if not found:  # built once here too, so a form that loads is a form that works
                try:
                    spec.build(code, lst.get("name", code), lst["form"])
                except Exception as e:  # noqa: BLE001 - any failure is the file's to fix
                    problems.append(f"list {code}: the form cannot be built: {e}")
        elif lst.get("open", True) and code not in FORMS:
            problems.append(f"list {code}: open, but no form (add [lists.form] or a class in "
                            "forms/)")
        if lst.get("deadline") is not None and not lst.get("deadline_label"):
            problems.append(f"list {code}: deadline needs deadline_label (the notice's wording)")
    if problems:
        raise CampaignFileError(f"{path}: " + "; ".join(problems))


def to_utc_naive(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise CampaignFileError(f"datetime {value} needs an explicit offset, e.g. +08:00")
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def describe_file(path) -> str:
    """A campaign or supplement file checked and told in Chinese: lists, quotas, routing,
    calendar."""
    data, text = _read(path)
    lines = []
    if "supplement" in data:
        check_lists(data.get("lists", []), path, text)
        lines.append(f"补充通知：适用于 {data['supplement'].get('campaign')} 年度征集")
        bodies = {}
    else:
        data = read_campaign_file(path)
        c = data["campaign"]
        notice_text(path, c.get("notice_file"))
        lines.append(f"{c['title']}（{campaign_year(c)}年度，标识 {c['slug']}）")
        lines.append(f"申报截止：{c['submission_deadline_label']}；"
                     f"初评结果报送截止：{c['initial_results_deadline_label']}")
        for p in data["phases"]:
            lines.append(f"  {p['name']}：{p.get('label') or (str(p['start']) + '—' + str(p['end']))}")
        bodies = {b["short_id"]: b["name"] for b in data["review_bodies"]}
    for lst in data.get("lists", []):
        if not lst.get("open", True):
            lines.append(f"{lst['name']}（{lst['code']}）：暂不征集（{lst.get('status_note', '')}）")
            continue
        scope = "每个领域" if lst.get("quota_scope") == "domain" else "每个推荐单位"
        quota = f"{scope}限报{lst.get('quota')}项" if lst.get("quota") else "不限名额"
        form = "表单由本文件定义" if "form" in lst else "表单为平台内置"
        lines.append(f"{lst['name']}（{lst['code']}）：共{lst['size']}项，{quota}，{form}")
        if lst.get("deadline"):
            lines.append(f"  单独截止：{lst.get('deadline_label')}")
        if lst.get("review_body"):
            lines.append(f"  初评机构：{bodies.get(lst['review_body'], lst['review_body'])}")
        for d in lst.get("domains", []):
            lines.append(f"  {d['name']}领域 → {bodies.get(d['review_body'], d['review_body'])}")
    return "\n".join(lines)


def copy_campaign_file(src: Path, slug: str) -> str:
    """The text of `src` for the campaign `slug`: its year in slug, title, labels and dates
    moved on by the difference (the secretariat then edits it against the new notice)."""
    text = Path(src).read_text(encoding="utf-8")
    old = read_campaign_file(src)["campaign"]
    old_year, new_year = campaign_year(old), campaign_year({"slug": slug})
    if not old_year or not new_year:
        raise CampaignFileError("both slugs must start with a year, e.g. 2022")
    shift = new_year - old_year

    def year(m):
        return str(int(m.group(0)) + shift)

    # every four-digit year from the old campaign year on moves (dates, labels, titles)
    text = re.sub(r"(?<!\d)(20\d\d)(?!\d)",
                  lambda m: year(m) if int(m.group(0)) >= old_year - 3 else m.group(0), text)
    text = re.sub(r'^slug = ".*"$', f'slug = "{slug}"', text, count=1, flags=re.M)
    return text


def read_supplement_file(path) -> tuple[dict, str]:
    """A supplementary notice's file (`[supplement] campaign = "2021"` and [[lists]]), its lists
    checked; returns the data and the campaign slug it applies to."""
    data, text = _read(path)
    check_lists(data.get("lists", []), path, text)
    return data, str((data.get("supplement") or {}).get("campaign", ""))
