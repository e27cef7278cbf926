"""Content notes: warnings on time ranges of a recording.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('webinar_id', sa.Integer(), nullable=False),
    sa.Column('start_ms', sa.Integer(), nullable=False),
    sa.Column('end_ms', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['webinar_id'], ['webinars.id'], name=op.f('fk_content_notes_webinar_id_webinars'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_notes'))
    )
    with op.batch_alter_table('content_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_notes_webinar_id'), ['webinar_id'], unique=False)


def downgrade():
    with op.batch_alter_table('content_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_notes_webinar_id'))
    op.drop_table('content_notes')
