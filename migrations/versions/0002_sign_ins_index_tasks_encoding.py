"""Revocable sign-ins, shared request counts, index tasks, a transcript's encoding, cues read by part.

The three tables were first made by ``db.create_all()`` of the code of 2026-12-02, before this
revision existed: a database of that day is recognised as the baseline (no alembic_version) and
already has them, so each step here is done only if what it makes is missing.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())
    if 'index_tasks' not in tables:
        op.create_table('index_tasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('webinar_id', sa.Integer(), nullable=True),
        sa.Column('resource_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_index_tasks'))
        )
        with op.batch_alter_table('index_tasks', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_index_tasks_resource_id'), ['resource_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_index_tasks_webinar_id'), ['webinar_id'], unique=False)

    if 'request_counts' not in tables:
        op.create_table('request_counts',
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('minute', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key', 'minute', name=op.f('pk_request_counts'))
        )
    if 'sign_ins' not in tables:
        op.create_table('sign_ins',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_ins_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_ins')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_sign_ins_token_hash'))
        )
        with op.batch_alter_table('sign_ins', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_sign_ins_user_id'), ['user_id'], unique=False)

    if 'ix_cues_transcript_id_position' not in {i['name'] for i in inspector.get_indexes('cues')}:
        with op.batch_alter_table('cues', schema=None) as batch_op:
            batch_op.create_index('ix_cues_transcript_id_position', ['transcript_id', 'position'], unique=False)

    if 'encoding' not in {c['name'] for c in inspector.get_columns('transcripts')}:
        with op.batch_alter_table('transcripts', schema=None) as batch_op:
            batch_op.add_column(sa.Column('encoding', sa.String(length=40), server_default='UTF-8', nullable=False))


def downgrade():
    with op.batch_alter_table('transcripts', schema=None) as batch_op:
        batch_op.drop_column('encoding')

    with op.batch_alter_table('cues', schema=None) as batch_op:
        batch_op.drop_index('ix_cues_transcript_id_position')

    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_ins_user_id'))

    op.drop_table('sign_ins')
    op.drop_table('request_counts')
    with op.batch_alter_table('index_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_index_tasks_webinar_id'))
        batch_op.drop_index(batch_op.f('ix_index_tasks_resource_id'))

    op.drop_table('index_tasks')
