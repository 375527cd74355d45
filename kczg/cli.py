"""`flask --app wsgi kczg …`: init, load-campaign, create-user, demo."""
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from kczg.campaigns import DEFAULT_CAMPAIGN, CampaignFileError, current_campaign, load_campaign
from kczg.db import database
from kczg.migrate import migrate
from kczg.models import ROLES, ReviewBody, UnitType, User
from kczg.passwords import hash_password, password_problem
from kczg.services import audit

kczg_cli = AppGroup("kczg", help="kczg administration.")


@kczg_cli.command("init")
@click.option("--campaign", "campaign_file", type=click.Path(exists=True, path_type=Path),
              default=DEFAULT_CAMPAIGN, show_default=True,
              help="Campaign file to load when no campaign is loaded yet.")
def init_command(campaign_file):
    """Create or migrate the schema; load the campaign if none is loaded. Idempotent."""
    with database.connection_context():
        applied = migrate()
        click.echo(f"schema: {len(applied)} migration(s) applied" if applied
                   else "schema: up to date")
        campaign = current_campaign()
        if campaign is None:
            campaign = load_campaign(campaign_file)
            click.echo(f"campaign {campaign.slug} loaded from {campaign_file}")
        else:
            click.echo(f"campaign {campaign.slug} already loaded (use load-campaign to reload)")


@kczg_cli.command("load-campaign")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--keep-current", is_flag=True,
              help="Load it without making it the current campaign (use-campaign later).")
def load_campaign_command(file, keep_current):
    """Create or update the campaign described by FILE (overwrites its stored calendar); it
    becomes the current campaign unless --keep-current."""
    from kczg.campaigns import use_campaign

    with database.connection_context():
        before = current_campaign()
        try:
            campaign = load_campaign(file)
        except CampaignFileError as e:
            raise click.ClickException(str(e))
        if keep_current and before is not None and before.id != campaign.id:
            use_campaign(before.slug)
        click.echo(f"campaign {campaign.slug}: {campaign.lists.count()} lists, "
                   f"{campaign.review_bodies.count()} review bodies loaded; current: "
                   f"{current_campaign().slug}")


@kczg_cli.command("use-campaign")
@click.argument("slug")
def use_campaign_command(slug):
    """Make the campaign SLUG the current one (every page, account and deadline follows it;
    the others stay readable as archives)."""
    from kczg.campaigns import use_campaign

    with database.connection_context():
        try:
            campaign = use_campaign(slug)
        except CampaignFileError as e:
            raise click.ClickException(str(e))
        click.echo(f"current campaign: {campaign.slug} {campaign.title}")


@kczg_cli.command("load-supplement")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
def load_supplement_command(file):
    """Apply a supplementary notice (补充通知): open or change the lists it describes."""
    from kczg.campaigns import load_supplement

    with database.connection_context():
        try:
            campaign = load_supplement(file)
        except CampaignFileError as e:
            raise click.ClickException(str(e))
        click.echo(f"campaign {campaign.slug}: supplementary notice {file} applied")


@kczg_cli.command("check-campaign")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
def check_campaign_command(file):
    """Validate a campaign (or supplement) file and print its lists, quotas, routing and
    calendar in Chinese, without loading it."""
    from kczg.campaigns import describe_file

    try:
        click.echo(describe_file(file))
    except CampaignFileError as e:
        raise click.ClickException(str(e))


@kczg_cli.command("new-campaign")
@click.argument("slug")
@click.option("--from", "source", required=True, help="The campaign file to copy, or its slug.")
@click.option("--out", type=click.Path(path_type=Path), help="Where to write the new file.")
def new_campaign_command(slug, source, out):
    """Copy a campaign file for the next year: slug, year and title changed, dates moved on by
    the difference in years, for the secretariat to edit against the new notice."""
    from kczg.campaigns import CAMPAIGN_DIR, copy_campaign_file

    src = Path(source) if Path(source).exists() else CAMPAIGN_DIR / f"kczg-{source}.toml"
    out = out or CAMPAIGN_DIR / f"kczg-{slug}.toml"
    if out.exists():
        raise click.ClickException(f"{out} exists already")
    try:
        out.write_text(copy_campaign_file(src, slug), encoding="utf-8")
    except CampaignFileError as e:
        raise click.ClickException(str(e))
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
def create_user_command(username, role, password, body_short_id, unit_name, unit_type, email):
    """Create an account of any role."""
    from kczg.services.accounts import AccountError, create_unit_account

    problem = password_problem(password, username)
    if problem:
        raise click.ClickException(f"password refused: {problem}")
    with database.connection_context():
        if User.select().where(User.username == username).exists():
            raise click.ClickException(f"user {username} exists")
        if role == "unit":
            if not unit_name:
                raise click.ClickException("--unit is required for the unit role")
            try:
                create_unit_account(organisation_name=unit_name,
                                    unit_type=UnitType.get(UnitType.code == unit_type),
                                    contact="", phone="", email=email, username=username,
                                    password=password, must_change_password=False)
            except AccountError as e:
                raise click.ClickException(str(e))
        else:
            body = None
            if role in ("review", "expert"):
                campaign = current_campaign()
                body = campaign and ReviewBody.get_or_none(campaign=campaign,
                                                           short_id=body_short_id or "")
                if body is None:
                    raise click.ClickException("--body must name a review body short id")
            User.create(username=username, role=role, password_hash=hash_password(password),
                        review_body=body, display_name=body.name if body else "", email=email)
            audit.record("account_created", username, f"{role}（命令行）")
        click.echo(f"created {role} account {username}")


@kczg_cli.command("demo")
@click.option("--phase", type=click.Choice(["collection", "review"]), default="collection",
              show_default=True,
              help="collection: submission open for 30 more days; review: collection closed "
                   "yesterday, with experts, 备案, assignments and scores loaded.")
@with_appcontext
def demo_command(phase):
    """Load the demo accounts (password kczg-demo), about 60 submitted nominations, and move
    the calendar to today."""
    from kczg import demo

    with database.connection_context():
        demo.load()  # collection open, so that the nominations can be submitted
        created = demo.load_nominations()
        if phase == "review":
            demo.load(days_left=-1)
            review = demo.load_review()
        for line in demo.summary():
            click.echo(line)
        click.echo(f"demo nominations: {created} submitted now"
                   if created else "demo nominations: already there")
        if phase == "review":
            click.echo(review)


@kczg_cli.command("backup")
@click.argument("directory", type=click.Path(path_type=Path))
def backup_command(directory):
    """Back up the database and the files directory into DIRECTORY (new or empty), with a
    manifest of checksums. Safe while the platform is running."""
    from kczg.services import backup

    with database.connection_context():
        try:
            s = backup.backup(directory)
        except backup.BackupError as e:
            raise click.ClickException(str(e))
    click.echo(f"backup in {s.directory}: {s.database} database, {s.files} files "
               f"({s.bytes / 1048576:.1f} MiB), manifest.json")


@kczg_cli.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(directory):
    """Restore a backup made by `backup` into this (empty) instance: checksums are verified
    first; stop the app and the workers while it runs."""
    from kczg.services import backup

    try:
        s = backup.restore(directory)  # opens and closes its own connections
    except backup.BackupError as e:
        raise click.ClickException(str(e))
    click.echo(f"restored {s.database} database and {s.files} files from {s.directory}")


@kczg_cli.command("prune")
@click.option("--days", type=int, default=None,
              help="Retention in days (default: KCZG_RETENTION_DAYS, 14).")
def prune_command(days):
    """Delete bundle ZIPs no recent build points at, superseded rendered documents and stale
    temporary files (the worker also does this every hour)."""
    from kczg.services import housekeeping

    with database.connection_context():
        r = housekeeping.prune(days)
    click.echo(f"pruned {len(r.bundles)} bundles, {len(r.documents)} documents, "
               f"{len(r.temporary)} temporary files ({r.size / 1048576:.1f} MiB), "
               f"{r.sessions} old sessions")
