"""Synonym groups, seeded with the field's vocabulary.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('synonym_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expressions', sa.Text(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_synonym_groups'))
    )
    from portal.services.synonyms import default_rows

    op.bulk_insert(table, default_rows())


def downgrade():
    op.drop_table('synonym_groups')
