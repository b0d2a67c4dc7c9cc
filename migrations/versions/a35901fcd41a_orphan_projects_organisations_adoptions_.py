"""Orphan projects: organisations, adoptions and their timeline, expressions of interest

Revision ID: a35901fcd41a
Revises: 2d56c965eaed
Create Date: 2026-11-25 07:58:32.103049

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a35901fcd41a'
down_revision = '2d56c965eaed'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sector', sa.String(length=120), nullable=False),
    sa.Column('territory', sa.String(length=120), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('mission', sa.Text(), nullable=False),
    sa.Column('interests', sa.Text(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('adoptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('next_follow_up', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'organisation_id', name='uq_adoptions_pair')
    )
    with op.batch_alter_table('adoptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adoptions_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adoptions_project_id'), ['project_id'], unique=False)

    op.create_table('adoption_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('adoption_id', sa.Integer(), nullable=False),
    sa.Column('stage_from', sa.String(length=20), nullable=True),
    sa.Column('stage_to', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('by', sa.String(length=254), nullable=False),
    sa.Column('at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['adoption_id'], ['adoptions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('adoption_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adoption_events_adoption_id'), ['adoption_id'], unique=False)

    op.create_table('interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('confirmed_adoption_id', sa.Integer(), nullable=True),
    sa.Column('dismissed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_adoption_id'], ['adoptions.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interests_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('needs', sa.Text(), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('needs')
        batch_op.drop_column('description')

    with op.batch_alter_table('interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interests_project_id'))

    op.drop_table('interests')
    with op.batch_alter_table('adoption_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adoption_events_adoption_id'))

    op.drop_table('adoption_events')
    with op.batch_alter_table('adoptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adoptions_project_id'))
        batch_op.drop_index(batch_op.f('ix_adoptions_organisation_id'))

    op.drop_table('adoptions')
    op.drop_table('organisations')
