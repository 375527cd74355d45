"""Peewee migrations -- 003_documents.py.

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
    import playhouse.postgres_ext as pw_pext

def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""

    @migrator.create_model
    class BundleBuild(pw.Model):
        id = pw.AutoField()
        scope = pw.CharField(index=True, max_length=255)
        content_key = pw.CharField(index=True, max_length=255)
        status = pw.CharField(default='queued', max_length=255)
        done = pw.IntegerField(default=0)
        total = pw.IntegerField(default=0)
        size = pw.BigIntegerField(default=0)
        error = pw.TextField(default='')
        requested_by = pw.ForeignKeyField(column_name='requested_by_id', field='id', model=migrator.orm['user'], null=True)
        created_at = pw.DateTimeField()
        finished_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "bundle_build"

    @migrator.create_model
    class DocumentRecord(pw.Model):
        id = pw.AutoField()
        code = pw.CharField(max_length=255, unique=True)
        kind = pw.CharField(index=True, max_length=255)
        subject = pw.CharField(index=True, max_length=255)
        title = pw.CharField(max_length=255)
        organisation = pw.ForeignKeyField(column_name='organisation_id', field='id', model=migrator.orm['organisation'], null=True)
        nomination = pw.ForeignKeyField(column_name='nomination_id', field='id', model=migrator.orm['nomination'], null=True)
        review_body = pw.ForeignKeyField(column_name='review_body_id', field='id', model=migrator.orm['review_body'], null=True)
        list = pw.ForeignKeyField(column_name='list_id', field='id', model=migrator.orm['nomination_list'], null=True)
        domain = pw.ForeignKeyField(column_name='domain_id', field='id', model=migrator.orm['domain'], null=True)
        content_hash = pw.CharField(max_length=255)
        generated_at = pw.DateTimeField()
        superseded_by = pw.ForeignKeyField(column_name='superseded_by_id', field='id', model='self', null=True)
        superseded_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "document_record"

def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""

    migrator.remove_model('document_record')

    migrator.remove_model('bundle_build')
