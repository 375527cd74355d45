"""Peewee migrations -- 001_initial.py.

Some examples (model - class or model name)::

    > Model = migrator.orm['table_name']            # Return model in current state by name
    > Model = migrator.ModelClass                   # Return model in current state by name

    > migrator.sql(sql)                             # Run custom SQL
    > migrator.run(func, *args, **kwargs)           # Run python function with the given args
    > migrator.create_model(Model)                  # Create a model (could be used as decorator)
    > migrator.remove_model(model, cascade=True)    # Remove a model
    > migrator.add_fields(model, **fields)          # Add fields (allow_not_null=True skips default)
    > migrator.change_fields(model, **fields)       # Change fields
    > migrator.remove_fields(model, *field_names, cascade=True)
    > migrator.rename_field(model, old_field_name, new_field_name)
    > migrator.rename_table(model, new_table_name)
    > migrator.add_index(model, *col_names, unique=False)
    > migrator.add_not_null(model, *field_names)
    > migrator.add_default(model, field_name, default)
    > migrator.add_constraint(model, name, sql)
    > migrator.drop_index(model, *col_names)
    > migrator.drop_not_null(model, *field_names)
    > migrator.drop_constraints(model, *constraints)

"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator

with suppress(ImportError):
    pass


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""

    @migrator.create_model
    class UnitType(pw.Model):
        id = pw.AutoField()
        code = pw.CharField(max_length=255, unique=True)
        name = pw.CharField(max_length=255)
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "unit_type"

    @migrator.create_model
    class Organisation(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=255, unique=True)
        unit_type = pw.ForeignKeyField(column_name='unit_type_id', field='id', model=migrator.orm['unit_type'])
        contact = pw.CharField(default='', max_length=255)
        phone = pw.CharField(default='', max_length=255)
        email = pw.CharField(default='', max_length=255)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "organisation"

    @migrator.create_model
    class Campaign(pw.Model):
        id = pw.AutoField()
        slug = pw.CharField(max_length=255, unique=True)
        title = pw.CharField(max_length=255)
        notice_title = pw.CharField(max_length=255)
        notice_text = pw.TextField(default='')
        issuer = pw.CharField(default='', max_length=255)
        platform_url = pw.CharField(default='', max_length=255)
        timezone = pw.CharField(default='Asia/Shanghai', max_length=255)
        submission_deadline = pw.DateTimeField()
        submission_deadline_label = pw.CharField(max_length=255)
        initial_results_deadline = pw.DateTimeField()
        initial_results_deadline_label = pw.CharField(max_length=255)
        is_current = pw.BooleanField(default=True)
        demo_shift_days = pw.IntegerField(default=0)
        loaded_at = pw.DateTimeField()

        class Meta:
            table_name = "campaign"

    @migrator.create_model
    class ReviewBody(pw.Model):
        id = pw.AutoField()
        campaign = pw.ForeignKeyField(column_name='campaign_id', field='id', model=migrator.orm['campaign'], on_delete='CASCADE')
        short_id = pw.CharField(max_length=255)
        name = pw.CharField(max_length=255)
        scope = pw.CharField(default='', max_length=255)
        contact = pw.CharField(default='', max_length=255)
        phones = pw.CharField(default='', max_length=255)
        email = pw.CharField(default='', max_length=255)
        address = pw.CharField(default='', max_length=255)
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "review_body"
            indexes = [(('campaign', 'short_id'), True)]

    @migrator.create_model
    class User(pw.Model):
        id = pw.AutoField()
        username = pw.CharField(max_length=255, unique=True)
        password_hash = pw.CharField(max_length=255)
        role = pw.CharField(index=True, max_length=255)
        display_name = pw.CharField(default='', max_length=255)
        organisation = pw.ForeignKeyField(column_name='organisation_id', field='id', model=migrator.orm['organisation'], null=True)
        review_body = pw.ForeignKeyField(column_name='review_body_id', field='id', model=migrator.orm['review_body'], null=True)
        active = pw.BooleanField(default=True)
        must_change_password = pw.BooleanField(default=False)
        created_at = pw.DateTimeField()
        last_login_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "user"

    @migrator.create_model
    class AccountApplication(pw.Model):
        id = pw.AutoField()
        organisation_name = pw.CharField(max_length=255)
        unit_type = pw.ForeignKeyField(column_name='unit_type_id', field='id', model=migrator.orm['unit_type'])
        contact = pw.CharField(max_length=255)
        phone = pw.CharField(max_length=255)
        email = pw.CharField(max_length=255)
        username = pw.CharField(max_length=255)
        password_hash = pw.CharField(max_length=255)
        status = pw.CharField(default='pending', index=True, max_length=255)
        comment = pw.CharField(default='', max_length=255)
        created_at = pw.DateTimeField()
        decided_at = pw.DateTimeField(null=True)
        decided_by = pw.ForeignKeyField(column_name='decided_by_id', field='id', model=migrator.orm['user'], null=True)

        class Meta:
            table_name = "account_application"

    @migrator.create_model
    class Contact(pw.Model):
        id = pw.AutoField()
        campaign = pw.ForeignKeyField(column_name='campaign_id', field='id', model=migrator.orm['campaign'], on_delete='CASCADE')
        kind = pw.CharField(max_length=255)
        organisation = pw.CharField(default='', max_length=255)
        person = pw.CharField(default='', max_length=255)
        phones = pw.CharField(default='', max_length=255)
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "contact"

    @migrator.create_model
    class NominationList(pw.Model):
        id = pw.AutoField()
        campaign = pw.ForeignKeyField(column_name='campaign_id', field='id', model=migrator.orm['campaign'], on_delete='CASCADE')
        code = pw.CharField(max_length=255)
        name = pw.CharField(max_length=255)
        size = pw.IntegerField()
        quota = pw.IntegerField(null=True)
        quota_scope = pw.CharField(default='list', max_length=255)
        is_open = pw.BooleanField(default=True)
        status_note = pw.CharField(default='', max_length=255)
        description = pw.TextField(default='')
        review_body = pw.ForeignKeyField(column_name='review_body_id', field='id', model=migrator.orm['review_body'], null=True)
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "nomination_list"
            indexes = [(('campaign', 'code'), True)]

    @migrator.create_model
    class Domain(pw.Model):
        id = pw.AutoField()
        list = pw.ForeignKeyField(column_name='list_id', field='id', model=migrator.orm['nomination_list'], on_delete='CASCADE')
        code = pw.CharField(max_length=255)
        name = pw.CharField(max_length=255)
        review_body = pw.ForeignKeyField(column_name='review_body_id', field='id', model=migrator.orm['review_body'])
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "domain"
            indexes = [(('list', 'code'), True)]

    @migrator.create_model
    class LoginAttempt(pw.Model):
        id = pw.AutoField()
        username = pw.CharField(index=True, max_length=255)
        ip = pw.CharField(default='', index=True, max_length=255)
        succeeded = pw.BooleanField(default=False)
        at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "login_attempt"

    @migrator.create_model
    class Phase(pw.Model):
        id = pw.AutoField()
        campaign = pw.ForeignKeyField(column_name='campaign_id', field='id', model=migrator.orm['campaign'], on_delete='CASCADE')
        key = pw.CharField(max_length=255)
        name = pw.CharField(max_length=255)
        start = pw.DateField()
        end = pw.DateField()
        label = pw.CharField(default='', max_length=255)
        description = pw.TextField(default='')
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "phase"
            indexes = [(('campaign', 'key'), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""

    migrator.remove_model('phase')

    migrator.remove_model('login_attempt')

    migrator.remove_model('domain')

    migrator.remove_model('nomination_list')

    migrator.remove_model('contact')

    migrator.remove_model('account_application')

    migrator.remove_model('user')

    migrator.remove_model('review_body')

    migrator.remove_model('campaign')

    migrator.remove_model('organisation')

    migrator.remove_model('unit_type')
