"""Full-text search tables (core.search facade; docs/decisions/0016-search-engine.md).

Raw SQL, not models: each database gets its own engine. SQLite: a narrow
document table, a text table (original title and body, for snippets), a facet
table, an FTS5 table holding the pre-normalised, pre-stemmed token streams
plus kind/facet tag tokens, and a small FTS5 table of titles alone (rowid =
document id in both).
PostgreSQL: the same document and facet tables plus a ``tsvector`` column
with a GIN index, built from the same token stream.
"""

from django.db import migrations

SQLITE = [
    # Narrow: one small row per document, so joins over large match sets stay cheap.
    """CREATE TABLE core_search_document (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        object_id INTEGER NOT NULL,
        language TEXT NOT NULL DEFAULT '',
        UNIQUE (kind, object_id)
    )""",
    # Wide: the original text, read only for the page of hits (snippets).
    """CREATE TABLE core_search_text (
        id INTEGER PRIMARY KEY REFERENCES core_search_document (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        body TEXT NOT NULL
    )""",
    # Term streams; ``tags`` holds one token for the kind and one per facet value.
    """CREATE VIRTUAL TABLE core_search_fts USING fts5(
        title, body, tags, tokenize = 'ascii', detail = full
    )""",
    # Titles alone (small doclists) with the same tags: the title tiers of the ranking.
    """CREATE VIRTUAL TABLE core_search_title USING fts5(
        title, tags, tokenize = 'ascii', detail = full
    )""",
    """CREATE TABLE core_search_facet (
        document_id INTEGER NOT NULL REFERENCES core_search_document (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (document_id, name, value)
    ) WITHOUT ROWID""",
]
SQLITE_DROP = [
    "DROP TABLE IF EXISTS core_search_facet",
    "DROP TABLE IF EXISTS core_search_title",
    "DROP TABLE IF EXISTS core_search_fts",
    "DROP TABLE IF EXISTS core_search_text",
    "DROP TABLE IF EXISTS core_search_document",
]

POSTGRESQL = [
    """CREATE TABLE core_search_document (
        id BIGSERIAL PRIMARY KEY,
        kind VARCHAR(64) NOT NULL,
        object_id BIGINT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        language VARCHAR(8) NOT NULL DEFAULT '',
        title_key TEXT NOT NULL DEFAULT '',
        terms TSVECTOR NOT NULL,
        CONSTRAINT core_search_document_kind_object UNIQUE (kind, object_id)
    )""",
    "CREATE INDEX core_search_document_terms ON core_search_document USING GIN (terms)",
    """CREATE TABLE core_search_facet (
        document_id BIGINT NOT NULL REFERENCES core_search_document (id) ON DELETE CASCADE,
        kind VARCHAR(64) NOT NULL,
        name VARCHAR(64) NOT NULL,
        value VARCHAR(200) NOT NULL,
        PRIMARY KEY (document_id, name, value)
    )""",
    "CREATE INDEX core_search_facet_value ON core_search_facet (kind, name, value, document_id)",
]
POSTGRESQL_DROP = [
    "DROP TABLE IF EXISTS core_search_facet",
    "DROP TABLE IF EXISTS core_search_document",
]


def _run(schema_editor, statements_by_vendor):
    statements = statements_by_vendor.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(f"search: unsupported database {schema_editor.connection.vendor}")
    for statement in statements:
        schema_editor.execute(statement)


def create_tables(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRESQL})


def drop_tables(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_data_keys")]

    operations = [migrations.RunPython(create_tables, drop_tables, elidable=False)]
