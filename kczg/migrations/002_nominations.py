"""Peewee migrations -- 002_nominations.py.

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
    class Nomination(pw.Model):
        id = pw.AutoField()
        list = pw.ForeignKeyField(column_name='list_id', field='id', model=migrator.orm['nomination_list'])
        domain = pw.ForeignKeyField(column_name='domain_id', field='id', model=migrator.orm['domain'], null=True)
        organisation = pw.ForeignKeyField(column_name='organisation_id', field='id', model=migrator.orm['organisation'])
        title = pw.CharField(default='', max_length=255)
        raw = pw.TextField()
        clean = pw.TextField(null=True)
        status = pw.CharField(default='draft', index=True, max_length=255)
        version = pw.IntegerField(default=1)
        last_editor = pw.CharField(default='', max_length=255)
        dedupe_key = pw.CharField(default='', index=True, max_length=255)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'])
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        submitted_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "nomination"

    @migrator.create_model
    class Attachment(pw.Model):
        id = pw.AutoField()
        organisation = pw.ForeignKeyField(column_name='organisation_id', field='id', model=migrator.orm['organisation'])
        list = pw.ForeignKeyField(column_name='list_id', field='id', model=migrator.orm['nomination_list'])
        nomination = pw.ForeignKeyField(column_name='nomination_id', field='id', model=migrator.orm['nomination'], null=True, on_delete='CASCADE')
        kind = pw.CharField(max_length=255)
        original_name = pw.CharField(max_length=255)
        stored_name = pw.CharField(max_length=255, unique=True)
        content_type = pw.CharField(max_length=255)
        size = pw.IntegerField()
        sha256 = pw.CharField(max_length=255)
        uploaded_by = pw.ForeignKeyField(column_name='uploaded_by_id', field='id', model=migrator.orm['user'])
        uploaded_at = pw.DateTimeField()

        class Meta:
            table_name = "attachment"

    @migrator.create_model
    class NominationConflict(pw.Model):
        id = pw.AutoField()
        nomination = pw.ForeignKeyField(column_name='nomination_id', field='id', model=migrator.orm['nomination'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'])
        at = pw.DateTimeField()
        based_on_version = pw.IntegerField()
        stored_version = pw.IntegerField()
        raw = pw.TextField()
        resolved = pw.BooleanField(default=False)

        class Meta:
            table_name = "nomination_conflict"

    @migrator.create_model
    class NominationHistory(pw.Model):
        id = pw.AutoField()
        nomination = pw.ForeignKeyField(column_name='nomination_id', field='id', model=migrator.orm['nomination'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'])
        at = pw.DateTimeField()
        action = pw.CharField(max_length=255)
        fields = pw.TextField()
        version = pw.IntegerField()

        class Meta:
            table_name = "nomination_history"

def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""

    migrator.remove_model('nomination_history')

    migrator.remove_model('nomination_conflict')

    migrator.remove_model('attachment')

    migrator.remove_model('nomination')
