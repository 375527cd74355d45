"""`flask --app wsgi kczg …`: init, campaigns, accounts, the demo, backups, pruning.

Every command opens its own database connection. Commands about this year (an account of a
review body, the demo) work in the current campaign's scope; the others (loading and choosing
campaigns, backups, pruning) work across years, said explicitly."""
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

import click
from flask.cli import AppGroup

from kczg import demo
from kczg.campaigns import scope
from kczg.campaigns.files import (
    CAMPAIGN_DIR,
    DEFAULT_CAMPAIGN,
    CampaignFileError,
    copy_campaign_file,
    describe_file,
)
from kczg.db import database, refresh_planner_stats
from kczg.migrate import migrate
from kczg.models import ROLES, UnitType, User
from kczg.operations import Refused, accounts, campaigns
from kczg.operations import search as search_ops
from kczg.passwords import password_problem
from kczg.services import backup, housekeeping, signing
from kczg.services.backup import BackupError

kczg_cli = AppGroup("kczg", help="kczg administration.")


def connected(this_year: bool = False):
    """Run the command with a database connection, in the current campaign's scope
    (`this_year`) or across years; a refusal or a bad campaign file is the command's error."""
    def decorator(fn):
        @wraps(fn)
        def run(*args, **kwargs):
            with database.connection_context(), \
                    (scope.using_current() if this_year else scope.unscoped()), _refusals():
                return fn(*args, **kwargs)
        return run
    return decorator


@contextmanager
def _refusals():
    try:
        yield
    except (CampaignFileError, accounts.AccountError, Refused, BackupError) as e:
        raise click.ClickException(str(e)) from e


def _current_slug() -> str:
    current = scope.current_campaign()
    return current.slug if current is not None else "—"


@kczg_cli.command("init")
@click.option("--campaign", "campaign_file", type=click.Path(exists=True, path_type=Path),
              default=DEFAULT_CAMPAIGN, show_default=True,
              help="Campaign file to load when no campaign is loaded yet.")
@connected()
def init_command(campaign_file):
    """Create or migrate the schema; load the campaign if none is loaded. Idempotent."""
    applied = migrate()
    click.echo(f"schema: {len(applied)} migration(s) applied" if applied
               else "schema: up to date")
    campaign = scope.current_campaign()
    if campaign is None:
        campaign = campaigns.load_campaign(campaign_file)
        click.echo(f"campaign {campaign.slug} loaded from {campaign_file}")
    else:
        click.echo(f"campaign {campaign.slug} already loaded (use load-campaign to reload)")
    indexed = search_ops.index_missing()
    if indexed:
        click.echo(f"search: {indexed} nomination(s) indexed")
    if signing.ensure_ca():
        click.echo(f"signing: the platform's CA made in {signing.directory()} "
                   "(root certificate offered on the verify page)")


@kczg_cli.command("load-campaign")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--keep-current", is_flag=True,
              help="Load it without making it the current campaign (use-campaign later).")
@connected()
def load_campaign_command(file, keep_current):
    """Create or update the campaign described by FILE (overwrites its stored calendar); it
    becomes the current campaign unless --keep-current."""
    before = scope.current_campaign()
    campaign = campaigns.load_campaign(file)
    if keep_current and before is not None and before.id != campaign.id:
        campaigns.use_campaign(before.slug)
    with scope.of(campaign):
        counts = f"{len(scope.lists())} lists, {len(scope.bodies())} review bodies"
    click.echo(f"campaign {campaign.slug}: {counts} loaded; current: {_current_slug()}")


@kczg_cli.command("use-campaign")
@click.argument("slug")
@connected()
def use_campaign_command(slug):
    """Make the campaign SLUG the current one (every page, account and deadline follows it;
    the others stay readable as archives)."""
    campaign = campaigns.use_campaign(slug)
    click.echo(f"current campaign: {campaign.slug} {campaign.title}")


@kczg_cli.command("load-supplement")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@connected()
def load_supplement_command(file):
    """Apply a supplementary notice (补充通知): open or change the lists it describes."""
    campaign = campaigns.load_supplement(file)
    click.echo(f"campaign {campaign.slug}: supplementary notice {file} applied")


@kczg_cli.command("check-campaign")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
def check_campaign_command(file):
    """Validate a campaign (or supplement) file and print its lists, quotas, routing and
    calendar in Chinese, without loading it."""
    with _refusals():
        click.echo(describe_file(file))


@kczg_cli.command("new-campaign")
@click.argument("slug")
@click.option("--from", "source", required=True, help="The campaign file to copy, or its slug.")
@click.option("--out", type=click.Path(path_type=Path), help="Where to write the new file.")
def new_campaign_command(slug, source, out):
    """Copy a campaign file for the next year: slug, year and title changed, dates moved on by
    the difference in years, for the secretariat to edit against the new notice."""
    src = Path(source) if Path(source).exists() else CAMPAIGN_DIR / f"kczg-{source}.toml"
    out = out or CAMPAIGN_DIR / f"kczg-{slug}.toml"
    if out.exists():
        raise click.ClickException(f"{out} exists already")
    with _refusals():
        out.write_text(copy_campaign_file(src, slug), encoding="utf-8")
    click.echo(f"wrote {out}: edit it against the new notice, then check-campaign and "
               "load-campaign")


@kczg_cli.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--body", "body_short_id", help="Review body short id (review and expert roles).")
@click.option("--unit", "unit_name", help="Recommending unit name (unit role).")
@click.option("--unit-type", default="other", show_default=True)
@click.option("--email", default="", help="Where the account's messages and password resets go.")
@connected(this_year=True)
def create_user_command(username, role, password, body_short_id, unit_name, unit_type, email):
    """Create an account of any role (a review body's or an expert's: a body this year
    names)."""
    problem = password_problem(password, username)
    if problem:
        raise click.ClickException(f"password refused: {problem}")
    if User.select().where(User.username == username).exists():
        raise click.ClickException(f"user {username} exists")
    if role == "unit":
        if not unit_name:
            raise click.ClickException("--unit is required for the unit role")
        accounts.create_unit_account(organisation_name=unit_name,
                                     unit_type=UnitType.get(UnitType.code == unit_type),
                                     contact="", phone="", email=email, username=username,
                                     password=password, must_change_password=False)
    else:
        body = scope.body_by_key(body_short_id or "") if role in ("review", "expert") else None
        if role in ("review", "expert") and body is None:
            raise click.ClickException("--body must name a review body short id")
        accounts.create_account(username, role, password, body=body, email=email)
    click.echo(f"created {role} account {username}")


@kczg_cli.command("demo")
@click.option("--phase", type=click.Choice(["collection", "review"]), default="collection",
              show_default=True,
              help="collection: submission open for 30 more days; review: collection closed "
                   "yesterday, with experts, 备案, assignments and scores loaded.")
@connected(this_year=True)
def demo_command(phase):
    """Load the demo accounts (password kczg-demo), about 60 submitted nominations, and move
    the calendar to today."""
    demo.load()  # collection open, so that the nominations can be submitted
    created = demo.load_nominations()
    review = None
    if phase == "review":
        demo.load(days_left=-1)
        review = demo.load_review()
    refresh_planner_stats()  # (the hourly housekeeping does it from then on)
    for line in demo.summary():
        click.echo(line)
    click.echo(f"demo nominations: {created} submitted now"
               if created else "demo nominations: already there")
    if review:
        click.echo(review)


@kczg_cli.command("backup")
@click.argument("directory", type=click.Path(path_type=Path))
@connected()
def backup_command(directory):
    """Back up the database and the files directory into DIRECTORY (new or empty), with a
    manifest of checksums. Safe while the platform is running."""
    s = backup.backup(directory)
    click.echo(f"backup in {s.directory}: {s.database} database, {s.files} files "
               f"({s.bytes / 1048576:.1f} MiB), manifest.json")


@kczg_cli.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(directory):
    """Restore a backup made by `backup` into this (empty) instance: checksums are verified
    first; stop the app and the workers while it runs."""
    with _refusals():
        s = backup.restore(directory)  # opens and closes its own connections
    click.echo(f"restored {s.database} database and {s.files} files from {s.directory}")


@kczg_cli.command("prune")
@click.option("--days", type=int, default=None,
              help="Retention in days (default: KCZG_RETENTION_DAYS, 14).")
@connected()
def prune_command(days):
    """Delete bundle ZIPs no recent build points at, superseded rendered documents and stale
    temporary files (the worker also does this every hour)."""
    r = housekeeping.prune(days)
    click.echo(f"pruned {len(r.bundles)} bundles, {len(r.documents)} documents, "
               f"{len(r.temporary)} temporary files ({r.size / 1048576:.1f} MiB), "
               f"{r.sessions} old sessions")
